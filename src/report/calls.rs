//! `calls.csv` (SPEC §4 "Calls"): one row per call worklog and per call note.

use std::io::{self, Write};

use crate::metrics::calls::Call;
use crate::model::Ticket;
use crate::report::csv::{Cell, table_of};

/// `calls.csv`, rows ordered by `at`, then ticket key, then kind (worklog before notes),
/// then engineer, so the bytes do not depend on the order the items arrive in.
pub fn calls_csv<W: Write + Send + ?Sized>(
    out: &mut W,
    items: &[&Call],
    tickets: &[Ticket],
) -> io::Result<()> {
    let mut rows: Vec<&Call> = items.to_vec();
    rows.sort_by(|a, b| {
        (a.at, &tickets[a.ticket].key, a.kind, &a.engineer).cmp(&(
            b.at,
            &tickets[b.ticket].key,
            b.kind,
            &b.engineer,
        ))
    });
    table_of(
        out,
        &[
            "ticket", "kind", "at", "engineer", "minutes", "missing", "week",
        ],
        &rows,
        |c| {
            [
                Cell::text(&tickets[c.ticket].key),
                Cell::text(c.kind.as_str()),
                Cell::Time(Some(c.at)),
                Cell::text(c.engineer.as_str()),
                Cell::Num(c.minutes()),
                Cell::text(c.missing_str()),
                Cell::Week(c.week),
            ]
        },
    )
}
