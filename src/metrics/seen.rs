//! Which tickets a report's window sees (SPEC §5 `tickets.csv`): created, changed,
//! commented on, worklogged (by `started`) or owned at some instant of a window week, at
//! or before as-of. A ticket done before the window with nothing since is not seen.

use rayon::prelude::*;

use crate::metrics::Prepared;
use crate::metrics::quality::status_classes;
use crate::model::{Ticket, Ts};
use crate::settings::{Settings, StatusClass};
use crate::timeline::Timeline;

/// `seen[i]`: ticket `i` has something in `[from, to)` (and at or before as-of).
pub fn seen_in(prepared: &Prepared, settings: &Settings, from: Ts, to: Ts) -> Vec<bool> {
    let as_of = prepared.as_of;
    prepared
        .tickets
        .par_iter()
        .zip(&prepared.timelines)
        .map(|(ticket, timeline)| {
            let classes = status_classes(timeline, settings);
            ticket_seen(ticket, timeline, &classes, (from, to), as_of)
        })
        .collect()
}

/// Whether one ticket has something in `[from, to)` at or before as-of; `classes` are
/// those of its status track's values ([`status_classes`]).
pub(crate) fn ticket_seen(
    ticket: &Ticket,
    timeline: &Timeline,
    classes: &[StatusClass],
    (from, to): (Ts, Ts),
    as_of: Ts,
) -> bool {
    let inside = |t: Ts| t >= from && t < to && t <= as_of;
    let Some(created) = ticket.created.filter(|c| *c <= as_of) else {
        return false;
    };
    inside(created)
        || ticket.changes.iter().any(|c| inside(c.at))
        || ticket.comments.iter().any(|c| inside(c.created))
        || ticket.worklogs.iter().any(|w| inside(w.started))
        // Owned: someone is its assignee while it is not done (SPEC §1).
        || timeline
            .assignee_stretches_by(created, as_of, |i| !classes[i].is_done())
            .iter()
            .any(|(_, start, end)| *start < to && *end > from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{settings, ticket, ts};

    /// Window 2026-W47: Monday 2026-11-16 00:00 to 2026-11-23 00:00 UTC.
    fn seen_keys(tickets: &[crate::model::Ticket], as_of: &str) -> Vec<String> {
        let s = settings();
        let prepared = Prepared::new(&s, tickets, ts(as_of));
        let seen = seen_in(
            &prepared,
            &s,
            ts("2026-11-16T00:00"),
            ts("2026-11-23T00:00"),
        );
        tickets
            .iter()
            .zip(seen)
            .filter(|(_, s)| *s)
            .map(|(t, _)| t.key.clone())
            .collect()
    }

    #[test]
    fn the_window_sees_what_happened_in_it_or_was_owned_in_it() {
        let done_before = |key: &str| {
            ticket(key, "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-05T09:00", "Resolved")
        };
        let tickets = vec![
            // Done before the window, nothing since: not seen.
            done_before("SUP-1").build(),
            // Open and assigned all along, no event in the window: owned, seen.
            ticket("SUP-2", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .build(),
            // Open but nobody's, no event in the window: not seen.
            ticket("SUP-3", "Query", "Normal", "2026-11-02T09:00").build(),
            // Done before, commented on (even by the customer, even internally) in it: seen.
            done_before("SUP-4")
                .comment("2026-11-18T10:00", "cust", true)
                .build(),
            // Done before, a worklog started in it: seen.
            done_before("SUP-5")
                .worklog(
                    "ann",
                    "2026-11-20T10:00",
                    "2026-11-20T11:00",
                    600,
                    "analysis",
                )
                .build(),
            // Created in the window: seen.
            ticket("SUP-6", "Query", "Normal", "2026-11-17T09:00").build(),
            // A comment exactly at the window's end belongs to the next week: not seen.
            done_before("SUP-7")
                .comment("2026-11-23T00:00", "ann", true)
                .build(),
            // Resolved exactly at the window's start: changed in it, seen.
            ticket("SUP-8", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-16T00:00", "Resolved")
                .build(),
            // Assigned to a customer and open: a person owns it (SPEC §1), seen.
            ticket("SUP-9", "Query", "Normal", "2026-11-02T09:00")
                .assigned_to("cust")
                .build(),
            // Owned until it was resolved just before the window: not seen.
            ticket("SUP-10", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-15T23:59", "Resolved")
                .build(),
        ];
        assert_eq!(
            seen_keys(&tickets, "2026-11-25T00:00"),
            ["SUP-2", "SUP-4", "SUP-5", "SUP-6", "SUP-8", "SUP-9"]
        );
    }

    #[test]
    fn nothing_after_as_of_is_seen() {
        let tickets = vec![
            // Commented after as-of (inside the window's dates): not seen.
            ticket("SUP-1", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-05T09:00", "Resolved")
                .comment("2026-11-20T10:00", "ann", true)
                .build(),
            // Created after as-of: not seen.
            ticket("SUP-2", "Query", "Normal", "2026-11-19T09:00").build(),
            // Owned from before the window up to as-of: seen.
            ticket("SUP-3", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("bob")
                .build(),
        ];
        assert_eq!(seen_keys(&tickets, "2026-11-18T00:00"), ["SUP-3"]);
    }
}
