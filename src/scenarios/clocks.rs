//! Ack clocks and update gaps on hand-built tickets (SPEC §4).

use super::{clock_lines, sla_columns, weekly_columns};
use crate::metrics::columns::Col;
use crate::metrics::testkit::{settings, ticket};

/// Incident, high: internal, customer and bot comments do not stop the ack clock; the late
/// public reply does. Update gaps follow the status; a gap open at as-of past its deadline
/// is breached and credited to the assignee at the deadline.
#[test]
fn incident_ack_and_update_gaps() {
    let s = settings();
    let t = ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
        .assign("2026-11-16T09:00", Some("ann"))
        .comment("2026-11-16T09:05", "ann", false)
        .comment("2026-11-16T09:06", "cust", true)
        .app_comment("2026-11-16T09:07", "helpdesk-app")
        .comment("2026-11-16T09:08", "bot", true)
        .comment("2026-11-16T09:20", "ann", true)
        .status("2026-11-16T12:00", "Waiting On Client")
        .status("2026-11-17T10:00", "Waiting On WSO2")
        .assign("2026-11-17T17:00", Some("bob"))
        .build();
    let got = clock_lines(&s, std::slice::from_ref(&t), "2026-11-18T00:00");
    assert_eq!(
        got,
        [
            "SUP-1,ack,incident,high,2026-11-16T09:00:00Z,2026-11-16T09:15:00Z,2026-11-16T09:20:00Z,true,20,15,true,ann,2026-W47",
            "SUP-1,update,incident,high,2026-11-16T09:20:00Z,2026-11-16T17:20:00Z,2026-11-16T12:00:00Z,true,160,480,false,ann,2026-W47",
            "SUP-1,update,incident,high,2026-11-17T10:00:00Z,2026-11-17T18:00:00Z,2026-11-18T00:00:00Z,false,840,480,true,bob,2026-W47",
        ]
    );
    let weekly = weekly_columns(
        &s,
        std::slice::from_ref(&t),
        "2026-11-18T00:00",
        "2026-W47",
        1,
        &sla_columns(),
    );
    assert_eq!(
        weekly,
        [
            "2026-W47,ann,Ann,1,20,20,20,1,0.0,1,0,100.0,1,0,0,0,0,,1",
            "2026-W47,bob,Bob,0,,,,0,,1,1,0.0,1,0,0,0,0,,1",
            "2026-W47,(team),,1,20,20,20,1,0.0,2,1,50.0,2,0,0,0,0,,2",
        ]
    );
    // Score: ack 0 % (weight 3) and update 100 % (weight 2) give 40; bob has only an
    // update component; the team pools: ack 0 %, update 50 %: (0×3 + 50×2) / 5 = 20.
    let cols = [
        "engineer",
        Col::Assignments.name(),
        Col::Prebooked.name(),
        Col::Score.name(),
    ];
    let got = weekly_columns(&s, &[t], "2026-11-18T00:00", "2026-W47", 1, &cols);
    // bob's assignment at 17:00 stays in Waiting On WSO2 until as-of: prebooked.
    assert_eq!(got, ["ann,1,0,40.0", "bob,1,1,0.0", "(team),2,1,20.0"]);
}

/// Query: the 24 h ack runs on the wall clock over a weekend; the update gap runs on the
/// business calendar (Mon–Fri 09:00–18:00 UTC) and, started before opening, begins at
/// 09:00. A reopen starts a new ack clock and no gap; a gap open at as-of within its
/// deadline is undecided.
#[test]
fn query_weekend_business_gap_and_reopen() {
    let s = settings();
    let t = ticket("SUP-2", "Query", "Normal", "2026-11-14T10:00")
        .assigned_to("cat")
        .comment("2026-11-16T08:00", "cat", true)
        .status("2026-11-19T12:00", "Resolved")
        .status("2026-11-20T09:00", "Reopened")
        .comment("2026-11-20T09:30", "cat", true)
        .build();
    let got = clock_lines(&s, std::slice::from_ref(&t), "2026-11-23T00:00");
    assert_eq!(
        got,
        [
            // 46 h late on a 24 h target.
            "SUP-2,ack,query,normal,2026-11-14T10:00:00Z,2026-11-15T10:00:00Z,2026-11-16T08:00:00Z,true,2760,1440,true,cat,2026-W46",
            // 48 business hours from Mon 09:00: five 9 h days, then 3 h of the next Monday.
            // Resolved Thu 12:00 after 9+9+9+3 = 30 business hours.
            "SUP-2,update,query,normal,2026-11-16T08:00:00Z,2026-11-23T12:00:00Z,2026-11-19T12:00:00Z,true,1800,2880,false,cat,2026-W47",
            "SUP-2,ack,query,normal,2026-11-20T09:00:00Z,2026-11-21T09:00:00Z,2026-11-20T09:30:00Z,true,30,1440,false,cat,2026-W47",
            // Fri 09:30–18:00 is 8.5 h; 48 h end Fri 27 12:30. Open at as-of: undecided.
            "SUP-2,update,query,normal,2026-11-20T09:30:00Z,2026-11-27T12:30:00Z,2026-11-23T00:00:00Z,false,510,2880,false,cat,2026-W47",
        ]
    );
    let weekly = weekly_columns(&s, &[t], "2026-11-23T00:00", "2026-W47", 2, &sla_columns());
    assert_eq!(
        weekly,
        [
            "2026-W46,cat,Cat,1,2760,2760,2760,1,0.0,0,0,,1,0,0,0,0,,1",
            "2026-W47,cat,Cat,1,30,30,30,0,100.0,1,0,100.0,0,0,0,0,0,,0",
            "2026-W46,(team),,1,2760,2760,2760,1,0.0,0,0,,1,0,0,0,0,,1",
            "2026-W47,(team),,1,30,30,30,0,100.0,1,0,100.0,0,0,0,0,0,,0",
        ]
    );
}

/// An ack clock closed by a move to done before its deadline, without a reply, is listed
/// but undecided; a Duplicate has no clocks at all; the type and severity of a clock are
/// those at its start.
#[test]
fn undecided_excluded_and_severity_at_start() {
    let s = settings();
    let closed = ticket("SUP-3", "Incident", "Critical", "2026-11-16T09:00")
        .assigned_to("bob")
        .status("2026-11-16T09:10", "Resolved")
        .build();
    let duplicate = ticket("SUP-4", "Incident", "Critical", "2026-11-16T09:00")
        .assigned_to("bob")
        .comment("2026-11-16T10:00", "bob", true)
        .status("2026-11-16T11:00", "Resolved")
        .resolution("Duplicate")
        .build();
    let lowered = ticket("SUP-5", "Incident", "Critical", "2026-11-16T09:00")
        .comment("2026-11-16T09:01", "ann", true)
        .priority("2026-11-16T10:00", "Critical", "Low")
        .build();
    let got = clock_lines(&s, &[closed, duplicate, lowered], "2026-11-16T15:00");
    assert_eq!(
        got,
        [
            "SUP-3,ack,incident,critical,2026-11-16T09:00:00Z,2026-11-16T09:15:00Z,2026-11-16T09:10:00Z,false,10,15,false,bob,2026-W47",
            "SUP-5,ack,incident,critical,2026-11-16T09:00:00Z,2026-11-16T09:15:00Z,2026-11-16T09:01:00Z,true,1,15,false,ann,2026-W47",
            // Critical's 4 h update target holds although the ticket is Low from 10:00;
            // the breach at 13:01 goes to the assignee then: nobody.
            "SUP-5,update,incident,critical,2026-11-16T09:01:00Z,2026-11-16T13:01:00Z,2026-11-16T15:00:00Z,false,359,240,true,(unassigned),2026-W47",
        ]
    );
}

/// A comment and a status change at the same instant: the changelog applies first, so a
/// reply made as the ticket moves to Waiting On Client starts no gap, and a reply made as
/// it re-enters waiting-on-us ends the zero-length gap the entry started (not an item).
#[test]
fn same_instant_changelog_before_comments() {
    let s = settings();
    let t = ticket("SUP-6", "Incident", "Normal", "2026-11-16T09:00")
        .assigned_to("ann")
        .status("2026-11-16T09:05", "Waiting On Client")
        .comment("2026-11-16T09:05", "ann", true)
        .status("2026-11-16T11:00", "Waiting On WSO2")
        .comment("2026-11-16T11:00", "ann", true)
        .status("2026-11-16T12:00", "Waiting On Client")
        .build();
    let got = clock_lines(&s, &[t], "2026-11-16T15:00");
    assert_eq!(
        got,
        [
            "SUP-6,ack,incident,normal,2026-11-16T09:00:00Z,2026-11-16T09:15:00Z,2026-11-16T09:05:00Z,true,5,15,false,ann,2026-W47",
            "SUP-6,update,incident,normal,2026-11-16T11:00:00Z,2026-11-17T11:00:00Z,2026-11-16T12:00:00Z,true,60,1440,false,ann,2026-W47",
        ]
    );
}

/// Weeks are ISO weeks in the team's zone, and a clock's week is the week of its start.
#[test]
fn clock_week_follows_the_team_zone() {
    let mut s = settings();
    s.team.timezone = chrono_tz::Asia::Colombo;
    let t = ticket("SUP-7", "Incident", "High", "2026-11-22T19:00")
        .comment("2026-11-22T19:10", "ann", true)
        .status("2026-11-22T19:30", "Resolved")
        .build();
    let got = clock_lines(&s, &[t], "2026-11-23T00:00");
    // 19:00 UTC on Sunday is 00:30 on Monday in Colombo.
    assert_eq!(
        got,
        [
            "SUP-7,ack,incident,high,2026-11-22T19:00:00Z,2026-11-22T19:15:00Z,2026-11-22T19:10:00Z,true,10,15,false,ann,2026-W48",
            "SUP-7,update,incident,high,2026-11-22T19:10:00Z,2026-11-23T03:10:00Z,2026-11-22T19:30:00Z,true,20,480,false,(unassigned),2026-W48",
        ]
    );
}

/// A target too long for chrono's dates has no deadline (the clock never breaches)
/// instead of a panic; the config file stops targets at a year, so only code builds one.
#[test]
fn a_target_beyond_every_date_has_no_deadline() {
    use crate::metrics::clocks::deadline;
    use crate::settings::ClockMode;
    let s = settings();
    let start = crate::metrics::testkit::ts("2026-11-16T09:00");
    assert_eq!(
        deadline(&s, ClockMode::TwentyFourSeven, start, 900),
        Some(crate::metrics::testkit::ts("2026-11-16T09:15"))
    );
    assert_eq!(
        deadline(&s, ClockMode::TwentyFourSeven, start, i64::MAX),
        None
    );
    assert_eq!(
        deadline(&s, ClockMode::TwentyFourSeven, start, 8_640_000_000_000),
        None
    );
    assert_eq!(deadline(&s, ClockMode::Business, start, i64::MAX), None);
}
