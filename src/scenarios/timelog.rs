//! Time logging on hand-built tickets (SPEC §4 "Time logging"), in a team zone east of
//! UTC so that local dates and weeks differ from UTC ones.

use super::{Family, family_items, family_lines};
use crate::metrics::columns::Col;
use crate::metrics::testkit::{settings, ticket, ts};
use crate::metrics::timelog::{Logged, TimeLogAcc, VALUES, tally, ticket_timelog};
use crate::model::Ticket;
use crate::settings::Settings;

/// The worklog items of every ticket created by as-of, in ticket order.
fn logged(s: &Settings, tickets: &[Ticket], as_of: &str) -> Vec<Logged> {
    family_items(s, tickets, as_of, ticket_timelog)
}

/// `week,engineer,<time-logging columns>` lines, then one `(team)` line per week.
fn column_lines(items: &[Logged], window: &[&str]) -> Vec<String> {
    let family = Family {
        tally,
        merge: TimeLogAcc::merge,
        values: VALUES,
    };
    family_lines(&family, items, window)
}

/// Asia/Colombo is UTC+05:30. Late logs compare local dates; weeks follow the local
/// `started`; bots, customers and worklogs started after as-of are not counted; a
/// zero-length worklog counts; team hours are summed from seconds, not from rounded rows.
#[test]
fn late_logs_and_weeks_in_the_team_zone() {
    let mut s = settings();
    s.team.timezone = chrono_tz::Asia::Colombo;
    let a = ticket("SUP-31", "Query", "Normal", "2026-11-16T03:00")
        .assigned_to("ann")
        // Started 23:00 local Mon 16, logged 00:30 local Tue 17: late, although both
        // instants fall on 2026-11-16 in UTC.
        .worklog(
            "ann",
            "2026-11-16T17:30",
            "2026-11-16T19:00",
            3600,
            "debugging",
        )
        // 09:30 to 17:30 local, same day.
        .worklog(
            "ann",
            "2026-11-16T04:00",
            "2026-11-16T12:00",
            5400,
            "analysis",
        )
        .worklog("bot", "2026-11-16T05:00", "2026-11-20T05:00", 3600, "sync")
        .worklog(
            "cust",
            "2026-11-16T05:00",
            "2026-11-20T05:00",
            3600,
            "testing",
        )
        .worklog(
            "ann",
            "2026-11-24T01:00",
            "2026-11-24T01:00",
            3600,
            "future",
        )
        .build();
    let b = ticket("SUP-32", "Incident", "Low", "2026-11-16T03:00")
        .assigned_to("bob")
        // 23:30 local Sun 22 (W47), logged 08:30 local Mon 23: late.
        .worklog("bob", "2026-11-22T18:00", "2026-11-23T03:00", 1000, "patch")
        // 00:30 local Mon 23: week W48, although it is Sunday 22 in UTC.
        .worklog("bob", "2026-11-22T19:00", "2026-11-22T19:10", 1800, "patch")
        .worklog("cat", "2026-11-17T05:00", "2026-11-17T05:00", 0, "")
        .worklog(
            "cat",
            "2026-11-18T05:00",
            "2026-11-18T06:00",
            2000,
            "review",
        )
        .build();
    let tickets = [a, b];
    let items = logged(&s, &tickets, "2026-11-24T00:00");
    let got: Vec<_> = items
        .iter()
        .map(|l| {
            (
                tickets[l.ticket].key.as_str(),
                l.engineer.as_str(),
                l.started,
                l.seconds,
                l.late,
                l.week.to_string(),
            )
        })
        .collect();
    let w47 = "2026-W47".to_string();
    assert_eq!(
        got,
        [
            (
                "SUP-31",
                "ann",
                ts("2026-11-16T17:30"),
                3600,
                true,
                w47.clone()
            ),
            (
                "SUP-31",
                "ann",
                ts("2026-11-16T04:00"),
                5400,
                false,
                w47.clone()
            ),
            (
                "SUP-32",
                "bob",
                ts("2026-11-22T18:00"),
                1000,
                true,
                w47.clone()
            ),
            (
                "SUP-32",
                "bob",
                ts("2026-11-22T19:00"),
                1800,
                false,
                "2026-W48".to_string()
            ),
            (
                "SUP-32",
                "cat",
                ts("2026-11-17T05:00"),
                0,
                false,
                w47.clone()
            ),
            ("SUP-32", "cat", ts("2026-11-18T05:00"), 2000, false, w47),
        ]
    );
    // W47: ann 9000 s = 2.5 h; bob 1000 s = 0.28 h; cat 2000 s = 0.56 h. The team's
    // 12000 s = 3.33 h, where the rounded rows would add up to 3.34.
    assert_eq!(
        column_lines(&items, &["2026-W47", "2026-W48"]),
        [
            "2026-W47,ann,2.5,2,1,50.0",
            "2026-W47,bob,0.28,1,1,0.0",
            "2026-W47,cat,0.56,2,0,100.0",
            "2026-W48,bob,0.5,1,0,100.0",
            "2026-W47,(team),3.33,5,2,60.0",
            "2026-W48,(team),0.5,1,0,100.0",
        ]
    );
}

/// Without worklogs the percentage is empty; a negative worklog (reported elsewhere as a
/// data problem) still counts and subtracts its seconds, as the SPEC's sums say.
#[test]
fn empty_rows_and_negative_worklogs() {
    let none = TimeLogAcc::default();
    assert_eq!(none.same_day_log_pct(), None);
    let values: Vec<(Col, Option<f64>)> = VALUES.iter().map(|(c, f)| (*c, f(&none))).collect();
    assert_eq!(
        values,
        [
            (Col::HoursLogged, Some(0.0)),
            (Col::Worklogs, Some(0.0)),
            (Col::LateLogs, Some(0.0)),
            (Col::SameDayLogPct, None)
        ]
    );

    let s = settings();
    let t = ticket("SUP-33", "Query", "Normal", "2026-11-16T09:00")
        .worklog("ann", "2026-11-16T10:00", "2026-11-16T10:00", 7200, "work")
        .worklog("ann", "2026-11-16T11:00", "2026-11-16T11:00", -1800, "typo")
        .build();
    let items = logged(&s, &[t], "2026-11-17T00:00");
    assert_eq!(
        column_lines(&items, &["2026-W47"]),
        [
            "2026-W47,ann,1.5,2,0,100.0",
            "2026-W47,(team),1.5,2,0,100.0"
        ]
    );
}

/// Seconds are summed without wrapping: two worklogs of i64::MAX seconds (possible in a
/// snapshot written before imports bounded worklogs) used to show 0 hours in a release
/// build and panic in a debug one. Team rows merge the same way.
#[test]
fn huge_worklogs_sum_without_overflow() {
    let mut s = settings();
    s.team.timezone = chrono_tz::UTC;
    let t = ticket("SUP-1", "Query", "Normal", "2026-11-16T03:00")
        .assigned_to("ann")
        .worklog("ann", "2026-11-16T04:00", "2026-11-16T05:00", i64::MAX, "")
        .worklog("ann", "2026-11-16T06:00", "2026-11-16T07:00", i64::MAX, "");
    let items = logged(&s, &[t.build()], "2026-11-23T00:00");
    let mut acc = TimeLogAcc::default();
    for l in &items {
        acc.add(l);
    }
    assert_eq!(acc.seconds, 2 * i128::from(i64::MAX));
    assert_eq!(acc.hours_logged(), 2.0 * i64::MAX as f64 / 3600.0);
    let mut team = TimeLogAcc::default();
    team.merge(&acc);
    team.merge(&acc);
    assert_eq!(team.seconds, 4 * i128::from(i64::MAX));
    assert!(team.hours_logged() > 1e16);
}
