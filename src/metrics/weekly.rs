//! Per engineer-week aggregates of the items (SPEC §5 `engineer_weekly.csv`), and the
//! team rows recomputed over the pooled samples of each week: every family tallies its
//! items into rows of its own part of [`Acc`], and the parts join by (week, person).

use std::collections::{BTreeSet, HashMap};

use chrono_tz::Tz;

use crate::metrics::Items;
use crate::metrics::acc::{Acc, Values};
use crate::metrics::calls::{Call, CallAcc};
use crate::metrics::columns::Col;
use crate::metrics::tally::{FastHash, FastTally, Rows};
use crate::metrics::timelog::{Logged, TimeLogAcc};
use crate::metrics::{continuity, score, sla, wip};
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
    // Each family tallies into rows of its own part, found by hash, the families side by
    // side on every core; the parts then join by (week, person).
    let ((sla, own_rows), (call_rows, (time_rows, wip_rows))) = rayon::join(
        || {
            rayon::join(
                || tallied(|rows| sla::tally(&items.clocks, &items.escalations, &weeks, rows)),
                || tallied(|rows| continuity::tally(&items.continuity, &weeks, rows)),
            )
        },
        || {
            rayon::join(
                || tallied(|rows| calls_tally(&items.calls, &weeks, rows)),
                || {
                    rayon::join(
                        || tallied(|rows| timelog_tally(&items.logged, &weeks, rows)),
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
    // Every row's key, in (week, person) order: the present staff and whoever a family
    // credited. Ids are compared as bytes, as the `String` keys of the rows always were.
    let mut keys: Vec<(Week, &str)> = present
        .iter()
        .filter(|(w, _)| weeks.contains(w))
        .map(|(w, who)| (*w, who.as_str()))
        .chain(sla.keys().copied())
        .chain(own_rows.keys().copied())
        .chain(call_rows.keys().copied())
        .chain(time_rows.keys().copied())
        .chain(wip_rows.keys().copied())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let position: HashMap<(Week, &str), usize, FastHash> =
        keys.iter().enumerate().map(|(n, key)| (*key, n)).collect();
    let mut accs: Vec<Acc> = vec![Acc::default(); keys.len()];
    fold(&mut accs, &position, sla, |acc, part| acc.sla = part);
    fold(&mut accs, &position, own_rows, |acc, part| acc.own = part);
    fold(&mut accs, &position, call_rows, |acc, part| {
        acc.calls = part
    });
    fold(&mut accs, &position, time_rows, |acc, part| acc.time = part);
    fold(&mut accs, &position, wip_rows, |acc, part| acc.wip = part);
    for acc in &mut accs {
        acc.sla.sort_samples();
    }

    // A team row merges its week's rows, which lie side by side in (week, person) order.
    let team: Vec<(Week, Acc)> = weeks
        .iter()
        .map(|week| {
            let first = keys.partition_point(|(w, _)| w < week);
            let end = keys.partition_point(|(w, _)| w <= week);
            let mut acc = Acc::merged(&accs[first..end]);
            acc.sla.sort_samples();
            (*week, acc)
        })
        .collect();
    Weekly {
        engineers: keys
            .iter()
            .zip(accs)
            .map(|((week, engineer), acc)| Row {
                week: *week,
                engineer: engineer.to_string(),
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

/// `calls::tally` into rows found by hash.
fn calls_tally<'a>(items: &'a [Call], weeks: &BTreeSet<Week>, rows: &mut FastTally<'a, CallAcc>) {
    for call in items.iter().filter(|c| weeks.contains(&c.week)) {
        rows.row(call.week, call.engineer.as_str()).add(call);
    }
}

/// `timelog::tally` into rows found by hash.
fn timelog_tally<'a>(
    items: &'a [Logged],
    weeks: &BTreeSet<Week>,
    rows: &mut FastTally<'a, TimeLogAcc>,
) {
    for logged in items.iter().filter(|l| weeks.contains(&l.week)) {
        rows.row(logged.week, logged.engineer.as_str()).add(logged);
    }
}

/// One family's rows, tallied by `f` into a fresh map.
fn tallied<'a, T>(f: impl FnOnce(&mut FastTally<'a, T>)) -> FastTally<'a, T> {
    let mut part = FastTally::default();
    f(&mut part);
    part
}

/// Joins one family's rows into the combined rows, at the positions of their keys.
fn fold<'a, T>(
    accs: &mut [Acc],
    position: &HashMap<(Week, &'a str), usize, FastHash>,
    part: FastTally<'a, T>,
    set: fn(&mut Acc, T),
) {
    for (key, value) in part {
        set(&mut accs[position[&key]], value);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use super::*;
    use crate::metrics::Prepared;
    use crate::metrics::tally::Tally;
    use crate::metrics::{calls, timelog};

    /// The rows as they were tallied before the hashed rows: every family's own `tally`
    /// into ordered rows, joined by (week, person) in one ordered map.
    fn aggregate_by_tree(
        items: &Items,
        window: &[Week],
        present: &BTreeSet<(Week, String)>,
        tz: Tz,
    ) -> Weekly {
        fn tree<'a, T>(f: impl FnOnce(&mut Tally<'a, T>)) -> Tally<'a, T> {
            let mut part = BTreeMap::new();
            f(&mut part);
            part
        }
        fn join<T>(
            rows: &mut BTreeMap<(Week, String), Acc>,
            part: Tally<'_, T>,
            set: fn(&mut Acc, T),
        ) {
            for ((week, who), value) in part {
                set(rows.entry((week, who.to_string())).or_default(), value);
            }
        }
        let weeks: BTreeSet<Week> = window.iter().copied().collect();
        let mut rows: BTreeMap<(Week, String), Acc> = BTreeMap::new();
        for key in present.iter().filter(|(w, _)| weeks.contains(w)) {
            rows.entry(key.clone()).or_default();
        }
        let sla = tree(|r| sla::tally(&items.clocks, &items.escalations, &weeks, r));
        let own = tree(|r| continuity::tally(&items.continuity, &weeks, r));
        let calls = tree(|r| calls::tally(&items.calls, &weeks, r));
        let time = tree(|r| timelog::tally(&items.logged, &weeks, r));
        let wip = tree(|r| wip::tally(&items.wip_intervals, &items.assignments, &weeks, tz, r));
        join(&mut rows, sla, |acc, part| acc.sla = part);
        join(&mut rows, own, |acc, part| acc.own = part);
        join(&mut rows, calls, |acc, part| acc.calls = part);
        join(&mut rows, time, |acc, part| acc.time = part);
        join(&mut rows, wip, |acc, part| acc.wip = part);
        let mut team: BTreeMap<Week, Acc> = weeks.iter().map(|w| (*w, Acc::default())).collect();
        for ((week, _), acc) in &rows {
            team.get_mut(week).unwrap().merge(acc);
        }
        Weekly {
            engineers: (rows.into_iter())
                .map(|((week, engineer), acc)| Row {
                    week,
                    engineer,
                    acc,
                })
                .collect(),
            team: (team.into_iter())
                .map(|(week, acc)| Row {
                    week,
                    engineer: TEAM.to_string(),
                    acc,
                })
                .collect(),
        }
    }

    /// The hashed rows are the ordered rows, field for field, on the sample data's 300
    /// tickets: windows of 1 to 104 weeks, in the team's zone and in zones with DST
    /// changes (weeks of 167 and 169 hours), with and without the present staff.
    #[test]
    fn hashed_rows_are_the_ordered_rows() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("sample-data/supportlens.toml");
        let mut settings = crate::config::load(Some(&path)).unwrap();
        let tickets =
            crate::jira::read_files(&[root.join("sample-data")], &settings.types.severity_field)
                .unwrap();
        let zones = [
            settings.team.timezone,
            chrono_tz::Europe::London,
            chrono_tz::America::Santiago,
        ];
        let last: Week = "2026-W47".parse().unwrap();
        for tz in zones {
            settings.team.timezone = tz;
            let as_of = crate::model::parse_ts("2026-11-23T00:00:00Z").unwrap();
            let prepared = Prepared::new(&settings, &tickets, as_of);
            let items = prepared.items(&settings);
            for weeks in [1, 8, 26, 104] {
                let window = crate::week::window(last, weeks);
                let present = prepared.presence(&settings, &items, &window);
                for present in [present, BTreeSet::new()] {
                    let fast = aggregate(&items, &window, &present, tz);
                    let mut slow = aggregate_by_tree(&items, &window, &present, tz);
                    // Samples are kept in order now; their order was never a value.
                    for row in slow.engineers.iter_mut().chain(&mut slow.team) {
                        row.acc.sla.sort_samples();
                    }
                    assert!(
                        fast.engineers.len() > 10 * weeks.min(4) as usize,
                        "{tz} {weeks}"
                    );
                    assert_eq!(fast, slow, "{tz} {weeks}");
                }
            }
        }
    }
}
