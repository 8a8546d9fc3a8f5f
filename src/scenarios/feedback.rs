//! Plus and improvement points on hand-built tickets (SPEC §4 "Score and feedback"), built
//! the way the report builds them: items, presence, weekly rows, then `feedback::points`.

use crate::metrics::columns::Col;
use crate::metrics::feedback::{self, Point};
use crate::metrics::testkit::{settings, ticket, ts};
use crate::metrics::{Prepared, weekly};
use crate::model::Ticket;
use crate::settings::Settings;
use crate::week::{self, Week};

/// The engineers of the window's rows (by week), and every point as
/// `week engineer kind metric tickets | message`.
fn feedback(
    s: &Settings,
    tickets: &[Ticket],
    as_of: &str,
    last: &str,
    weeks: u32,
) -> (Vec<String>, Vec<String>) {
    let prepared = Prepared::new(s, tickets, ts(as_of));
    let items = prepared.items(s);
    let window = week::window(last.parse::<Week>().unwrap(), weeks);
    let present = prepared.presence(s, &items, &window);
    let tz = s.team.timezone;
    let weekly = weekly::aggregate(&items, &window, &present, tz);
    let rows = weekly
        .engineers
        .iter()
        .map(|r| format!("{} {}", r.week, r.engineer))
        .collect();
    let points = feedback::points(&weekly.engineers, &items, tickets, tz)
        .iter()
        .map(|p: &Point| {
            format!(
                "{} {} {} {} {} | {}",
                p.week,
                p.engineer,
                p.kind.as_str(),
                p.metric,
                p.tickets.join(" "),
                p.message
            )
        })
        .collect();
    (rows, points)
}

/// Incident, high: ack target 15 min (wall clock), update target 8 h. As-of 12:00 keeps
/// every assignment's 4 h prebooking window open, so none is prebooked.
/// - ann: SUP-1 acknowledged at 09:20 (breached, never escalated: silent); SUP-6 never
///   acknowledged (breached at 09:15) but escalated late at 09:13, within its window, so
///   not silent, and a late escalation is neither a plus nor an improvement.
/// - bob: SUP-2 escalated early (13 min ahead), acknowledged at 09:05, then an update gap
///   09:05–10:05 closed by his next comment: three plus points.
/// - cat: SUP-3 never acknowledged (breached at 09:15), escalated after the breach; SUP-4
///   acknowledged in 5 min (no plus: SUP-3 breached), its update gap from 00:05 runs past
///   its 08:05 deadline.
/// - SUP-5 nobody owns: its breach makes an `(unassigned)` row, which gets no points.
#[test]
fn sla_and_escalation_points() {
    let s = settings();
    let incident = |key: &str, created: &str| {
        ticket(key, "Incident", "High", created)
            .labelled("apim")
            .created_in("Open")
    };
    let tickets = [
        incident("SUP-1", "2026-11-16T09:00")
            .assigned_to("ann")
            .comment("2026-11-16T09:20", "ann", true)
            .build(),
        incident("SUP-2", "2026-11-16T09:00")
            .assigned_to("bob")
            .labels("2026-11-16T09:02", "bob", "apim escalated")
            .comment("2026-11-16T09:05", "bob", true)
            .comment("2026-11-16T10:05", "bob", true)
            .build(),
        incident("SUP-3", "2026-11-16T09:00")
            .assigned_to("cat")
            .labels("2026-11-16T09:20", "cat", "apim escalated")
            .build(),
        incident("SUP-4", "2026-11-16T00:00")
            .created_in("In Progress")
            .assigned_to("cat")
            .comment("2026-11-16T00:05", "cat", true)
            .build(),
        incident("SUP-5", "2026-11-16T09:00").build(),
        incident("SUP-6", "2026-11-16T09:00")
            .assigned_to("ann")
            .labels("2026-11-16T09:13", "ann", "apim escalated")
            .build(),
    ];
    let (rows, points) = feedback(&s, &tickets, "2026-11-16T12:00", "2026-W47", 1);
    assert_eq!(
        rows,
        [
            "2026-W47 (unassigned)",
            "2026-W47 ann",
            "2026-W47 bob",
            "2026-W47 cat"
        ]
    );
    assert_eq!(
        points,
        [
            "2026-W47 ann improve ack_sla_pct SUP-1 SUP-6 | 2 acknowledgements later than the SLA target: acknowledge incidents immediately and queries within 24 hours",
            "2026-W47 ann improve silent_breaches SUP-1 | 1 SLA breach without an escalation to the lead before the deadline",
            "2026-W47 bob plus ack_sla_pct SUP-2 | Every acknowledgement within the SLA target (1 ticket clock)",
            "2026-W47 bob plus update_sla_pct SUP-2 | Kept customers informed within the update target (1 update)",
            "2026-W47 bob plus escalations_early SUP-2 | Escalated to the lead well before the SLA deadline (1 time)",
            "2026-W47 cat improve ack_sla_pct SUP-3 | 1 acknowledgement later than the SLA target: acknowledge incidents immediately and queries within 24 hours",
            "2026-W47 cat improve update_sla_pct SUP-4 | 1 ticket clock where the customer waited longer than the update target",
            "2026-W47 cat improve silent_breaches SUP-3 SUP-4 | 2 SLA breaches without an escalation to the lead before the deadline",
            "2026-W47 cat improve escalations_after_breach SUP-3 | 1 escalation only after the SLA was already breached: escalate well before",
        ]
    );
}

/// Tasks (no SLA clocks), kept Waiting On Client so no assignment is prebooked, over
/// W47–W48 at as-of Fri 27 November.
/// - SUP-10: ann resolves it as its only owner (W47), it is reopened in W48 (credited to
///   her, the assignee when it became done).
/// - SUP-11 (no product label): ann hands it to bob, who resolves it: not as sole owner,
///   so bob, who also resolved SUP-12 alone, gets no continuity plus; both owned it
///   untagged in W47. A handoff in is no point.
/// - SUP-16: ann → unassigned → cat is a handoff from ann.
/// - SUP-13: cat's, labelled mid-week: tagged at as-of, so no point.
#[test]
fn ownership_reopen_and_untagged_points() {
    let s = settings();
    let task = |key: &str, created: &str| {
        ticket(key, "Task", "Normal", created).created_in("Waiting On Client")
    };
    let tickets = [
        task("SUP-10", "2026-11-16T09:00")
            .labelled("apim")
            .assigned_to("ann")
            .status("2026-11-17T10:00", "Resolved")
            .status("2026-11-24T10:00", "Reopened")
            .build(),
        task("SUP-11", "2026-11-16T09:00")
            .assigned_to("ann")
            .assign("2026-11-18T09:00", Some("bob"))
            .status("2026-11-19T09:00", "Resolved")
            .build(),
        task("SUP-12", "2026-11-16T09:00")
            .labelled("iam")
            .assigned_to("bob")
            .status("2026-11-16T12:00", "Resolved")
            .build(),
        task("SUP-13", "2026-11-23T09:00")
            .assigned_to("cat")
            .labels("2026-11-25T10:00", "cat", "apim")
            .build(),
        task("SUP-16", "2026-11-16T09:00")
            .labelled("apim")
            .assigned_to("ann")
            .assign("2026-11-17T09:00", None)
            .assign("2026-11-17T10:00", Some("cat"))
            .build(),
    ];
    let (rows, points) = feedback(&s, &tickets, "2026-11-27T00:00", "2026-W48", 2);
    assert_eq!(
        rows,
        [
            "2026-W47 ann",
            "2026-W47 bob",
            "2026-W47 cat",
            "2026-W48 ann",
            "2026-W48 cat"
        ]
    );
    assert_eq!(
        points,
        [
            "2026-W47 ann plus continuity_pct SUP-10 | Owned every resolved ticket for its whole lifetime, as its only owner (1 resolution)",
            "2026-W47 ann improve handoffs_out SUP-11 SUP-16 | 2 tickets handed over to another owner: own the ticket for its lifetime to keep the context and the quality of responses",
            "2026-W47 ann improve untagged_tickets SUP-11 | 1 owned ticket without a product label at the end of the week: add the product tag to every ticket you work on",
            "2026-W47 bob improve untagged_tickets SUP-11 | 1 owned ticket without a product label at the end of the week: add the product tag to every ticket you work on",
            "2026-W48 ann improve reopens SUP-10 | 1 ticket reopened after being resolved under your ownership: follow the post-resolution activities before resolving",
        ]
    );
}

/// Worklogs and call notes on unassigned tasks (nobody owns them), window W47.
/// - ann: a call on SUP-20 with its notes 1 h later, and analysis on SUP-21, both logged
///   the same day: both plus points.
/// - bob: a call on SUP-22 logged the next day and without notes; call notes on SUP-23
///   with no call worklog; a same-day worklog on SUP-23. No plus for calls or logging.
/// - cat: notes on SUP-24 in W47 paired with a call worklog started the Sunday before
///   (W46): nothing is missing, but no call was reported in W47 and no worklog started in
///   it, so no plus either.
#[test]
fn call_and_time_log_points() {
    let s = settings();
    let task = |key: &str| {
        ticket(key, "Task", "Normal", "2026-11-15T09:00")
            .labelled("apim")
            .created_in("Waiting On Client")
    };
    let tickets = [
        task("SUP-20")
            .worklog(
                "ann",
                "2026-11-16T10:00",
                "2026-11-16T10:30",
                1800,
                "Customer call",
            )
            .comment_text(
                "2026-11-16T11:00",
                "ann",
                true,
                "Call notes: attendees Ann, Acme ops",
            )
            .build(),
        task("SUP-21")
            .worklog(
                "ann",
                "2026-11-17T14:00",
                "2026-11-17T18:00",
                3600,
                "Analysis",
            )
            .build(),
        task("SUP-22")
            .worklog(
                "bob",
                "2026-11-16T10:00",
                "2026-11-17T09:00",
                1800,
                "call with Acme",
            )
            .build(),
        task("SUP-23")
            .comment_text("2026-11-18T10:00", "bob", false, "Call notes: Bob, Acme")
            .worklog(
                "bob",
                "2026-11-18T09:00",
                "2026-11-18T09:30",
                1200,
                "Investigation",
            )
            .build(),
        task("SUP-24")
            .worklog("cat", "2026-11-15T23:00", "2026-11-15T23:30", 900, "call")
            .comment_text("2026-11-16T01:00", "cat", true, "Call notes: Cat, Acme")
            .build(),
    ];
    let (rows, points) = feedback(&s, &tickets, "2026-11-20T00:00", "2026-W47", 1);
    assert_eq!(rows, ["2026-W47 ann", "2026-W47 bob", "2026-W47 cat"]);
    assert_eq!(
        points,
        [
            "2026-W47 ann plus calls_reported SUP-20 | Every call reported with its time and its call notes (1 call)",
            "2026-W47 ann plus same_day_log_pct SUP-20 SUP-21 | Every time log reported by the end of the day of the work (2 worklogs)",
            "2026-W47 bob improve calls_missing_notes SUP-22 | 1 call without call notes: after the call, put the call notes with the attendees on the ticket",
            "2026-W47 bob improve calls_missing_time SUP-23 | 1 call note without the call's time logged: report all time spent on the call",
            "2026-W47 bob improve late_logs SUP-22 | 1 worklog logged after the day of the work: report all time logs by the end of the day",
        ]
    );
}

/// Tasks labelled apim, window W47–W48, as-of Fri 27 November (prebook_after 4 h).
/// - ann, Mon 16: SUP-30 In Progress 10:00–12:00, SUP-31 10:30–14:00, SUP-32 13:00–15:00:
///   two at once over 10:30–12:00 and 13:00–14:00 (2.5 h); SUP-33 alone 16:00–17:00 is
///   not listed. Every assignment moved to In Progress within 4 h: none prebooked.
/// - bob, across the week boundary: SUP-34 In Progress Sun 22 20:00 – Mon 23 10:00,
///   SUP-35 Sun 22:00 – Mon 02:00, SUP-36 Mon 01:00–03:00. Two or more over 22:00–03:00:
///   2 h in W47 (SUP-34, SUP-35), 3 h in W48 (SUP-34, SUP-35 still running at the week
///   start, and SUP-36 joining).
/// - cat: SUP-37 assigned at creation and SUP-38 assigned later, both left Open: two
///   prebooked assignments; SUP-39 moved to In Progress 2 h after assignment is not
///   prebooked, and one ticket In Progress alone is no multi-WIP point.
#[test]
fn wip_and_prebooking_points() {
    let s = settings();
    let task = |key: &str, created: &str| ticket(key, "Task", "Normal", created).labelled("apim");
    let tickets = [
        task("SUP-30", "2026-11-16T09:00")
            .assigned_to("ann")
            .status("2026-11-16T10:00", "In Progress")
            .status("2026-11-16T12:00", "Waiting On Client")
            .build(),
        task("SUP-31", "2026-11-16T09:00")
            .assigned_to("ann")
            .status("2026-11-16T10:30", "In Progress")
            .status("2026-11-16T14:00", "Waiting On Client")
            .build(),
        task("SUP-32", "2026-11-16T12:00")
            .assigned_to("ann")
            .status("2026-11-16T13:00", "In Progress")
            .status("2026-11-16T15:00", "Waiting On Client")
            .build(),
        task("SUP-33", "2026-11-16T15:30")
            .assigned_to("ann")
            .status("2026-11-16T16:00", "In Progress")
            .status("2026-11-16T17:00", "Waiting On Client")
            .build(),
        task("SUP-34", "2026-11-22T19:00")
            .assigned_to("bob")
            .status("2026-11-22T20:00", "In Progress")
            .status("2026-11-23T10:00", "Waiting On Client")
            .build(),
        task("SUP-35", "2026-11-22T21:30")
            .assigned_to("bob")
            .status("2026-11-22T22:00", "In Progress")
            .status("2026-11-23T02:00", "Waiting On Client")
            .build(),
        task("SUP-36", "2026-11-23T00:30")
            .assigned_to("bob")
            .status("2026-11-23T01:00", "In Progress")
            .status("2026-11-23T03:00", "Waiting On Client")
            .build(),
        task("SUP-37", "2026-11-16T09:00")
            .assigned_to("cat")
            .build(),
        task("SUP-38", "2026-11-17T08:00")
            .assign("2026-11-17T09:00", Some("cat"))
            .build(),
        task("SUP-39", "2026-11-18T09:00")
            .assigned_to("cat")
            .status("2026-11-18T11:00", "In Progress")
            .build(),
    ];
    let (rows, points) = feedback(&s, &tickets, "2026-11-27T00:00", "2026-W48", 2);
    assert_eq!(
        rows,
        [
            "2026-W47 ann",
            "2026-W47 bob",
            "2026-W47 cat",
            "2026-W48 ann",
            "2026-W48 bob",
            "2026-W48 cat",
        ]
    );
    assert_eq!(
        points,
        [
            "2026-W47 ann improve multi_wip_hours SUP-30 SUP-31 SUP-32 | 2.5 h with two or more tickets In Progress at once: do not In-Progress multiple tickets you cannot work on in parallel",
            "2026-W47 bob improve multi_wip_hours SUP-34 SUP-35 | 2 h with two or more tickets In Progress at once: do not In-Progress multiple tickets you cannot work on in parallel",
            "2026-W47 cat improve prebooked SUP-37 SUP-38 | 2 tickets assigned but not moved to In Progress: do not pre-book tickets, take one up only if you can work on it now",
            "2026-W48 bob improve multi_wip_hours SUP-34 SUP-35 SUP-36 | 3 h with two or more tickets In Progress at once: do not In-Progress multiple tickets you cannot work on in parallel",
        ]
    );
}

/// Two tickets In Progress at once for 60 s (10:59–11:00): 0.0167 h, shown as "0.02 h" in
/// the point as in the CSV. Shortened to 10 s the overlap is 0.0028 h, which the CSV shows
/// as 0: no point saying "0 h with two or more tickets".
#[test]
fn an_overlap_that_rounds_to_zero_hours_gives_no_point() {
    let s = settings();
    let task = |key: &str| ticket(key, "Task", "Normal", "2026-11-16T09:00").labelled("apim");
    let tickets = |shift_secs: i64| {
        let first = task("SUP-40")
            .assigned_to("ann")
            .status("2026-11-16T10:00", "In Progress")
            .status("2026-11-16T11:00", "Waiting On Client")
            .build();
        let mut second = task("SUP-41")
            .assigned_to("ann")
            .status("2026-11-16T10:59", "In Progress")
            .status("2026-11-16T12:00", "Waiting On Client")
            .build();
        second.changes[0].at += chrono::Duration::seconds(shift_secs);
        [first, second]
    };
    let multi = |points: Vec<String>| -> Vec<String> {
        points
            .into_iter()
            .filter(|p| p.contains(Col::MultiWipHours.name()))
            .collect()
    };
    let (_, points) = feedback(&s, &tickets(0), "2026-11-20T12:00", "2026-W47", 1);
    assert_eq!(
        multi(points),
        [
            "2026-W47 ann improve multi_wip_hours SUP-40 SUP-41 | 0.02 h with two or more tickets In Progress at once: do not In-Progress multiple tickets you cannot work on in parallel"
        ]
    );
    let (rows, points) = feedback(&s, &tickets(50), "2026-11-20T12:00", "2026-W47", 1);
    assert_eq!(rows, ["2026-W47 ann"]);
    assert!(multi(points).is_empty());
}
