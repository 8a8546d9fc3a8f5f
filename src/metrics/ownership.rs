//! Ownership (SPEC §1, §4): a person owns a ticket while they are its assignee and it is
//! not done. The intervals here feed `tickets_owned` and decide who appears in a week.

use crate::metrics::TicketCtx;
use crate::model::Ts;
use crate::settings::Settings;

/// One stretch of ownership: [start, end).
#[derive(Debug, Clone, PartialEq)]
pub struct Owned {
    pub ticket: usize,
    pub person: String,
    pub start: Ts,
    pub end: Ts,
}

/// The ownership intervals of one ticket from creation to as-of, in time order.
pub fn ticket_ownership(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> Vec<Owned> {
    let tl = ctx.timeline;
    let Some(created) = ctx.ticket.created.filter(|c| *c <= as_of) else {
        return Vec::new();
    };
    // Every instant where the assignee or the status may change, after creation.
    let mut cuts: Vec<Ts> = tl
        .assignee
        .changes
        .iter()
        .map(|(t, _)| *t)
        .chain(tl.status.changes.iter().map(|(t, _)| *t))
        .filter(|t| *t > created && *t < as_of)
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut out: Vec<Owned> = Vec::new();
    let mut from = created;
    for to in cuts.into_iter().chain(std::iter::once(as_of)) {
        if to > from {
            let owner = tl.assignee_at(from);
            let done = settings.status_class(tl.status.at(from)).is_done();
            if let (Some(person), false) = (owner, done) {
                match out.last_mut() {
                    Some(last) if last.person == person && last.end == from => last.end = to,
                    _ => out.push(Owned {
                        ticket: ctx.index,
                        person: person.to_string(),
                        start: from,
                        end: to,
                    }),
                }
            }
        }
        from = to;
    }
    out
}
