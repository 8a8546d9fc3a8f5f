//! Ownership (SPEC §1, §4): a person owns a ticket while they are its assignee and it is
//! not done. The intervals here decide who appears in a week, and `handoffs` reads them to
//! find the ownership-continuity items; `continuity` sums those per engineer-week.

use crate::metrics::TicketCtx;
use crate::model::{Short, Ts};
use crate::settings::Settings;

/// One stretch of ownership of a ticket by one person (any assignee, staff or not):
/// [start, end).
#[derive(Debug, Clone, PartialEq)]
pub struct Owned {
    pub ticket: usize,
    pub person: Short,
    pub start: Ts,
    pub end: Ts,
}

/// The ownership intervals of one ticket from creation to as-of, in time order.
pub fn ticket_ownership(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> Vec<Owned> {
    let tl = ctx.timeline;
    let Some(created) = ctx.ticket.created.filter(|c| *c <= as_of) else {
        return Vec::new();
    };
    let classes = ctx.status_classes(settings);
    tl.assignee_stretches_by(created, as_of, |i| !classes[i].is_done())
        .into_iter()
        .map(|(person, start, end)| Owned {
            ticket: ctx.index,
            person: person.into(),
            start,
            end,
        })
        .collect()
}
