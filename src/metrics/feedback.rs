//! Plus and improvement points (SPEC §4 "Score and feedback"): for each engineer-week, the
//! handbook habits that were kept or missed, each with its metric, a plain-language message
//! and the ticket keys that show it. The rules are listed in README.md.

use std::collections::{BTreeSet, HashMap};

use crate::metrics::weekly::Row;
use crate::metrics::{Clock, Escalation, Items, UNASSIGNED};
use crate::model::Ticket;
use crate::settings::ClockKind;
use crate::week::Week;

/// Whether a point is praise or something to improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Plus,
    Improve,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plus => "plus",
            Kind::Improve => "improve",
        }
    }
}

/// One line of `feedback.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub week: Week,
    pub engineer: String,
    pub kind: Kind,
    /// The `engineer_weekly.csv` column the point is about.
    pub metric: &'static str,
    pub message: String,
    /// Ticket keys, distinct, in key order.
    pub tickets: Vec<String>,
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The ticket keys of a set of ticket indices, distinct and in key order.
fn keys(tickets: &[Ticket], indices: impl IntoIterator<Item = usize>) -> Vec<String> {
    let set: BTreeSet<&str> = indices
        .into_iter()
        .map(|i| tickets[i].key.as_str())
        .collect();
    set.into_iter().map(str::to_string).collect()
}

/// Every point of the given engineer rows (team and `(unassigned)` rows get none).
pub fn points(rows: &[Row], items: &Items, tickets: &[Ticket]) -> Vec<Point> {
    let mut out = Vec::new();
    let index = crate::metrics::escalations::EscalationIndex::new(&items.escalations);
    // Each engineer-week's items, gathered in one pass (item order kept).
    let mut clocks_of: HashMap<(Week, &str), Vec<&Clock>> = HashMap::new();
    for c in &items.clocks {
        clocks_of.entry((c.week, &c.engineer)).or_default().push(c);
    }
    let mut escalations_of: HashMap<(Week, &str), Vec<&Escalation>> = HashMap::new();
    for e in &items.escalations {
        escalations_of
            .entry((e.week, &e.engineer))
            .or_default()
            .push(e);
    }
    for row in rows.iter().filter(|r| r.engineer != UNASSIGNED) {
        let key = (row.week, row.engineer.as_str());
        let clocks: &[&Clock] = clocks_of.get(&key).map_or(&[], Vec::as_slice);
        let escalations: &[&Escalation] = escalations_of.get(&key).map_or(&[], Vec::as_slice);
        let mut add = |kind, metric, message: String, idx: Vec<usize>| {
            out.push(Point {
                week: row.week,
                engineer: row.engineer.clone(),
                kind,
                metric,
                message,
                tickets: keys(tickets, idx),
            });
        };
        let of_kind = |k: ClockKind| clocks.iter().filter(move |c| c.kind == k);
        let sla = &row.acc.sla;

        // Plus points first.
        let acks: Vec<usize> = of_kind(ClockKind::Ack)
            .filter(|c| c.decided())
            .map(|c| c.ticket)
            .collect();
        if !acks.is_empty() && sla.ack_breaches == 0 {
            add(
                Kind::Plus,
                "ack_sla_pct",
                format!(
                    "Every acknowledgement within the SLA target ({})",
                    plural(acks.len(), "ticket clock", "ticket clocks")
                ),
                acks,
            );
        }
        let gaps: Vec<usize> = of_kind(ClockKind::Update)
            .filter(|c| c.decided())
            .map(|c| c.ticket)
            .collect();
        if !gaps.is_empty() && sla.gap_breaches == 0 {
            add(
                Kind::Plus,
                "update_sla_pct",
                format!(
                    "Kept customers informed within the update target ({})",
                    plural(gaps.len(), "update", "updates")
                ),
                gaps,
            );
        }
        let early: Vec<usize> = escalations
            .iter()
            .filter(|e| e.class == crate::metrics::EscalationClass::Early)
            .map(|e| e.ticket)
            .collect();
        if !early.is_empty() {
            add(
                Kind::Plus,
                "escalations_early",
                format!(
                    "Escalated to the lead well before the SLA deadline ({})",
                    plural(early.len(), "time", "times")
                ),
                early,
            );
        }

        // Then improvement points.
        let late_acks: Vec<usize> = of_kind(ClockKind::Ack)
            .filter(|c| c.breached)
            .map(|c| c.ticket)
            .collect();
        if !late_acks.is_empty() {
            add(
                Kind::Improve,
                "ack_sla_pct",
                format!(
                    "{} later than the SLA target: acknowledge incidents immediately and queries within 24 hours",
                    plural(late_acks.len(), "acknowledgement", "acknowledgements")
                ),
                late_acks,
            );
        }
        let late_updates: Vec<usize> = of_kind(ClockKind::Update)
            .filter(|c| c.breached)
            .map(|c| c.ticket)
            .collect();
        if !late_updates.is_empty() {
            add(
                Kind::Improve,
                "update_sla_pct",
                format!(
                    "{} where the customer waited longer than the update target",
                    plural(late_updates.len(), "ticket clock", "ticket clocks")
                ),
                late_updates,
            );
        }
        let silent: Vec<usize> = clocks
            .iter()
            .filter(|c| c.breached && !index.escalated_within(c))
            .map(|c| c.ticket)
            .collect();
        if !silent.is_empty() {
            add(
                Kind::Improve,
                "silent_breaches",
                format!(
                    "{} without an escalation to the lead before the deadline",
                    plural(silent.len(), "SLA breach", "SLA breaches")
                ),
                silent,
            );
        }
        let after: Vec<usize> = escalations
            .iter()
            .filter(|e| e.class == crate::metrics::EscalationClass::AfterBreach)
            .map(|e| e.ticket)
            .collect();
        if !after.is_empty() {
            add(
                Kind::Improve,
                "escalations_after_breach",
                format!(
                    "{} only after the SLA was already breached: escalate well before",
                    plural(after.len(), "escalation", "escalations")
                ),
                after,
            );
        }
    }
    out
}
