//! Call worklogs and call notes on hand-built tickets (SPEC §4 "Calls").

use super::{Family, family_items, family_lines, lines};
use crate::metrics::calls::{Call, CallAcc, CallKind, VALUES, tally, ticket_calls};
use crate::metrics::testkit::{settings, ticket};
use crate::model::Ticket;
use crate::report::calls::calls_csv;
use crate::report::csv::to_vec;
use crate::settings::Settings;

/// The call items of every ticket created by as-of, in ticket order.
fn calls(s: &Settings, tickets: &[Ticket], as_of: &str) -> Vec<Call> {
    family_items(s, tickets, as_of, ticket_calls)
}

/// `week,engineer,<call columns>` lines, then one `(team)` line per week.
fn column_lines(items: &[Call], window: &[&str]) -> Vec<String> {
    let family = Family {
        tally,
        merge: CallAcc::merge,
        values: VALUES,
    };
    family_lines(&family, items, window)
}

/// Notes pair with call worklogs by the same author within ±24 h, bounds included; notes by
/// one engineer do not cover another's call; internal notes count; customers, bots and a
/// word that merely contains "call" do not; nothing after as-of is seen.
#[test]
fn pairing_authors_and_patterns() {
    let s = settings();
    let paired = ticket("SUP-21", "Query", "Normal", "2026-11-16T09:00")
        .assigned_to("ann")
        .comment_text(
            "2026-11-16T10:00",
            "ann",
            true,
            "Call notes: attendees Ann, Acme ops",
        )
        // 23 h, exactly 24 h and 25 h after the notes.
        .worklog(
            "ann",
            "2026-11-17T09:00",
            "2026-11-17T09:30",
            3600,
            "Customer call",
        )
        .worklog(
            "ann",
            "2026-11-17T10:00",
            "2026-11-17T10:30",
            2700,
            "Weekly MEETING",
        )
        .worklog(
            "ann",
            "2026-11-17T11:00",
            "2026-11-17T11:30",
            1800,
            "call, again",
        )
        .build();
    let crossed = ticket("SUP-22", "Incident", "High", "2026-11-18T09:00")
        .assigned_to("cat")
        .worklog(
            "cat",
            "2026-11-18T13:00",
            "2026-11-18T14:00",
            3600,
            "call with Acme",
        )
        // Internal, with leading punctuation and odd case: still notes, but bob's.
        .comment_text(
            "2026-11-18T14:00",
            "bob",
            false,
            "** Call Notes ** attendees: Bob, Cat",
        )
        .comment_text("2026-11-18T15:00", "cust", true, "Call notes from our side")
        .comment_text("2026-11-18T15:30", "cat", true, "Summary of call notes")
        .worklog("bot", "2026-11-18T12:00", "2026-11-18T12:00", 600, "call")
        .worklog(
            "cat",
            "2026-11-18T16:00",
            "2026-11-18T16:10",
            600,
            "Recall config",
        )
        .build();
    let cut = ticket("SUP-23", "Query", "Normal", "2026-11-19T09:00")
        .assigned_to("ann")
        .worklog("ann", "2026-11-19T20:00", "2026-11-19T20:30", 1000, "call")
        // Both after as-of: the note does not pair, the worklog is no item.
        .comment_text("2026-11-20T01:00", "ann", true, "Call notes")
        .worklog("ann", "2026-11-20T02:00", "2026-11-20T02:30", 600, "call")
        .build();
    // Notes exactly 24 h after the call: the upper bound is inclusive too.
    let later = ticket("SUP-25", "Query", "Normal", "2026-11-16T09:00")
        .assigned_to("cat")
        .worklog("cat", "2026-11-16T12:00", "2026-11-16T12:00", 900, "call")
        .comment_text("2026-11-17T12:00", "cat", false, "call notes")
        .build();
    let tickets = [paired, crossed, cut, later];
    let items = calls(&s, &tickets, "2026-11-20T00:00");
    let refs: Vec<&Call> = items.iter().collect();
    assert_eq!(
        lines(to_vec(|out| calls_csv(out, &refs, &tickets))),
        [
            "SUP-21,notes,2026-11-16T10:00:00Z,ann,,,2026-W47",
            "SUP-25,worklog,2026-11-16T12:00:00Z,cat,15,,2026-W47",
            "SUP-21,worklog,2026-11-17T09:00:00Z,ann,60,,2026-W47",
            "SUP-21,worklog,2026-11-17T10:00:00Z,ann,45,,2026-W47",
            "SUP-21,worklog,2026-11-17T11:00:00Z,ann,30,notes,2026-W47",
            "SUP-25,notes,2026-11-17T12:00:00Z,cat,,,2026-W47",
            "SUP-22,worklog,2026-11-18T13:00:00Z,cat,60,notes,2026-W47",
            "SUP-22,notes,2026-11-18T14:00:00Z,bob,,time,2026-W47",
            "SUP-23,worklog,2026-11-19T20:00:00Z,ann,16.67,notes,2026-W47",
        ]
    );
    // ann: 4 calls of 9100 s = 151.67 min, 1 note, 2 calls without notes;
    // team: 13600 s = 226.67 min over all rows' seconds.
    assert_eq!(
        column_lines(&items, &["2026-W47"]),
        [
            "2026-W47,ann,4,151.67,1,2,0",
            "2026-W47,bob,0,0,1,0,1",
            "2026-W47,cat,2,75,1,1,0",
            "2026-W47,(team),6,226.67,3,3,1",
        ]
    );
}

/// The score component pools worklogs and notes: 100 × paired / all; no items, no value.
#[test]
fn score_component_over_pooled_items() {
    let ann = CallAcc {
        calls_reported: 4,
        call_seconds: 9100,
        call_notes: 1,
        calls_missing_notes: 2,
        calls_missing_time: 0,
    };
    let bob = CallAcc {
        call_notes: 1,
        calls_missing_time: 1,
        ..CallAcc::default()
    };
    assert_eq!(ann.score_pct(), Some(60.0));
    assert_eq!(bob.score_pct(), Some(0.0));
    let mut team = ann.clone();
    team.merge(&bob);
    // (4 − 2 + 2 − 1) / 6 = 50 %.
    assert_eq!(team.score_pct(), Some(50.0));
    assert_eq!(CallAcc::default().score_pct(), None);
}

/// Items of weeks outside the window are not tallied; a call's week is that of its
/// instant in the team's zone (Asia/Colombo, UTC+05:30: Sunday 19:00 UTC is Monday).
#[test]
fn weeks_follow_the_team_zone_and_window() {
    let mut s = settings();
    s.team.timezone = chrono_tz::Asia::Colombo;
    let t = ticket("SUP-24", "Query", "Normal", "2026-11-10T09:00")
        .assigned_to("ann")
        .worklog("ann", "2026-11-12T09:00", "2026-11-12T09:00", 600, "call")
        .worklog("ann", "2026-11-22T19:00", "2026-11-22T19:00", 1200, "call")
        .build();
    let tickets = [t];
    let items = calls(&s, &tickets, "2026-11-24T00:00");
    let got: Vec<_> = items
        .iter()
        .map(|c| (c.kind, c.week.to_string(), c.missing))
        .collect();
    assert_eq!(
        got,
        [
            (CallKind::Worklog, "2026-W46".to_string(), true),
            (CallKind::Worklog, "2026-W48".to_string(), true),
        ]
    );
    assert_eq!(
        column_lines(&items, &["2026-W47", "2026-W48"]),
        [
            "2026-W48,ann,1,20,0,1,0",
            "2026-W47,(team),0,0,0,0,0",
            "2026-W48,(team),1,20,0,1,0",
        ]
    );
}

/// Call seconds are summed without wrapping: two call worklogs of i64::MAX seconds used to
/// show 0 minutes in a release build and panic in a debug one.
#[test]
fn huge_call_worklogs_sum_without_overflow() {
    let call = Call {
        ticket: 0,
        kind: CallKind::Worklog,
        at: crate::metrics::testkit::ts("2026-11-16T04:00"),
        engineer: "ann".into(),
        seconds: Some(i64::MAX),
        missing: false,
        week: "2026-W47".parse().unwrap(),
    };
    let mut acc = CallAcc::default();
    acc.add(&call);
    acc.add(&call);
    assert_eq!(acc.call_seconds, 2 * i128::from(i64::MAX));
    assert_eq!(acc.call_minutes_reported(), 2.0 * i64::MAX as f64 / 60.0);
    let mut team = CallAcc::default();
    team.merge(&acc);
    team.merge(&acc);
    assert_eq!(team.call_seconds, 4 * i128::from(i64::MAX));
}
