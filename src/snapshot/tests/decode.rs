//! Child tables decode into the same per-ticket lists whether read in runs of any size or
//! with their rows in another order, and a bad row is named by its row in the whole table.

use polars::prelude::*;

use super::*;
use crate::snapshot::{decode, encode};

/// Tickets "9", "10" and "11" in stored (id) order with 1, 2 and 4 changelog items and 0, 2
/// and 3 comments, so runs of one or two rows must cut inside and between tickets.
fn stored() -> Vec<Ticket> {
    let mut eleven = full_ticket();
    eleven.id = "11".into();
    eleven.key = "SUP-11".into();
    let mut extra = eleven.changes[0].clone();
    extra.history_id = "9100".into();
    extra.at = t("2026-11-03T10:00:00.000Z");
    eleven.changes.push(extra.clone());
    extra.history_id = "9101".into();
    eleven.changes.push(extra);
    let mut reply = eleven.comments[0].clone();
    reply.id = "777".into();
    reply.body = "second".into();
    eleven.comments.push(reply);
    vec![bare_ticket(), full_ticket(), eleven]
}

fn frames(tickets: &[Ticket]) -> [DataFrame; 3] {
    let refs: Vec<&Ticket> = tickets.iter().collect();
    [Table::Tickets, Table::Comments, Table::Changes].map(|t| encode::frame(t, &refs).unwrap())
}

#[test]
fn runs_of_any_size_give_each_ticket_its_rows_in_order() {
    let tickets = stored();
    let [tdf, cdf, chdf] = frames(&tickets);
    let (_, index) = decode::tickets(&tdf, true).unwrap();
    let want_changes: Vec<Vec<Change>> = tickets.iter().map(|t| t.changes.clone()).collect();
    let want_comments: Vec<Vec<Comment>> = tickets.iter().map(|t| t.comments.clone()).collect();
    assert_eq!(
        want_changes.iter().map(Vec::len).collect::<Vec<_>>(),
        [1, 2, 4]
    );
    for run in [1, 2, 3, decode::ROWS_PER_RUN] {
        assert_eq!(
            decode::changes(&chdf, &index, run, true).unwrap(),
            want_changes,
            "runs of {run}"
        );
        assert_eq!(
            decode::comments(&cdf, &index, run, true).unwrap(),
            want_comments,
            "runs of {run}"
        );
    }
}

#[test]
fn rows_in_another_order_land_on_their_tickets() {
    let tickets = stored();
    let [tdf, _, chdf] = frames(&tickets);
    let (_, index) = decode::tickets(&tdf, true).unwrap();
    // Reversed: ticket order and the order within each ticket both flip.
    let reversed = chdf.reverse();
    let want: Vec<Vec<Change>> = tickets
        .iter()
        .map(|t| t.changes.iter().rev().cloned().collect())
        .collect();
    for run in [1, 2, decode::ROWS_PER_RUN] {
        assert_eq!(decode::changes(&reversed, &index, run, true).unwrap(), want);
    }
}

#[test]
fn an_unknown_ticket_is_named_by_its_row_in_the_whole_table() {
    let tickets = stored();
    let [tdf, _, mut chdf] = frames(&tickets);
    let (_, index) = decode::tickets(&tdf, true).unwrap();
    // Row 5 of 7 (the second item of "11") points at a ticket that is not stored.
    let ids: Vec<&str> = vec!["9", "10", "10", "11", "12", "11", "11"];
    chdf.with_column(Column::new("ticket_id".into(), ids))
        .unwrap();
    for run in [1, 2, decode::ROWS_PER_RUN] {
        let err = decode::changes(&chdf, &index, run, true)
            .unwrap_err()
            .to_string();
        assert_eq!(
            err, "row 5: ticket_id 12 is not in the tickets table",
            "runs of {run}"
        );
    }
}

#[test]
fn an_empty_cell_is_named_by_its_row_in_the_whole_table() {
    let tickets = stored();
    let [tdf, _, mut chdf] = frames(&tickets);
    let (_, index) = decode::tickets(&tdf, true).unwrap();
    let mut field: Vec<Option<&str>> = vec![Some("status"); 7];
    field[5] = None;
    chdf.with_column(Column::new("field".into(), field))
        .unwrap();
    for run in [1, 2, 3, decode::ROWS_PER_RUN] {
        let err = decode::changes(&chdf, &index, run, true)
            .unwrap_err()
            .to_string();
        assert_eq!(err, "row 6: column `field` is empty", "runs of {run}");
    }
}

#[test]
fn columns_are_checked_before_rows_even_in_an_empty_table() {
    let tickets = stored();
    let [tdf, cdf, _] = frames(&tickets);
    let (_, index) = decode::tickets(&tdf, true).unwrap();
    // No rows at all, and no `body` column: still a damaged table.
    let empty = cdf.slice(0, 0).drop("body").unwrap();
    let err = decode::comments(&empty, &index, 2, true)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "column `body` is missing");
    // A missing column is reported before a row pointing at an unknown ticket.
    let mut bad = cdf.drop("body").unwrap();
    let ids: Vec<&str> = vec!["12"; bad.height()];
    bad.with_column(Column::new("ticket_id".into(), ids))
        .unwrap();
    let err = decode::comments(&bad, &index, 2, true)
        .unwrap_err()
        .to_string();
    assert_eq!(err, "column `body` is missing");
}

/// A snapshot written before emails were kept has no `<role>_email` columns: it reads, with
/// no address for anyone, and everything else as it was.
#[test]
fn a_table_without_email_columns_reads_with_no_addresses() {
    let tickets = stored();
    let [tdf, cdf, _] = frames(&tickets);
    assert_eq!(
        tickets[1].assignee.as_ref().unwrap().email.as_deref(),
        Some("ana.ruiz@example.com")
    );
    let old = tdf.drop_many(["assignee_email", "reporter_email"]);
    let (read, index) = decode::tickets(&old, true).unwrap();
    let mut want = tickets.clone();
    for t in &mut want {
        t.comments.clear();
        t.worklogs.clear();
        t.changes.clear();
        if let Some(a) = &mut t.assignee {
            a.email = None;
        }
    }
    assert_eq!(read, want);
    let old_comments = cdf.drop("author_email").unwrap();
    let comments = decode::comments(&old_comments, &index, 2, true).unwrap();
    assert_eq!(comments[1][0].author.as_ref().unwrap().id, "cust-3");
}
