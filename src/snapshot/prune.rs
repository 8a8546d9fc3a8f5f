//! Which tickets a report's window can see (issue 17): a report reads in full only those,
//! and learns what the others say about people from the snapshot's index.
//!
//! A ticket is left out when all of these hold (every instant compared with the start of
//! the window's first week, `start`):
//!
//! - the report's as-of is at or after `start` (else nothing is left out);
//! - it was created before `start`, and nothing it records (updated, a change, a comment
//!   created or updated, a worklog started, created or updated) is dated at or after
//!   `start`: its timeline holds still from before the window to as-of;
//! - its status then is `done`: nobody owns it, it is in nobody's work in progress, no ack
//!   clock or update gap can start in the window, and every item it has (clocks, gaps,
//!   escalations, handoffs, resolutions, reopens, calls, worklogs, assignments) belongs to
//!   a week before the window; `tickets.csv` does not list it (it is not seen);
//! - `data_quality.csv` has nothing on it: no problem the index marks `odd`, every status
//!   and severity of its timeline known to the settings, every comment and worklog author
//!   staff, bot or its reporter.
//!
//! What such a ticket still tells a report, who is who (display names, app accounts,
//! assignees when `[team] engineers` is empty) and the addresses JIRA sent, comes from
//! `people.parquet`, which covers every ticket of the snapshot.

use std::collections::BTreeMap;

use super::index::Entry;
use crate::metrics::People;
use crate::metrics::people::Seen;
use crate::model::{Ticket, Ts};
use crate::settings::{Settings, StatusClass};

/// The window a report covers, as the rule needs it.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a> {
    /// The start of the window's first week.
    pub start: Ts,
    /// The report's as-of.
    pub as_of: Ts,
    pub settings: &'a Settings,
}

/// What the whole snapshot tells a report whose tickets were pruned: the same people and
/// addresses as reading every ticket would give.
#[derive(Debug, Clone)]
pub struct Whole {
    /// Who is who across every ticket, as of the report's as-of.
    pub people: People,
    /// Person id → the latest address JIRA sent for them.
    pub addresses: BTreeMap<String, String>,
    /// Tickets left out.
    pub left_out: usize,
}

/// The people of the whole snapshot as `People::new` would classify them at the window's
/// as-of: an assignee counts from their first assignment on.
pub(super) fn people(seen: Seen, assignee_since: &BTreeMap<String, Ts>, window: &Window) -> People {
    People::from_seen(window.settings, seen, || {
        assignee_since
            .iter()
            .filter(|(_, since)| **since <= window.as_of)
            .map(|(id, _)| id.clone())
            .collect()
    })
}

/// For each ticket (in step with `entries`, its index rows): true when the window's report
/// must read it.
pub(super) fn keep(
    tickets: &[Ticket],
    entries: &[Entry],
    people: &People,
    window: &Window,
) -> Vec<bool> {
    if window.as_of < window.start {
        return vec![true; tickets.len()];
    }
    tickets
        .iter()
        .zip(entries)
        .map(|(t, e)| !can_leave_out(t, e, people, window))
        .collect()
}

fn can_leave_out(t: &Ticket, e: &Entry, people: &People, window: &Window) -> bool {
    let settings = window.settings;
    let before = |at: Option<Ts>| at.is_some_and(|at| at < window.start);
    let known = |status: &String| settings.status_class(status) != StatusClass::Unknown;
    !e.odd
        && t.truncated.is_empty()
        && before(t.created)
        && before(e.last_event)
        && settings.status_class(&e.final_status).is_done()
        && e.statuses.iter().all(known)
        && e.severities
            .iter()
            .all(|s| settings.known_severities.contains(s))
        && e.authors
            .iter()
            .all(|a| people.is_staff(a) || people.is_bot(a))
}
