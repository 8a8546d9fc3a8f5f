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

use super::cells::{data_times, need, opt_ts, strs};
use super::index::{self, Row};
use crate::metrics::People;
use crate::metrics::people::Seen;
use crate::model::Ts;
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

/// For each row of the tickets table `tickets_df`, true when the window's report must read
/// that ticket whole; `index_df` is `index.parquet`, whose rows must be the same tickets in
/// the same order.
pub(super) fn keep(
    tickets_df: &DataFrame,
    index_df: &DataFrame,
    people: &People,
    window: &Window,
) -> Result<Vec<bool>> {
    let height = tickets_df.height();
    if index_df.height() != height {
        bail!("it lists {} tickets, not {height}", index_df.height());
    }
    if window.as_of < window.start {
        return Ok(vec![true; height]);
    }
    // Runs of rows are checked on every core, then joined in order.
    let runs: Vec<Result<Vec<bool>>> = (0..height.div_ceil(ROWS_PER_RUN))
        .into_par_iter()
        .map(|run| {
            let start = run * ROWS_PER_RUN;
            let tickets = tickets_df.slice(start as i64, ROWS_PER_RUN);
            let mut id = strs(&tickets, "id")?;
            let mut created = data_times(&tickets, "created")?;
            let mut truncated = strs(&tickets, "truncated")?;
            let part = index_df.slice(start as i64, ROWS_PER_RUN);
            let mut out = Vec::with_capacity(part.height());
            let mut classes = Classes::default();
            index::rows(&part, |i, row| {
                let ticket = Ticket {
                    id: need(id.next(), "id", i)?,
                    created: opt_ts(created.next(), "created", i)?,
                    truncated: need(truncated.next(), "truncated", i)?,
                };
                if row.ticket_id != ticket.id {
                    bail!(
                        "row {}: ticket {} where the tickets table has {}",
                        start + i + 1,
                        row.ticket_id,
                        ticket.id
                    );
                }
                out.push(!can_leave_out(&ticket, &row, people, window, &mut classes));
                Ok(())
            })?;
            Ok(out)
        })
        .collect();
    let mut keep = Vec::with_capacity(height);
    for run in runs {
        keep.extend(run?);
    }
    Ok(keep)
}

/// What the rule reads of a row of the tickets table.
struct Ticket<'a> {
    id: &'a str,
    created: Option<Ts>,
    /// The joined truncation notes ("" when complete).
    truncated: &'a str,
}

/// The status classes of the few status names an index holds, each found once per run of
/// rows rather than normalized and looked up again for every row.
#[derive(Default)]
pub(super) struct Classes<'a> {
    seen: Vec<(&'a str, StatusClass)>,
}

impl<'a> Classes<'a> {
    /// Names remembered at most: past them, a search would cost more than the lookup.
    const MOST: usize = 16;

    pub(super) fn of(&mut self, settings: &Settings, name: &'a str) -> StatusClass {
        if let Some((_, class)) = self.seen.iter().find(|(n, _)| *n == name) {
            return *class;
        }
        let class = settings.status_class(name);
        if self.seen.len() < Self::MOST {
            self.seen.push((name, class));
        }
        class
    }
}

fn can_leave_out<'a>(
    t: &Ticket,
    row: &Row<'a>,
    people: &People,
    window: &Window,
    classes: &mut Classes<'a>,
) -> bool {
    let settings = window.settings;
    let before = |at: Option<Ts>| at.is_some_and(|at| at < window.start);
    !row.odd
        && t.truncated.is_empty()
        && before(t.created)
        && before(row.last_event)
        && classes.of(settings, row.final_status).is_done()
        && row
            .statuses()
            .all(|s| classes.of(settings, s) != StatusClass::Unknown)
        && row
            .severities()
            .all(|s| settings.known_severities.contains(s))
        && row
            .authors()
            .all(|a| people.is_staff(a) || people.is_bot(a))
}
