//! `handoffs.csv` (SPEC §4 "Ownership continuity", §5): one row per handoff.

use crate::metrics::handoffs::Handoff;
use crate::model::Ticket;
use crate::report::csv::{Cell, table};

/// `handoffs.csv`: `ticket, at, from, to, week`, rows in the order given (the caller cuts
/// them to the window and sorts them).
pub fn handoffs_csv(handoffs: &[&Handoff], tickets: &[Ticket]) -> Vec<u8> {
    table(
        &["ticket", "at", "from", "to", "week"],
        handoffs.iter().map(|h| {
            vec![
                Cell::text(&tickets[h.ticket].key),
                Cell::Time(Some(h.at)),
                Cell::text(&h.from),
                Cell::text(&h.to),
                Cell::Week(h.week),
            ]
        }),
    )
}
