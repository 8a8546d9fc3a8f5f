//! Goals (SPEC §5): every `[goals]` entry checked against every weekly row that has a value
//! for it, engineers (not `(unassigned)`) and the team alike. `goals.csv`, the pages and the
//! mail read these rows.

use crate::metrics::UNASSIGNED;
use crate::metrics::values::{ValueRow, WeeklyValues};
use crate::settings::Goal;
use crate::week::Week;

/// One row of `goals.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalRow {
    pub week: Week,
    /// A person id, or `(team)`.
    pub engineer: String,
    pub metric: &'static str,
    /// The value as the weekly file writes it.
    pub value: f64,
    pub goal: f64,
    pub met: bool,
}

/// The goal rows of both weekly tables, sorted by week, then engineer (byte order, `(team)`
/// included), then metric in column order.
pub fn evaluate(values: &WeeklyValues, goals: &[Goal]) -> Vec<GoalRow> {
    let rows = values
        .engineers
        .iter()
        .filter(|r| r.engineer != UNASSIGNED)
        .chain(&values.team);
    let mut out: Vec<GoalRow> = rows.flat_map(|r| row_goals(r, goals)).collect();
    // Goals are in column order already, and the sort is stable.
    out.sort_by(|a, b| (a.week, a.engineer.as_bytes()).cmp(&(b.week, b.engineer.as_bytes())));
    out
}

/// The goals of one weekly row that has a value for them.
pub fn row_goals<'a>(row: &'a ValueRow, goals: &'a [Goal]) -> impl Iterator<Item = GoalRow> + 'a {
    goals.iter().filter_map(move |g| {
        let value = row.values[g.index]?;
        Some(GoalRow {
            week: row.week,
            engineer: row.engineer.clone(),
            metric: g.metric,
            value,
            goal: g.target,
            met: g.better.met(value, g.target),
        })
    })
}
