//! Time logging (SPEC §4): every staff worklog, by its `started` week, with whether it was
//! logged on a later local day than the work it records, and the per engineer-week sums.
//!
//! Decisions where the contract is silent:
//! - A worklog is an item when `started` ≤ as-of (as for `engineer_weekly.csv` presence).
//! - Worklogs of zero or negative length count in `worklogs`, and their seconds in
//!   `hours_logged`, as JIRA sent them: the SPEC's sums are literal, and
//!   `data_quality.csv` reports those worklogs so they can be fixed at the source.
//! - A worklog longer than ten years either way is refused when JIRA JSON is read
//!   (`jira::parse::MAX_WORKLOG_SECS`); sums are kept in 128 bits all the same, so a
//!   snapshot holding larger values still adds up instead of wrapping.
//! - "Late" compares calendar dates in the team's zone: logged at 00:30 for work started
//!   at 23:00 the evening before is late, even when both instants share a UTC date.

use std::collections::BTreeSet;

use crate::calendar::zone;
use crate::metrics::TicketCtx;
use crate::metrics::columns::Col;
use crate::metrics::tally::{Tally, Value, count, pct};
use crate::model::{Short, Ts};
use crate::settings::Settings;
use crate::week::Week;

/// One staff worklog.
#[derive(Debug, Clone, PartialEq)]
pub struct Logged {
    /// Index of the ticket in the report's ticket list.
    pub ticket: usize,
    /// The author's person id (always staff).
    pub engineer: Short,
    pub started: Ts,
    pub created: Ts,
    /// `timeSpentSeconds` as JIRA sent it.
    pub seconds: i64,
    /// The `created` local date is later than the `started` local date (team zone).
    pub late: bool,
    /// Week of `started` in the team's zone.
    pub week: Week,
}

/// The staff worklogs of one ticket started by as-of, in the ticket's order.
pub fn ticket_timelog(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> Vec<Logged> {
    let tz = settings.team.timezone;
    let local_date = |t: Ts| zone::local_date(t, tz);
    ctx.ticket
        .worklogs
        .iter()
        .filter(|w| w.started <= as_of && ctx.people.is_staff_ref(w.author.as_ref()))
        .filter_map(|w| {
            let author = w.author.as_ref()?;
            Some(Logged {
                ticket: ctx.index,
                engineer: author.id.clone(),
                started: w.started,
                created: w.created,
                seconds: w.seconds,
                late: local_date(w.created) > local_date(w.started),
                week: Week::of(w.started, tz),
            })
        })
        .collect()
}

/// The time-logging counts of one (week, person) row; team rows merge these (all sums).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeLogAcc {
    /// Sum of `timeSpentSeconds`, in whole seconds so sums are exact in any merge order;
    /// 128 bits, so no count of worklogs of any length can overflow it (an import bounds
    /// each worklog to ten years, but a snapshot written before that bound may hold more).
    pub seconds: i128,
    pub worklogs: u64,
    pub late_logs: u64,
}

impl TimeLogAcc {
    /// Adds another row's counts (team rows are sums).
    pub fn merge(&mut self, other: &TimeLogAcc) {
        self.seconds += other.seconds;
        self.worklogs += other.worklogs;
        self.late_logs += other.late_logs;
    }

    /// Counts one worklog.
    pub fn add(&mut self, logged: &Logged) {
        self.seconds += i128::from(logged.seconds);
        self.worklogs += 1;
        self.late_logs += u64::from(logged.late);
    }

    /// `hours_logged`.
    pub fn hours_logged(&self) -> f64 {
        self.seconds as f64 / 3600.0
    }

    /// `same_day_log_pct`, also the score's `time_logging` component; None without worklogs.
    pub fn same_day_log_pct(&self) -> Option<f64> {
        pct(self.worklogs - self.late_logs, self.worklogs)
    }
}

/// Adds each worklog of a window week to its (week, engineer) row.
pub fn tally<'a>(items: &'a [Logged], weeks: &BTreeSet<Week>, rows: &mut Tally<'a, TimeLogAcc>) {
    for logged in items.iter().filter(|l| weeks.contains(&l.week)) {
        rows.entry((logged.week, logged.engineer.as_str()))
            .or_default()
            .add(logged);
    }
}

/// The weekly columns of this family, each read from a row's `TimeLogAcc`.
pub const VALUES: &[Value<TimeLogAcc>] = &[
    (Col::HoursLogged, |a| Some(a.hours_logged())),
    (Col::Worklogs, |a| count(a.worklogs)),
    (Col::LateLogs, |a| count(a.late_logs)),
    (Col::SameDayLogPct, TimeLogAcc::same_day_log_pct),
];
