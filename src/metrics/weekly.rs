//! Per engineer-week aggregates of the items (SPEC §5 `engineer_weekly.csv`), and the
//! team rows recomputed over the pooled samples of each week.

use std::collections::{BTreeMap, BTreeSet};

use crate::metrics::escalations::EscalationIndex;
use chrono_tz::Tz;

use crate::metrics::calls::{self, CallAcc};
use crate::metrics::continuity::{self, OwnershipAcc};
use crate::metrics::tally::{Tally, pct, percentile};
use crate::metrics::timelog::{self, TimeLogAcc};
use crate::metrics::wip::{self, WipAcc};
use crate::metrics::{EscalationClass, Items};
use crate::settings::ClockKind;
use crate::week::Week;

/// The person label of the team rows.
pub const TEAM: &str = "(team)";

/// The raw material of one row, one part per metric family. Team rows merge engineers'
/// `Acc`s, so every statistic is recomputed over pooled samples, never averaged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Acc {
    pub sla: SlaAcc,
    pub own: OwnershipAcc,
    pub calls: CallAcc,
    pub time: TimeLogAcc,
    pub wip: WipAcc,
}

impl Acc {
    fn merge(&mut self, o: &Acc) {
        self.sla.merge(&o.sla);
        self.own.merge(&o.own);
        self.calls.merge(&o.calls);
        self.time.merge(&o.time);
        self.wip.merge(&o.wip);
    }
}

/// SLA clocks and escalations of one row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaAcc {
    /// Latency samples of stopped ack clocks, minutes.
    pub ack_samples: Vec<f64>,
    pub ack_decided: u64,
    pub ack_breaches: u64,
    pub gap_decided: u64,
    pub gap_breaches: u64,
    pub escalations: u64,
    pub escalations_early: u64,
    pub escalations_late: u64,
    pub escalations_after_breach: u64,
    /// Lead times of escalations that had a pending deadline, minutes.
    pub escalation_leads: Vec<f64>,
    pub silent_breaches: u64,
}

impl SlaAcc {
    fn merge(&mut self, o: &SlaAcc) {
        self.ack_samples.extend_from_slice(&o.ack_samples);
        self.ack_decided += o.ack_decided;
        self.ack_breaches += o.ack_breaches;
        self.gap_decided += o.gap_decided;
        self.gap_breaches += o.gap_breaches;
        self.escalations += o.escalations;
        self.escalations_early += o.escalations_early;
        self.escalations_late += o.escalations_late;
        self.escalations_after_breach += o.escalations_after_breach;
        self.escalation_leads.extend_from_slice(&o.escalation_leads);
        self.silent_breaches += o.silent_breaches;
    }

    pub fn acks(&self) -> u64 {
        self.ack_samples.len() as u64
    }

    pub fn ack_p50(&self) -> Option<f64> {
        percentile(&self.ack_samples, 0.5)
    }

    pub fn ack_p90(&self) -> Option<f64> {
        percentile(&self.ack_samples, 0.9)
    }

    pub fn ack_max(&self) -> Option<f64> {
        self.ack_samples.iter().copied().reduce(f64::max)
    }

    pub fn ack_sla_pct(&self) -> Option<f64> {
        pct(self.ack_decided - self.ack_breaches, self.ack_decided)
    }

    pub fn update_sla_pct(&self) -> Option<f64> {
        pct(self.gap_decided - self.gap_breaches, self.gap_decided)
    }

    pub fn sla_breaches(&self) -> u64 {
        self.ack_breaches + self.gap_breaches
    }

    pub fn escalation_lead_p50(&self) -> Option<f64> {
        percentile(&self.escalation_leads, 0.5)
    }
}

/// One row of the weekly tables.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub week: Week,
    pub engineer: String,
    pub acc: Acc,
}

/// The engineer rows and team rows of the window.
#[derive(Debug, Clone, PartialEq)]
pub struct Weekly {
    pub engineers: Vec<Row>,
    pub team: Vec<Row>,
}

const MS_PER_MIN: f64 = 60_000.0;

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
                || tallied(|rows| tally_sla(items, &weeks, rows)),
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

/// SLA clocks, escalations and silent breaches of the window's weeks.
fn tally_sla<'a>(items: &'a Items, weeks: &BTreeSet<Week>, rows: &mut Tally<'a, SlaAcc>) {
    fn row<'r, 'a>(
        rows: &'r mut Tally<'a, SlaAcc>,
        weeks: &BTreeSet<Week>,
        week: Week,
        who: &'a str,
    ) -> Option<&'r mut SlaAcc> {
        weeks
            .contains(&week)
            .then(|| rows.entry((week, who)).or_default())
    }
    let index = EscalationIndex::new(&items.escalations);
    for c in &items.clocks {
        let Some(acc) = row(rows, weeks, c.week, &c.engineer) else {
            continue;
        };
        match c.kind {
            ClockKind::Ack => {
                if c.stopped {
                    acc.ack_samples.push(c.latency_ms() as f64 / MS_PER_MIN);
                }
                if c.decided() {
                    acc.ack_decided += 1;
                }
                if c.breached {
                    acc.ack_breaches += 1;
                }
            }
            ClockKind::Update => {
                if c.decided() {
                    acc.gap_decided += 1;
                }
                if c.breached {
                    acc.gap_breaches += 1;
                }
            }
        }
        if c.breached && !index.escalated_within(c) {
            acc.silent_breaches += 1;
        }
    }
    for e in &items.escalations {
        let Some(acc) = row(rows, weeks, e.week, &e.engineer) else {
            continue;
        };
        acc.escalations += 1;
        match e.class {
            EscalationClass::Early => acc.escalations_early += 1,
            EscalationClass::Late => acc.escalations_late += 1,
            EscalationClass::AfterBreach => acc.escalations_after_breach += 1,
            EscalationClass::NoPendingSla => {}
        }
        if let Some(lead) = e.lead_ms {
            acc.escalation_leads.push(lead as f64 / MS_PER_MIN);
        }
    }
}
