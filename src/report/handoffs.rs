//! `handoffs.csv` (SPEC §4 "Ownership continuity", §5): one row per handoff.

use std::io::{self, Write};

use crate::metrics::handoffs::Handoff;
use crate::model::Ticket;
use crate::report::csv::{Cell, table_of};

/// `handoffs.csv`: `ticket, at, from, to, week`, rows in the order given (the caller cuts
/// them to the window and sorts them).
pub fn handoffs_csv<W: Write + Send + ?Sized>(
    out: &mut W,
    handoffs: &[&Handoff],
    tickets: &[Ticket],
) -> io::Result<()> {
    table_of(
        out,
        &["ticket", "at", "from", "to", "week"],
        handoffs,
        |h| {
            [
                Cell::text(&tickets[h.ticket].key),
                Cell::Time(Some(h.at)),
                Cell::text(&h.from),
                Cell::text(&h.to),
                Cell::Week(h.week),
            ]
        },
    )
}
