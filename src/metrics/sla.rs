//! The SLA family's weekly rows (SPEC §5 `acks` … `silent_breaches`): the per engineer-week
//! sums and samples of the ack and update clocks (`clocks`) and the escalations
//! (`escalations`).

use std::collections::BTreeSet;

use crate::metrics::columns::Col;
use crate::metrics::escalations::EscalationIndex;
use crate::metrics::tally::{Rows, Value, count, pct, percentile};
use crate::metrics::{Clock, Escalation, EscalationClass};
use crate::settings::ClockKind;
use crate::week::Week;

const MS_PER_MIN: f64 = 60_000.0;

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
    /// Adds another row's counts and samples (team rows pool them).
    pub fn merge(&mut self, o: &SlaAcc) {
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

    /// Puts the samples in order (as their percentiles read them), so that each percentile
    /// reads them in place instead of sorting a copy; no value depends on their order.
    pub fn sort_samples(&mut self) {
        self.ack_samples.sort_by(f64::total_cmp);
        self.escalation_leads.sort_by(f64::total_cmp);
    }

    /// `acks`: the stopped ack clocks.
    pub fn acks(&self) -> u64 {
        self.ack_samples.len() as u64
    }

    /// `ack_p50_min`.
    pub fn ack_p50(&self) -> Option<f64> {
        percentile(&self.ack_samples, 0.5)
    }

    /// `ack_p90_min`.
    pub fn ack_p90(&self) -> Option<f64> {
        percentile(&self.ack_samples, 0.9)
    }

    /// `ack_max_min`.
    pub fn ack_max(&self) -> Option<f64> {
        self.ack_samples.iter().copied().reduce(f64::max)
    }

    /// `ack_sla_pct`, also the score's `ack` component.
    pub fn ack_sla_pct(&self) -> Option<f64> {
        pct(self.ack_decided - self.ack_breaches, self.ack_decided)
    }

    /// `update_sla_pct`, also the score's `update` component.
    pub fn update_sla_pct(&self) -> Option<f64> {
        pct(self.gap_decided - self.gap_breaches, self.gap_decided)
    }

    /// `sla_breaches`: ack and update breaches.
    pub fn sla_breaches(&self) -> u64 {
        self.ack_breaches + self.gap_breaches
    }

    /// `escalation_lead_p50_min`.
    pub fn escalation_lead_p50(&self) -> Option<f64> {
        percentile(&self.escalation_leads, 0.5)
    }
}

/// The weekly columns of this family, each read from a row's `SlaAcc`.
pub const VALUES: &[Value<SlaAcc>] = &[
    (Col::Acks, |a| count(a.acks())),
    (Col::AckP50Min, SlaAcc::ack_p50),
    (Col::AckP90Min, SlaAcc::ack_p90),
    (Col::AckMaxMin, SlaAcc::ack_max),
    (Col::AckBreaches, |a| count(a.ack_breaches)),
    (Col::AckSlaPct, SlaAcc::ack_sla_pct),
    (Col::UpdateGaps, |a| count(a.gap_decided)),
    (Col::UpdateBreaches, |a| count(a.gap_breaches)),
    (Col::UpdateSlaPct, SlaAcc::update_sla_pct),
    (Col::SlaBreaches, |a| count(a.sla_breaches())),
    (Col::Escalations, |a| count(a.escalations)),
    (Col::EscalationsEarly, |a| count(a.escalations_early)),
    (Col::EscalationsLate, |a| count(a.escalations_late)),
    (Col::EscalationsAfterBreach, |a| {
        count(a.escalations_after_breach)
    }),
    (Col::EscalationLeadP50Min, SlaAcc::escalation_lead_p50),
    (Col::SilentBreaches, |a| count(a.silent_breaches)),
];

/// Adds the clocks and escalations of the window's weeks to their (week, engineer) rows,
/// with the silent breaches (breached clocks not escalated in time).
pub fn tally<'a>(
    clocks: &'a [Clock],
    escalations: &'a [Escalation],
    weeks: &BTreeSet<Week>,
    rows: &mut impl Rows<'a, SlaAcc>,
) {
    fn row<'r, 'a, R: Rows<'a, SlaAcc>>(
        rows: &'r mut R,
        weeks: &BTreeSet<Week>,
        week: Week,
        who: &'a str,
    ) -> Option<&'r mut SlaAcc> {
        weeks.contains(&week).then(|| rows.row(week, who))
    }
    let index = EscalationIndex::new(escalations);
    for c in clocks {
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
    for e in escalations {
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
