//! `goals.csv` (SPEC §5 Goals): every `[goals]` entry checked against every weekly row that
//! has a value for it, engineers (not `(unassigned)`) and the team alike.

use crate::metrics::UNASSIGNED;
use crate::metrics::columns::column;
use crate::report::csv::{Cell, table};
use crate::report::values::{ValueRow, WeeklyValues, format_value};
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

/// `goals.csv` bytes.
pub fn goals_csv(rows: &[GoalRow]) -> Vec<u8> {
    table(
        &["week", "engineer", "metric", "value", "goal", "met"],
        rows.iter().map(|r| {
            let (_, def) = column(r.metric).expect("a goal names a column");
            vec![
                Cell::Week(r.week),
                Cell::text(r.engineer.as_str()),
                Cell::text(r.metric),
                Cell::text(format_value(def, Some(r.value))),
                Cell::Num(Some(r.goal)),
                Cell::Bool(r.met),
            ]
        }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::columns::{Better, COLUMNS, Col};

    const ACK: Col = Col::AckSlaPct;
    const LATE: Col = Col::LateLogs;

    fn goal(col: Col, target: f64) -> Goal {
        Goal {
            metric: col.name(),
            index: col.index(),
            better: col.def().better.unwrap(),
            target,
        }
    }

    fn row(week: &str, engineer: &str, set: &[(Col, f64)]) -> ValueRow {
        let mut values = vec![None; COLUMNS.len()];
        for (col, v) in set {
            values[col.index()] = Some(*v);
        }
        ValueRow {
            week: week.parse().unwrap(),
            engineer: engineer.into(),
            name: String::new(),
            values,
        }
    }

    #[test]
    fn goals_csv_by_hand() {
        // Goals: ack_sla_pct ≥ 95 (higher is better), late_logs ≤ 0 (lower is better).
        let goals = vec![goal(ACK, 95.0), goal(LATE, 0.0)];
        assert_eq!(goals[0].better, Better::Higher);
        let values = WeeklyValues {
            engineers: vec![
                // bob: 95.0 meets ≥ 95 exactly; 2 late logs miss ≤ 0.
                row("2026-W46", "bob", &[(ACK, 95.0), (LATE, 2.0)]),
                // (unassigned) never gets goal rows.
                row("2026-W46", "(unassigned)", &[(ACK, 10.0)]),
                // ann: no decided ack clock (empty cell) → no ack row; 0 late logs meets.
                row("2026-W47", "ann", &[(LATE, 0.0)]),
                // =eve: 94.9 misses; the id is neutralised in the CSV.
                row("2026-W47", "=eve", &[(ACK, 94.9)]),
            ],
            team: vec![
                row("2026-W46", "(team)", &[(ACK, 50.0), (LATE, 2.0)]),
                row("2026-W47", "(team)", &[(ACK, 94.9), (LATE, 0.0)]),
            ],
        };
        let rows = evaluate(&values, &goals);
        let csv = String::from_utf8(goals_csv(&rows)).unwrap();
        assert_eq!(
            csv,
            "week,engineer,metric,value,goal,met\r\n\
             2026-W46,(team),ack_sla_pct,50.0,95,false\r\n\
             2026-W46,(team),late_logs,2,0,false\r\n\
             2026-W46,bob,ack_sla_pct,95.0,95,true\r\n\
             2026-W46,bob,late_logs,2,0,false\r\n\
             2026-W47,(team),ack_sla_pct,94.9,95,false\r\n\
             2026-W47,(team),late_logs,0,0,true\r\n\
             2026-W47,'=eve,ack_sla_pct,94.9,95,false\r\n\
             2026-W47,ann,late_logs,0,0,true\r\n"
        );
    }

    #[test]
    fn no_goals_no_rows() {
        let values = WeeklyValues {
            engineers: vec![row("2026-W47", "ann", &[(LATE, 0.0)])],
            team: vec![],
        };
        assert!(evaluate(&values, &[]).is_empty());
        assert_eq!(goals_csv(&[]), b"week,engineer,metric,value,goal,met\r\n");
    }
}
