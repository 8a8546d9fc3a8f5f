//! `goals.csv` (SPEC §5 Goals): the goal rows `metrics::goals` evaluated, as CSV.

use std::io::{self, Write};

use crate::metrics::columns::column;
pub use crate::metrics::goals::GoalRow;
use crate::metrics::values::format_value;
use crate::report::csv::{Cell, table};

/// `goals.csv`.
pub fn goals_csv<W: Write + ?Sized>(out: &mut W, rows: &[GoalRow]) -> io::Result<()> {
    table(
        out,
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
    use crate::metrics::goals::evaluate;
    use crate::metrics::values::{ValueRow, WeeklyValues};
    use crate::report::csv::to_vec;
    use crate::settings::Goal;

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
        let csv = String::from_utf8(to_vec(|out| goals_csv(out, &rows))).unwrap();
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
        assert_eq!(
            to_vec(|out| goals_csv(out, &[])),
            b"week,engineer,metric,value,goal,met\r\n"
        );
    }
}
