//! Escalation timing and silent breaches on hand-built tickets (SPEC §4).

use super::items;
use crate::metrics::testkit::{settings, ticket, ts};
use crate::metrics::{EscalationClass, escalations::escalated_within};

/// Incident ack windows are 15 minutes; early means at least 3.75 minutes ahead.
#[test]
fn classes_follow_the_pending_deadline() {
    let s = settings();
    let early = ticket("SUP-11", "Incident", "High", "2026-11-16T09:00")
        .assigned_to("ann")
        .labels("2026-11-16T09:02", "ann", "apim escalated")
        .comment("2026-11-16T09:05", "ann", true)
        .build();
    let late = ticket("SUP-12", "Incident", "High", "2026-11-16T09:00")
        .assigned_to("bob")
        .assign("2026-11-16T09:13", Some("lee"))
        .build();
    let after = ticket("SUP-13", "Incident", "High", "2026-11-16T09:00")
        .labels("2026-11-16T09:20", "cat", "escalated")
        .build();
    let idle = ticket("SUP-14", "Incident", "High", "2026-11-16T09:00")
        .assigned_to("cat")
        .comment("2026-11-16T09:01", "cat", true)
        .status("2026-11-16T09:02", "Waiting On Client")
        .labels("2026-11-16T10:00", "cat", "escalated")
        .build();
    let tickets = [early, late, after, idle];
    let items = items(&s, &tickets, "2026-11-16T12:00");
    let got: Vec<_> = items
        .escalations
        .iter()
        .map(|e| {
            (
                tickets[e.ticket].key.as_str(),
                e.engineer.as_str(),
                e.class,
                e.lead_ms.map(|ms| ms / 1000),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("SUP-11", "ann", EscalationClass::Early, Some(13 * 60)),
            ("SUP-12", "bob", EscalationClass::Late, Some(2 * 60)),
            (
                "SUP-13",
                "(unassigned)",
                EscalationClass::AfterBreach,
                Some(-5 * 60)
            ),
            ("SUP-14", "cat", EscalationClass::NoPendingSla, None),
        ]
    );
    // SUP-12 and SUP-13 breached their ack; both were escalated within [start, deadline]
    // only in SUP-12's case.
    let breached: Vec<_> = items.clocks.iter().filter(|c| c.breached).collect();
    let verdicts: Vec<_> = breached
        .iter()
        .map(|c| {
            (
                tickets[c.ticket].key.as_str(),
                escalated_within(&items.escalations, c),
            )
        })
        .collect();
    assert_eq!(verdicts, [("SUP-12", true), ("SUP-13", false)]);
    assert_eq!(items.escalations[0].deadline, Some(ts("2026-11-16T09:15")));
}
