//! Who gets a row of `engineer_weekly.csv` (SPEC §5): every person credited with an item of
//! the week, and every staff member who owned a ticket at some instant of it or authored a
//! comment or a worklog (by `started`) in it; and the display name each row shows.

use super::weekly_columns;
use crate::metrics::columns::Col;
use crate::metrics::testkit::{settings, ticket};

/// Week 2026-W47 (Mon 16 – Sun 22 Nov), as of Fri 20 Nov 12:00.
///
/// - ann owns SUP-1 and SUP-2 from creation: her row has tickets_owned 2. No staff member
///   wrote a public comment, so both query ack clocks are still open: acks 0 everywhere.
/// - bob only wrote internal comments: he still gets a row, every count 0. He was seen as
///   "Bob New" on Thu 19 (on SUP-1) and as "Bob Old" on Tue 17 (on SUP-2, read later): the
///   latest sighting names him, whatever the ticket order.
/// - cat's worklog was started in W46 (created in W47) and her comment is dated after
///   as-of: no row for cat.
/// - lee (a lead) only changed statuses: changelog authors get no row.
/// - the customer who reported both tickets is not staff: no row.
///
/// Team row: tickets_owned 2 (distinct), everything else 0.
#[test]
fn rows_for_owners_and_authors_only_named_by_the_latest_sighting() {
    let s = settings();
    let mut one = ticket("SUP-1", "Query", "Medium", "2026-11-16T09:00")
        .assigned_to("ann")
        .comment("2026-11-19T10:00", "bob", false)
        .worklog(
            "cat",
            "2026-11-13T09:00",
            "2026-11-16T10:00",
            1800,
            "triage",
        )
        .comment("2026-11-21T10:00", "cat", true)
        .status("2026-11-17T09:00", "In Progress")
        .build();
    one.comments[0].author.as_mut().unwrap().name = "Bob New".into();
    let mut two = ticket("SUP-2", "Query", "Medium", "2026-11-16T11:00")
        .assigned_to("ann")
        .comment("2026-11-17T10:00", "bob", false)
        .build();
    two.comments[0].author.as_mut().unwrap().name = "Bob Old".into();
    let rows = weekly_columns(
        &s,
        &[one, two],
        "2026-11-20T12:00",
        "2026-W47",
        1,
        &[
            "week",
            "engineer",
            "engineer_name",
            Col::Acks.name(),
            Col::TicketsOwned.name(),
            Col::Worklogs.name(),
            Col::HoursLogged.name(),
        ],
    );
    assert_eq!(
        rows,
        [
            "2026-W47,ann,Ann,0,2,0,0",
            "2026-W47,bob,Bob New,0,0,0,0",
            "2026-W47,(team),,0,2,0,0",
        ]
    );
}
