//! Work in progress and prebooking on hand-built tickets (SPEC §4).

use std::collections::{BTreeMap, BTreeSet};

use super::{value_cells, value_names};
use crate::metrics::Prepared;
use crate::metrics::testkit::{settings, ticket, ts};
use crate::metrics::weekly::TEAM;
use crate::metrics::wip::{self, TicketWip, WipAcc};
use crate::model::{Ticket, fmt_ts};
use crate::report::csv::{Cell, table, to_vec};
use crate::settings::Settings;
use crate::week::{self, Week};

/// Every ticket's work-in-progress items at as-of, tickets in list order.
fn items(s: &Settings, tickets: &[Ticket], as_of: &str) -> TicketWip {
    let prepared = Prepared::new(s, tickets, ts(as_of));
    let mut all = TicketWip::default();
    for i in 0..tickets.len() {
        let one = wip::ticket_wip(&prepared.ctx(i), s, ts(as_of));
        all.intervals.extend(one.intervals);
        all.assignments.extend(one.assignments);
    }
    all
}

/// `ticket,person,start,end` per interval.
fn interval_lines(items: &TicketWip, tickets: &[Ticket]) -> Vec<String> {
    items
        .intervals
        .iter()
        .map(|i| {
            let (a, b) = (fmt_ts(i.start), fmt_ts(i.end));
            format!("{},{},{a},{b}", tickets[i.ticket].key, i.person)
        })
        .collect()
}

/// `ticket,person,start,prebooked,week` per assignment.
fn assignment_lines(items: &TicketWip, tickets: &[Ticket]) -> Vec<String> {
    items
        .assignments
        .iter()
        .map(|a| {
            let key = &tickets[a.ticket].key;
            let start = fmt_ts(a.start);
            format!("{key},{},{start},{},{}", a.person, a.prebooked, a.week)
        })
        .collect()
}

/// The rows of a window ending at `last`, with each week's `(team)` row merged from them.
fn rows(
    s: &Settings,
    items: &TicketWip,
    last: &str,
    weeks: u32,
) -> BTreeMap<(Week, String), WipAcc> {
    let window: BTreeSet<Week> = week::window(last.parse().unwrap(), weeks)
        .into_iter()
        .collect();
    let mut tallied = BTreeMap::new();
    wip::tally(
        &items.intervals,
        &items.assignments,
        &window,
        s.team.timezone,
        &mut tallied,
    );
    let mut rows: BTreeMap<(Week, String), WipAcc> = tallied
        .into_iter()
        .map(|((w, who), acc)| ((w, who.to_string()), acc))
        .collect();
    let mut team: BTreeMap<(Week, String), WipAcc> = BTreeMap::new();
    for ((w, _), acc) in &rows {
        team.entry((*w, TEAM.to_string())).or_default().merge(acc);
    }
    rows.extend(team);
    rows
}

/// `week,engineer,max_wip,multi_wip_hours,assignments,prebooked` rendered as CSV cells:
/// engineer rows, then team rows (as the report writes them to two files).
fn lines(rows: &BTreeMap<(Week, String), WipAcc>) -> Vec<String> {
    let mut engineers: Vec<_> = rows.iter().filter(|((_, p), _)| p != TEAM).collect();
    engineers.extend(rows.iter().filter(|((_, p), _)| p == TEAM));
    let header: Vec<&str> = ["week", "engineer"]
        .into_iter()
        .chain(value_names(wip::VALUES))
        .collect();
    let bytes = to_vec(|out| {
        table(
            out,
            &header,
            engineers.into_iter().map(|((w, p), acc)| {
                [Cell::text(w.to_string()), Cell::text(p)]
                    .into_iter()
                    .chain(value_cells(wip::VALUES, acc))
                    .collect()
            }),
        )
    });
    let text = String::from_utf8(bytes).unwrap();
    let mut out: Vec<String> = text.lines().map(str::to_string).collect();
    assert_eq!(
        out.remove(0),
        "week,engineer,max_wip,multi_wip_hours,assignments,prebooked"
    );
    out
}

fn row<'r>(rows: &'r BTreeMap<(Week, String), WipAcc>, week: &str, who: &str) -> &'r WipAcc {
    &rows[&(week.parse().unwrap(), who.to_string())]
}

const HOUR_MS: i64 = 3_600_000;

/// Two tickets In Progress for ann overlapping 90 minutes; bob's two tickets follow each
/// other (one ends at 12:00 as the next starts), which is never two at once.
#[test]
fn overlap_and_back_to_back() {
    let s = settings();
    let tickets = [
        ticket("SUP-21", "Incident", "Normal", "2026-11-16T09:00")
            .assigned_to("ann")
            .status("2026-11-16T10:00", "In Progress")
            .status("2026-11-16T12:00", "Waiting On Client")
            .build(),
        ticket("SUP-22", "Incident", "Normal", "2026-11-16T09:00")
            .assigned_to("ann")
            .status("2026-11-16T10:30", "In Progress")
            .status("2026-11-16T14:00", "Resolved")
            .build(),
        ticket("SUP-23", "Query", "Normal", "2026-11-16T09:00")
            .assigned_to("bob")
            .status("2026-11-16T11:00", "In Progress")
            .status("2026-11-16T12:00", "Waiting On Client")
            .build(),
        ticket("SUP-24", "Query", "Normal", "2026-11-16T09:00")
            .assigned_to("bob")
            .status("2026-11-16T12:00", "In Progress")
            .status("2026-11-16T13:00", "Resolved")
            .build(),
    ];
    let got = items(&s, &tickets, "2026-11-18T00:00");
    assert_eq!(
        interval_lines(&got, &tickets),
        [
            "SUP-21,ann,2026-11-16T10:00:00Z,2026-11-16T12:00:00Z",
            "SUP-22,ann,2026-11-16T10:30:00Z,2026-11-16T14:00:00Z",
            "SUP-23,bob,2026-11-16T11:00:00Z,2026-11-16T12:00:00Z",
            "SUP-24,bob,2026-11-16T12:00:00Z,2026-11-16T13:00:00Z",
        ]
    );
    let rows = rows(&s, &got, "2026-W47", 1);
    // Each ticket was assigned at creation and moved to In Progress within 4 h.
    assert_eq!(
        lines(&rows),
        [
            "2026-W47,ann,2,1.5,2,0",
            "2026-W47,bob,1,0,2,0",
            "2026-W47,(team),2,1.5,4,0",
        ]
    );
    // ann: one ticket 10:00–10:30 and 12:00–14:00 (2.5 h) of 4 h with any.
    let ann = row(&rows, "2026-W47", "ann");
    assert_eq!((ann.one_ms, ann.any_ms), (5 * HOUR_MS / 2, 4 * HOUR_MS));
    assert_eq!(ann.wip_pct(), Some(62.5));
    assert_eq!(row(&rows, "2026-W47", "bob").wip_pct(), Some(100.0));
    // The team pools the hours: 4.5 of 6.
    assert_eq!(row(&rows, "2026-W47", TEAM).wip_pct(), Some(75.0));
}

/// Parallel work from Sunday night into Monday is split at the week boundary.
#[test]
fn interval_spanning_a_week_boundary() {
    let s = settings();
    let tickets = [
        ticket("SUP-25", "Incident", "High", "2026-11-22T20:00")
            .assigned_to("cat")
            .status("2026-11-22T22:00", "In Progress")
            .status("2026-11-23T02:00", "Resolved")
            .build(),
        ticket("SUP-26", "Incident", "High", "2026-11-22T20:00")
            .assigned_to("cat")
            .status("2026-11-22T23:00", "In Progress")
            .status("2026-11-23T01:00", "Resolved")
            .build(),
    ];
    let got = items(&s, &tickets, "2026-11-24T00:00");
    let rows = rows(&s, &got, "2026-W48", 2);
    // W47: 22–23 one, 23–24 two. W48: 00–01 two, 01–02 one. Assigned Sunday: W47.
    assert_eq!(
        lines(&rows),
        [
            "2026-W47,cat,2,1,2,0",
            "2026-W48,cat,2,1,0,0",
            "2026-W47,(team),2,1,2,0",
            "2026-W48,(team),2,1,0,0",
        ]
    );
    for week in ["2026-W47", "2026-W48"] {
        let cat = row(&rows, week, "cat");
        assert_eq!((cat.one_ms, cat.any_ms), (HOUR_MS, 2 * HOUR_MS));
    }
}

/// London moves to summer time on Sunday 2026-03-29, so 2026-W13 ends at 23:00 UTC and is
/// 167 hours long; the hours after 23:00 UTC belong to W14.
#[test]
fn dst_week_in_the_team_zone() {
    let mut s = settings();
    s.team.timezone = chrono_tz::Europe::London;
    let tickets = [
        ticket("SUP-27", "Incident", "High", "2026-03-29T20:00")
            .assigned_to("ann")
            .status("2026-03-29T21:00", "In Progress")
            .status("2026-03-30T01:00", "Resolved")
            .build(),
        ticket("SUP-28", "Incident", "High", "2026-03-29T20:00")
            .assigned_to("ann")
            .status("2026-03-29T22:00", "In Progress")
            .status("2026-03-30T00:30", "Resolved")
            .build(),
        ticket("SUP-29", "Query", "Low", "2026-03-20T09:00")
            .assigned_to("bob")
            .status("2026-03-20T10:00", "In Progress")
            .status("2026-04-02T00:00", "Resolved")
            .build(),
    ];
    let got = items(&s, &tickets, "2026-04-06T00:00");
    let rows = rows(&s, &got, "2026-W14", 2);
    // ann, W13: 21–22 one, 22–23 two (UTC). W14: 23:00–00:30 two, 00:30–01:00 one.
    // SUP-29 was assigned in W12, outside the window.
    assert_eq!(
        lines(&rows),
        [
            "2026-W13,ann,2,1,2,0",
            "2026-W13,bob,1,0,0,0",
            "2026-W14,ann,2,1.5,0,0",
            "2026-W14,bob,1,0,0,0",
            "2026-W13,(team),2,1,2,0",
            "2026-W14,(team),2,1.5,0,0",
        ]
    );
    let ann = row(&rows, "2026-W14", "ann");
    assert_eq!((ann.one_ms, ann.any_ms), (HOUR_MS / 2, 2 * HOUR_MS));
    // bob was in progress all of W13 (167 h) and W14 until Thursday 00:00 UTC (73 h).
    assert_eq!(row(&rows, "2026-W13", "bob").any_ms, 167 * HOUR_MS);
    assert_eq!(row(&rows, "2026-W14", "bob").any_ms, 73 * HOUR_MS);
}

/// A ticket In Progress counts only for its assignee: SUP-31 is bob's until 11:00, then
/// ann's; an unassigned ticket In Progress counts for nobody.
#[test]
fn in_progress_counts_for_the_assignee_only() {
    let s = settings();
    let tickets = [
        ticket("SUP-30", "Incident", "Normal", "2026-11-16T09:00")
            .assigned_to("ann")
            .status("2026-11-16T10:00", "In Progress")
            .status("2026-11-16T12:00", "Resolved")
            .build(),
        ticket("SUP-31", "Incident", "Normal", "2026-11-16T09:00")
            .assigned_to("bob")
            .status("2026-11-16T10:00", "In Progress")
            .assign("2026-11-16T11:00", Some("ann"))
            .status("2026-11-16T12:00", "Resolved")
            .build(),
        ticket("SUP-32", "Incident", "Normal", "2026-11-16T09:00")
            .status("2026-11-16T10:00", "In Progress")
            .build(),
    ];
    let got = items(&s, &tickets, "2026-11-18T00:00");
    assert_eq!(
        interval_lines(&got, &tickets),
        [
            "SUP-30,ann,2026-11-16T10:00:00Z,2026-11-16T12:00:00Z",
            "SUP-31,bob,2026-11-16T10:00:00Z,2026-11-16T11:00:00Z",
            "SUP-31,ann,2026-11-16T11:00:00Z,2026-11-16T12:00:00Z",
        ]
    );
    let rows = rows(&s, &got, "2026-W47", 1);
    assert_eq!(
        lines(&rows),
        [
            "2026-W47,ann,2,1,2,0",
            "2026-W47,bob,1,0,1,0",
            "2026-W47,(team),2,1,3,0",
        ]
    );
}

/// Prebooking over [start, start + 4 h], as-of Wednesday 00:00: held Open 5 h (yes); In
/// Progress after 1 h (no); reassigned within 4 h (no for bob, yes for cat who then holds
/// it); In Progress exactly at start + 4 h (no: the window is closed); a window ending
/// exactly at as-of (judged: yes); a window not complete at as-of (no); Waiting On Client
/// at the start (no); unassigned within 4 h (no). Customers and bots are no assignments; a
/// lead is staff.
#[test]
fn prebooked_assignments() {
    let s = settings();
    let open =
        |key: &str, who: &str| ticket(key, "Query", "Normal", "2026-11-16T09:00").assigned_to(who);
    let tickets = [
        open("SUP-40", "ann")
            .status("2026-11-16T14:00", "In Progress")
            .build(),
        open("SUP-41", "ann")
            .status("2026-11-16T10:00", "In Progress")
            .build(),
        open("SUP-42", "bob")
            .assign("2026-11-16T11:00", Some("cat"))
            .build(),
        open("SUP-43", "ann")
            .status("2026-11-16T13:00", "In Progress")
            .build(),
        ticket("SUP-44", "Query", "Normal", "2026-11-17T20:00")
            .assign("2026-11-17T20:00", Some("cat"))
            .build(),
        ticket("SUP-45", "Query", "Normal", "2026-11-17T22:00")
            .assign("2026-11-17T22:30", Some("bob"))
            .build(),
        open("SUP-46", "cust")
            .assign("2026-11-16T10:00", Some("bot"))
            .assign("2026-11-16T11:00", Some("lee"))
            .build(),
        open("SUP-47", "ann")
            .status("2026-11-16T09:00", "Waiting On Client")
            .status("2026-11-16T10:00", "Open")
            .build(),
        open("SUP-48", "ann")
            .assign("2026-11-16T11:00", None)
            .build(),
    ];
    let got = items(&s, &tickets, "2026-11-18T00:00");
    assert_eq!(
        assignment_lines(&got, &tickets),
        [
            "SUP-40,ann,2026-11-16T09:00:00Z,true,2026-W47",
            "SUP-41,ann,2026-11-16T09:00:00Z,false,2026-W47",
            "SUP-42,bob,2026-11-16T09:00:00Z,false,2026-W47",
            "SUP-42,cat,2026-11-16T11:00:00Z,true,2026-W47",
            "SUP-43,ann,2026-11-16T09:00:00Z,false,2026-W47",
            "SUP-44,cat,2026-11-17T20:00:00Z,true,2026-W47",
            "SUP-45,bob,2026-11-17T22:30:00Z,false,2026-W47",
            "SUP-46,lee,2026-11-16T11:00:00Z,true,2026-W47",
            "SUP-47,ann,2026-11-16T09:00:00Z,false,2026-W47",
            "SUP-48,ann,2026-11-16T09:00:00Z,false,2026-W47",
        ]
    );
    let rows = rows(&s, &got, "2026-W47", 1);
    // ann's In Progress tickets run to as-of from 10:00, 13:00 and 14:00: one for 3 h,
    // then two for 1 h, then three for 34 h.
    assert_eq!(
        lines(&rows),
        [
            "2026-W47,ann,3,35,5,1",
            "2026-W47,bob,0,0,2,0",
            "2026-W47,cat,0,0,2,2",
            "2026-W47,lee,0,0,1,1",
            "2026-W47,(team),3,35,10,4",
        ]
    );
    let bob = row(&rows, "2026-W47", "bob");
    assert_eq!(bob.wip_pct(), None);
}

/// Several assignee changes at one instant count by the value they leave: ann → bob → ann
/// at 10:00 is no assignment at all.
#[test]
fn same_instant_reassignment_is_no_assignment() {
    let s = settings();
    let tickets = [ticket("SUP-49", "Query", "Normal", "2026-11-16T09:00")
        .assigned_to("ann")
        .assign("2026-11-16T10:00", Some("bob"))
        .assign("2026-11-16T10:00", Some("ann"))
        .build()];
    let got = items(&s, &tickets, "2026-11-18T00:00");
    assert_eq!(
        assignment_lines(&got, &tickets),
        ["SUP-49,ann,2026-11-16T09:00:00Z,true,2026-W47"]
    );
}

/// A prebook window too long for chrono's dates (only a settings value built in code can
/// be; the config file stops at a year) is never complete by as-of: no panic, no prebook.
#[test]
fn a_prebook_window_beyond_every_date_is_not_prebooked() {
    let mut s = settings();
    s.prebook_after = i64::MAX;
    let tickets = [ticket("SUP-40", "Query", "Normal", "2026-11-16T09:00")
        .assigned_to("ann")
        .build()];
    let all = items(&s, &tickets, "2026-11-18T00:00");
    assert_eq!(assignment_lines(&all, &tickets).len(), 1);
    assert!(all.assignments.iter().all(|a| !a.prebooked));
    s.prebook_after = 8_640_000_000_000;
    let all = items(&s, &tickets, "2026-11-18T00:00");
    assert!(all.assignments.iter().all(|a| !a.prebooked));
}
