//! Per engineer-week aggregates of the items (SPEC §5 `engineer_weekly.csv`), and the
//! team rows recomputed over the pooled samples of each week: every family tallies its
//! items into rows of its own part of [`Acc`], and the parts join by (week, person).

use std::collections::{BTreeMap, BTreeSet};

use chrono_tz::Tz;

use crate::metrics::Items;
use crate::metrics::acc::{Acc, Values};
use crate::metrics::columns::Col;
use crate::metrics::tally::Tally;
use crate::metrics::{calls, continuity, score, sla, timelog, wip};
use crate::settings::ScoreWeights;
use crate::week::Week;

/// The person label of the team rows.
pub const TEAM: &str = "(team)";

/// One row of the weekly tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub week: Week,
    pub engineer: String,
    pub acc: Acc,
}

impl Row {
    /// The row's value of every weekly column, unrounded, by `Col::index`; the score
    /// weighs the components with `weights`.
    pub fn values(&self, weights: &ScoreWeights) -> Values {
        let mut values = self.acc.values();
        values[Col::Score.index()] = score::score(&self.acc, weights);
        values
    }
}

/// The engineer rows and team rows of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Weekly {
    pub engineers: Vec<Row>,
    pub team: Vec<Row>,
}

/// Aggregates the items of the window's weeks; `present` adds the staff who appear in a
/// week without being credited with an item (owners, comment and worklog authors). `tz` is
/// the team's zone, where weeks start.
pub fn aggregate(
    items: &Items,
    window: &[Week],
    present: &BTreeSet<(Week, String)>,
    tz: Tz,
) -> Weekly {
    let weeks: BTreeSet<Week> = window.iter().copied().collect();
    let mut rows: BTreeMap<(Week, String), Acc> = BTreeMap::new();
    for key in present.iter().filter(|(w, _)| weeks.contains(w)) {
        rows.entry(key.clone()).or_default();
    }
    // Each family tallies into rows of its own part, the families side by side on every
    // core; the parts then join by (week, person).
    let ((sla, own_rows), (call_rows, (time_rows, wip_rows))) = rayon::join(
        || {
            rayon::join(
                || tallied(|rows| sla::tally(&items.clocks, &items.escalations, &weeks, rows)),
                || tallied(|rows| continuity::tally(&items.continuity, &weeks, rows)),
            )
        },
        || {
            rayon::join(
                || tallied(|rows| calls::tally(&items.calls, &weeks, rows)),
                || {
                    rayon::join(
                        || tallied(|rows| timelog::tally(&items.logged, &weeks, rows)),
                        || {
                            tallied(|rows| {
                                wip::tally(
                                    &items.wip_intervals,
                                    &items.assignments,
                                    &weeks,
                                    tz,
                                    rows,
                                )
                            })
                        },
                    )
                },
            )
        },
    );
    fold(&mut rows, sla, |acc, part| acc.sla = part);
    fold(&mut rows, own_rows, |acc, part| acc.own = part);
    fold(&mut rows, call_rows, |acc, part| acc.calls = part);
    fold(&mut rows, time_rows, |acc, part| acc.time = part);
    fold(&mut rows, wip_rows, |acc, part| acc.wip = part);

    let mut team: BTreeMap<Week, Acc> = weeks.iter().map(|w| (*w, Acc::default())).collect();
    for ((week, _), acc) in &rows {
        team.get_mut(week).expect("window week").merge(acc);
    }
    Weekly {
        engineers: rows
            .into_iter()
            .map(|((week, engineer), acc)| Row {
                week,
                engineer,
                acc,
            })
            .collect(),
        team: team
            .into_iter()
            .map(|(week, acc)| Row {
                week,
                engineer: TEAM.to_string(),
                acc,
            })
            .collect(),
    }
}

/// One family's rows, tallied by `f` into a fresh map.
fn tallied<'a, T>(f: impl FnOnce(&mut Tally<'a, T>)) -> Tally<'a, T> {
    let mut part = BTreeMap::new();
    f(&mut part);
    part
}

/// Joins one family's rows into the combined rows.
fn fold<T>(rows: &mut BTreeMap<(Week, String), Acc>, part: Tally<'_, T>, set: fn(&mut Acc, T)) {
    for ((week, who), value) in part {
        set(rows.entry((week, who.to_string())).or_default(), value);
    }
}
