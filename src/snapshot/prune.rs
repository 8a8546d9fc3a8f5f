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

use anyhow::{Result, bail};
use polars::prelude::DataFrame;
use rayon::prelude::*;

use super::index::{self, Row};
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

/// Index rows a worker checks at once.
const ROWS_PER_RUN: usize = 1 << 14;

/// For each ticket, true when the window's report must read it whole; `index_df` is
/// `index.parquet`, whose rows must be the tickets' in the same order.
pub(super) fn keep(
    tickets: &[Ticket],
    index_df: &DataFrame,
    people: &People,
    window: &Window,
) -> Result<Vec<bool>> {
    if index_df.height() != tickets.len() {
        bail!(
            "it lists {} tickets, not {}",
            index_df.height(),
            tickets.len()
        );
    }
    if window.as_of < window.start {
        return Ok(vec![true; tickets.len()]);
    }
    // Runs of rows are checked on every core, then joined in order.
    let runs: Vec<Result<Vec<bool>>> = (0..tickets.len().div_ceil(ROWS_PER_RUN))
        .into_par_iter()
        .map(|run| {
            let start = run * ROWS_PER_RUN;
            let part = index_df.slice(start as i64, ROWS_PER_RUN);
            let mut out = Vec::with_capacity(part.height());
            index::rows(&part, |i, row| {
                let t = &tickets[start + i];
                if row.ticket_id != t.id {
                    bail!(
                        "row {}: ticket {} where the tickets table has {}",
                        start + i + 1,
                        row.ticket_id,
                        t.id
                    );
                }
                out.push(!can_leave_out(t, &row, people, window));
                Ok(())
            })?;
            Ok(out)
        })
        .collect();
    let mut keep = Vec::with_capacity(tickets.len());
    for run in runs {
        keep.extend(run?);
    }
    Ok(keep)
}

fn can_leave_out(t: &Ticket, row: &Row, people: &People, window: &Window) -> bool {
    let settings = window.settings;
    let before = |at: Option<Ts>| at.is_some_and(|at| at < window.start);
    !row.odd
        && t.truncated.is_empty()
        && before(t.created)
        && before(row.last_event)
        && settings.status_class(row.final_status).is_done()
        && row
            .statuses()
            .all(|s| settings.status_class(s) != StatusClass::Unknown)
        && row
            .severities()
            .all(|s| settings.known_severities.contains(s))
        && row
            .authors()
            .all(|a| people.is_staff(a) || people.is_bot(a))
}
