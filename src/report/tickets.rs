//! `tickets.csv` (SPEC §5): one row per ticket created by as-of, with its type, severity
//! and product at as-of and its ownership history.

use std::io::{self, Write};

use crate::metrics::handoffs::TicketSummary;
use crate::model::{Ticket, key_order};
use crate::report::csv::{Cell, table_of};

/// `tickets.csv`: `key, type, severity, product, created, resolved, owners, handoffs,
/// primary_owner, primary_share_pct, reopens`, sorted by `key_order`. `owners` are person
/// ids joined with a space, in order of first assignment.
pub fn tickets_csv<W: Write + Send + ?Sized>(
    out: &mut W,
    summaries: &[&TicketSummary],
    tickets: &[Ticket],
) -> io::Result<()> {
    let mut rows: Vec<&TicketSummary> = summaries.to_vec();
    rows.sort_by(|a, b| key_order(&tickets[a.ticket].key, &tickets[b.ticket].key));
    table_of(
        out,
        &[
            "key",
            "type",
            "severity",
            "product",
            "created",
            "resolved",
            "owners",
            "handoffs",
            "primary_owner",
            "primary_share_pct",
            "reopens",
        ],
        &rows,
        |s| {
            [
                Cell::text(&tickets[s.ticket].key),
                Cell::text(s.ticket_type.as_str()),
                Cell::text(s.severity.as_deref().unwrap_or_default()),
                Cell::text(s.product.as_deref().unwrap_or_default()),
                Cell::Time(Some(s.created)),
                Cell::Time(s.resolved),
                Cell::Words(&s.owners),
                s.handoffs.into(),
                Cell::text(s.primary_owner.as_deref().unwrap_or_default()),
                Cell::Pct(s.primary_share_pct),
                s.reopens.into(),
            ]
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_by_project_then_number() {
        let mut keys = ["SUP-10", "SUP-9", "ABC-100", "SUP-x", "SUP", "SUP-09"];
        keys.sort_by(|a, b| key_order(a, b));
        assert_eq!(
            keys,
            ["ABC-100", "SUP-09", "SUP-9", "SUP-10", "SUP", "SUP-x"]
        );
    }
}
