//! A small team as measured values, for the chart tests: three engineers and
//! `(unassigned)` over two weeks, with gaps (no value) and a name with a quote.

use super::inputs::Inputs;
use crate::metrics::columns::{COLUMNS, Col};
use crate::metrics::values::ValueRow;
use crate::week::Week;

use Col::{
    AckBreaches, AckP90Min, AckSlaPct, Acks, CallMinutesReported, ContinuityPct, Score,
    SlaBreaches, UpdateBreaches, UpdateSlaPct,
};

/// The columns the fixture fills, in the order of a [`row`]'s values.
const FILLED: [Col; 10] = [
    Acks,
    AckP90Min,
    AckBreaches,
    AckSlaPct,
    UpdateBreaches,
    UpdateSlaPct,
    SlaBreaches,
    ContinuityPct,
    CallMinutesReported,
    Score,
];

/// A weekly row with the [`FILLED`] columns set (None: no value); the rest have none.
pub fn row(week: &str, id: &str, name: &str, filled: [Option<f64>; 10]) -> ValueRow {
    let mut values = vec![None; COLUMNS.len()];
    for (col, v) in FILLED.iter().zip(filled) {
        values[col.index()] = v;
    }
    ValueRow {
        week: week.parse().expect("a week label"),
        engineer: id.to_string(),
        name: name.to_string(),
        values,
    }
}

/// The fixture's values; [`Fixture::inputs`] lends them to the charts.
pub struct Fixture {
    pub engineer_weekly: Vec<ValueRow>,
    pub team_weekly: Vec<ValueRow>,
    /// Escalation lead times in minutes: one after the breach, three before the deadline.
    pub leads: Vec<f64>,
    pub weeks: Vec<Week>,
}

impl Fixture {
    pub fn new() -> Fixture {
        let s = Some;
        Fixture {
            #[rustfmt::skip]
            engineer_weekly: vec![
                row("2026-W46", "(unassigned)", "", [s(0.0), None, s(1.0), s(0.0), s(0.0), None, s(1.0), None, s(0.0), None]),
                row("2026-W46", "alice", "Alice Archer", [s(4.0), s(12.5), s(0.0), s(100.0), s(1.0), s(90.0), s(1.0), s(100.0), s(30.0), s(95.5)]),
                row("2026-W46", "bob", "Bob O'Neil", [s(3.0), s(30.0), s(2.0), s(33.3), s(0.0), s(100.0), s(2.0), s(50.0), s(0.0), s(61.2)]),
                row("2026-W46", "carol", "Carol Chen", [s(5.0), s(8.0), s(0.0), s(100.0), s(0.0), s(100.0), s(0.0), None, s(45.0), s(99.0)]),
                row("2026-W47", "alice", "Alice Archer", [s(6.0), s(14.0), s(1.0), s(83.3), s(2.0), s(80.0), s(3.0), s(75.0), s(60.0), s(80.0)]),
                row("2026-W47", "bob", "Bob O'Neil", [s(2.0), None, s(0.0), None, s(1.0), s(50.0), s(1.0), None, s(0.0), None]),
                row("2026-W47", "carol", "Carol Chen", [s(4.0), s(9.5), s(0.0), s(100.0), s(0.0), s(100.0), s(0.0), s(100.0), s(15.0), s(97.5)]),
            ],
            #[rustfmt::skip]
            team_weekly: vec![
                row("2026-W46", "(team)", "", [s(12.0), s(20.0), s(3.0), s(75.0), s(1.0), s(95.0), s(4.0), s(75.0), s(75.0), s(85.0)]),
                row("2026-W47", "(team)", "", [s(12.0), s(14.0), s(1.0), s(91.7), s(3.0), s(85.0), s(4.0), s(80.0), s(75.0), s(88.8)]),
            ],
            leads: vec![-30.0, 10.0, 50.0, 119.0],
            weeks: vec![
                "2026-W46".parse().expect("a week"),
                "2026-W47".parse().expect("a week"),
            ],
        }
    }

    /// The whole team's report, with the default ack targets (incident 15 minutes, query
    /// 24 hours) and no goals.
    pub fn inputs(&self) -> Inputs<'_> {
        Inputs {
            engineer_weekly: &self.engineer_weekly,
            team_weekly: &self.team_weekly,
            escalation_leads: &self.leads,
            weeks: &self.weeks,
            ack_targets: &[("incident", 15.0), ("query", 1440.0)],
            goals: &[],
            self_review: None,
            engineers: None,
        }
    }
}
