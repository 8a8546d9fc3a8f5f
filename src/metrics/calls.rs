//! Calls (SPEC §4): call worklogs and call notes by staff, each paired with the other kind
//! by the same author on the same ticket within ±24 h, and their per engineer-week counts.
//!
//! Decisions where the contract is silent:
//! - "within ±24 h" is inclusive: notes created exactly 24 h before or after a worklog's
//!   `started` pair with it.
//! - Events after as-of are ignored: a call worklog is an item when `started` ≤ as-of, a
//!   call note when `created` ≤ as-of, and pairing only sees worklogs and notes that are
//!   items themselves, so a note written after as-of leaves its call missing notes.
//! - A call worklog's minutes are `timeSpentSeconds` / 60 as JIRA sent them, also when zero
//!   or negative (`data_quality.csv` reports those worklogs).

use std::collections::{BTreeMap, BTreeSet};

use chrono::TimeDelta;

use crate::metrics::TicketCtx;
use crate::metrics::columns::Col;
use crate::metrics::tally::{Tally, Value, count, pct};
use crate::model::{PersonRef, Short, Ts};
use crate::settings::Settings;
use crate::week::Week;

/// How far apart a call worklog and its notes may be (inclusive).
const PAIRING: TimeDelta = TimeDelta::hours(24);

/// The two kinds of call evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CallKind {
    /// A staff worklog whose comment matches `[calls] worklog_pattern`.
    Worklog,
    /// A staff comment whose body matches `[calls] notes_pattern`.
    Notes,
}

impl CallKind {
    /// The `kind` cell of `calls.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            CallKind::Worklog => "worklog",
            CallKind::Notes => "notes",
        }
    }

    /// What an unpaired item of this kind lacks: the `missing` cell of `calls.csv`.
    pub fn lacks(self) -> &'static str {
        match self {
            CallKind::Worklog => "notes",
            CallKind::Notes => "time",
        }
    }
}

/// One call worklog or call note: a row of `calls.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// Index of the ticket in the report's ticket list.
    pub ticket: usize,
    pub kind: CallKind,
    /// The worklog's `started`, or the note's `created`.
    pub at: Ts,
    /// The author's person id (always staff).
    pub engineer: Short,
    /// The worklog's `timeSpentSeconds`; None for notes.
    pub seconds: Option<i64>,
    /// True when no item of the other kind by the same author on the ticket lies within
    /// ±24 h of `at`.
    pub missing: bool,
    /// Week of `at` in the team's zone.
    pub week: Week,
}

impl Call {
    /// The worklog's minutes; None for notes.
    pub fn minutes(&self) -> Option<f64> {
        self.seconds.map(|s| s as f64 / 60.0)
    }

    /// The `missing` cell: `notes`, `time`, or empty when paired.
    pub fn missing_str(&self) -> &'static str {
        if self.missing { self.kind.lacks() } else { "" }
    }
}

/// The staff author's id, or None for customers, bots and unknown authors.
fn staff_id<'a>(ctx: &TicketCtx, author: Option<&'a PersonRef>) -> Option<&'a str> {
    author
        .filter(|p| ctx.people.is_staff_ref(Some(p)))
        .map(|p| p.id.as_str())
}

/// The call worklogs and call notes of one ticket up to as-of, worklogs first, each group
/// in the ticket's event order.
pub fn ticket_calls(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> Vec<Call> {
    let tz = settings.team.timezone;
    let patterns = &settings.calls;
    let item = |kind, at, engineer: &str, seconds| Call {
        ticket: ctx.index,
        kind,
        at,
        engineer: engineer.into(),
        seconds,
        missing: false,
        week: Week::of(at, tz),
    };
    // The patterns are matched last: a comment body is long, and most are by customers.
    let mut worklogs: Vec<Call> = (ctx.ticket.worklogs.iter())
        .filter(|w| w.started <= as_of)
        .filter_map(|w| staff_id(ctx, w.author.as_ref()).map(|id| (w, id)))
        .filter(|(w, _)| patterns.worklog_pattern.is_match(&w.comment))
        .map(|(w, id)| item(CallKind::Worklog, w.started, id, Some(w.seconds)))
        .collect();
    let mut notes: Vec<Call> = (ctx.ticket.comments.iter())
        .filter(|c| c.created <= as_of)
        .filter_map(|c| staff_id(ctx, c.author.as_ref()).map(|id| (c, id)))
        .filter(|(c, _)| patterns.notes_pattern.is_match(&c.body))
        .map(|(c, id)| item(CallKind::Notes, c.created, id, None))
        .collect();
    let worklogs_missing = unpaired(&worklogs, &notes);
    let notes_missing = unpaired(&notes, &worklogs);
    for (item, missing) in worklogs.iter_mut().zip(worklogs_missing) {
        item.missing = missing;
    }
    for (item, missing) in notes.iter_mut().zip(notes_missing) {
        item.missing = missing;
    }
    worklogs.extend(notes);
    worklogs
}

/// For each of `items`, true when its author has no item of `others` within ±24 h.
/// Each author's instants are sorted once, so pairing is a binary search per item.
fn unpaired(items: &[Call], others: &[Call]) -> Vec<bool> {
    let mut by_author: BTreeMap<&str, Vec<Ts>> = BTreeMap::new();
    for o in others {
        by_author.entry(o.engineer.as_str()).or_default().push(o.at);
    }
    for times in by_author.values_mut() {
        times.sort();
    }
    items
        .iter()
        .map(|i| {
            let Some(times) = by_author.get(i.engineer.as_str()) else {
                return true;
            };
            let first = times.partition_point(|t| *t < i.at - PAIRING);
            times.get(first).is_none_or(|t| *t > i.at + PAIRING)
        })
        .collect()
}

/// The call counts of one (week, person) row; team rows merge these (all sums).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallAcc {
    /// Call worklogs.
    pub calls_reported: u64,
    /// Sum of the call worklogs' `timeSpentSeconds`, kept in whole seconds so sums are
    /// exact and independent of merge order; 128 bits, so no sum can overflow.
    pub call_seconds: i128,
    pub call_notes: u64,
    pub calls_missing_notes: u64,
    pub calls_missing_time: u64,
}

impl CallAcc {
    /// Adds another row's counts (team rows are sums).
    pub fn merge(&mut self, other: &CallAcc) {
        self.calls_reported += other.calls_reported;
        self.call_seconds += other.call_seconds;
        self.call_notes += other.call_notes;
        self.calls_missing_notes += other.calls_missing_notes;
        self.calls_missing_time += other.calls_missing_time;
    }

    /// Counts one item.
    pub fn add(&mut self, call: &Call) {
        match call.kind {
            CallKind::Worklog => {
                self.calls_reported += 1;
                self.call_seconds += i128::from(call.seconds.unwrap_or(0));
                self.calls_missing_notes += u64::from(call.missing);
            }
            CallKind::Notes => {
                self.call_notes += 1;
                self.calls_missing_time += u64::from(call.missing);
            }
        }
    }

    /// `call_minutes_reported`.
    pub fn call_minutes_reported(&self) -> f64 {
        self.call_seconds as f64 / 60.0
    }

    /// The score's `calls` component: 100 × paired items / items, None without items.
    pub fn score_pct(&self) -> Option<f64> {
        let items = self.calls_reported + self.call_notes;
        let missing = self.calls_missing_notes + self.calls_missing_time;
        pct(items - missing, items)
    }
}

/// Adds each item of a window week to its (week, engineer) row.
pub fn tally<'a>(items: &'a [Call], weeks: &BTreeSet<Week>, rows: &mut Tally<'a, CallAcc>) {
    for call in items.iter().filter(|c| weeks.contains(&c.week)) {
        rows.entry((call.week, call.engineer.as_str()))
            .or_default()
            .add(call);
    }
}

/// The weekly columns of this family, each read from a row's `CallAcc`.
pub const VALUES: &[Value<CallAcc>] = &[
    (Col::CallsReported, |a| count(a.calls_reported)),
    (Col::CallMinutesReported, |a| {
        Some(a.call_minutes_reported())
    }),
    (Col::CallNotes, |a| count(a.call_notes)),
    (Col::CallsMissingNotes, |a| count(a.calls_missing_notes)),
    (Col::CallsMissingTime, |a| count(a.calls_missing_time)),
];
