//! The weekly tables as typed values: what `engineer_weekly.csv` and `team_weekly.csv`
//! write, as numbers every other output reads (pages, goals, mail summaries), so none of
//! them reads a CSV back. A value is the number exactly as the CSV writes it.

use crate::metrics::columns::{COLUMNS, ColumnDef, Format};
use crate::metrics::weekly::{Row, TEAM, Weekly};
use crate::metrics::{People, UNASSIGNED};
use crate::report::csv::{num2, pct1};
use crate::report::tables::weekly_columns;
use crate::settings::ScoreWeights;
use crate::week::Week;

/// One row of a weekly table.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueRow {
    pub week: Week,
    /// A person id, `(unassigned)` or `(team)`.
    pub engineer: String,
    /// The display name; empty for `(unassigned)` and `(team)`.
    pub name: String,
    /// `values[i]` is the value of `COLUMNS[i]`, as written; `None` for an empty cell.
    pub values: Vec<Option<f64>>,
}

impl ValueRow {
    /// The value of `col`; `None` for an empty cell.
    pub fn value(&self, col: crate::metrics::columns::Col) -> Option<f64> {
        self.values[col.index()]
    }

    /// The value of the column called `name`; `None` for an empty cell or an unknown name.
    pub fn get(&self, name: &str) -> Option<f64> {
        crate::metrics::columns::column(name).and_then(|(i, _)| self.values[i])
    }
}

/// Both weekly tables of a report, rows in the CSVs' order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WeeklyValues {
    pub engineers: Vec<ValueRow>,
    pub team: Vec<ValueRow>,
}

impl WeeklyValues {
    /// The values of `weekly`'s rows, with the display names of `people`.
    pub fn new(weekly: &Weekly, people: &People, weights: &ScoreWeights) -> WeeklyValues {
        let columns = weekly_columns(weights);
        debug_assert!(
            columns
                .iter()
                .map(|(n, _)| *n)
                .eq(COLUMNS.iter().map(|c| c.name))
        );
        let rows = |rows: &[Row]| -> Vec<ValueRow> {
            rows.iter()
                .map(|r| ValueRow {
                    week: r.week,
                    engineer: r.engineer.clone(),
                    name: if r.engineer == UNASSIGNED || r.engineer == TEAM {
                        String::new()
                    } else {
                        people.name(&r.engineer).to_string()
                    },
                    values: columns
                        .iter()
                        .zip(COLUMNS)
                        .map(|((_, cell), def)| parse(def, &cell(r).csv_text()))
                        .collect(),
                })
                .collect()
        };
        WeeklyValues {
            engineers: rows(&weekly.engineers),
            team: rows(&weekly.team),
        }
    }
}

/// A value read back from the text the CSV writes for it: the number as written.
fn parse(def: &ColumnDef, text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    debug_assert_eq!(format_value(def, Some(v)), text, "{}", def.name);
    Some(v)
}

/// A value as the weekly CSVs write it: `3`, `12.5`, `100.0`; empty for `None`.
pub fn format_value(def: &ColumnDef, v: Option<f64>) -> String {
    match (v, def.format) {
        (None, _) => String::new(),
        (Some(x), Format::Count) => format!("{}", x.round() as i64),
        (Some(x), Format::Num2) => num2(x),
        (Some(x), Format::Pct1) => pct1(x),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::acc::Acc;
    use crate::metrics::columns::column;

    fn weights() -> ScoreWeights {
        ScoreWeights {
            ack: 3.0,
            update: 2.0,
            continuity: 1.0,
            time_logging: 1.0,
            calls: 1.0,
            wip: 1.0,
        }
    }

    #[test]
    fn values_are_the_numbers_the_csv_writes() {
        let mut acc = Acc::default();
        // Two stopped acks of 10 and 20.004 min, one of 3 decided ack clocks breached.
        acc.sla.ack_samples = vec![10.0, 20.004];
        acc.sla.ack_decided = 3;
        acc.sla.ack_breaches = 1;
        let week: Week = "2026-W47".parse().unwrap();
        let weekly = Weekly {
            engineers: vec![Row {
                week,
                engineer: "=ann".into(),
                acc,
            }],
            team: vec![],
        };
        let people = People::default();
        let values = WeeklyValues::new(&weekly, &people, &weights());
        let row = &values.engineers[0];
        assert_eq!(
            row.engineer, "=ann",
            "ids stay as they are, not neutralised"
        );
        assert_eq!(row.get("acks"), Some(2.0));
        assert_eq!(row.get("ack_p50_min"), Some(15.0));
        // p90 of [10, 20.004] = 10 + 0.9 × 10.004 = 19.0036 → written 19
        assert_eq!(row.get("ack_p90_min"), Some(19.0));
        assert_eq!(row.get("ack_max_min"), Some(20.0));
        // 2 of 3 decided unbreached: 66.666… → 66.7
        assert_eq!(row.get("ack_sla_pct"), Some(66.7));
        assert_eq!(row.get("update_sla_pct"), None);
        assert_eq!(row.get("sla_breaches"), Some(1.0));
        let (_, pct) = column("ack_sla_pct").unwrap();
        assert_eq!(format_value(pct, Some(66.7)), "66.7");
        assert_eq!(format_value(pct, Some(100.0)), "100.0");
        let (_, p90) = column("ack_p90_min").unwrap();
        assert_eq!(format_value(p90, Some(19.0)), "19");
        assert_eq!(format_value(p90, Some(12.5)), "12.5");
        assert_eq!(format_value(p90, None), "");
    }
}
