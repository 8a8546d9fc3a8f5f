//! The weekly tables as typed values: what `engineer_weekly.csv` and `team_weekly.csv`
//! write, as numbers every other output reads (pages, goals, mail summaries), so none of
//! them reads a CSV back. A value is the number exactly as the CSV writes it: each is
//! rounded as its column's format writes it, and the CSV is written from these values.

use crate::format::{num2, pct1};
use crate::metrics::columns::{COLUMNS, Col, ColumnDef, Format, column};
use crate::metrics::weekly::{Row, TEAM, Weekly};
use crate::metrics::{People, UNASSIGNED};
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
    /// The values of `row`, with its person's display name from `people`.
    pub fn new(row: &Row, people: &People, weights: &ScoreWeights) -> ValueRow {
        ValueRow {
            week: row.week,
            engineer: row.engineer.clone(),
            name: if row.engineer == UNASSIGNED || row.engineer == TEAM {
                String::new()
            } else {
                people.name(&row.engineer).to_string()
            },
            values: row
                .values(weights)
                .into_iter()
                .zip(COLUMNS)
                .map(|(v, def)| v.map(|x| def.format.round(x)))
                .collect(),
        }
    }

    /// The value of `col`; `None` for an empty cell.
    pub fn value(&self, col: Col) -> Option<f64> {
        self.values[col.index()]
    }

    /// The value of the column called `name`; `None` for an empty cell or an unknown name.
    pub fn get(&self, name: &str) -> Option<f64> {
        column(name).and_then(|(i, _)| self.values[i])
    }
}

/// The value rows of `rows`, in their order.
pub fn value_rows(rows: &[Row], people: &People, weights: &ScoreWeights) -> Vec<ValueRow> {
    rows.iter()
        .map(|r| ValueRow::new(r, people, weights))
        .collect()
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
        WeeklyValues {
            engineers: value_rows(&weekly.engineers, people, weights),
            team: value_rows(&weekly.team, people, weights),
        }
    }
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
        assert_eq!(row.value(Col::Acks), Some(2.0));
        // p50 = 15.002 → written 15
        assert_eq!(row.value(Col::AckP50Min), Some(15.0));
        // p90 of [10, 20.004] = 10 + 0.9 × 10.004 = 19.0036 → written 19
        assert_eq!(row.value(Col::AckP90Min), Some(19.0));
        // 20.004 → written 20
        assert_eq!(row.value(Col::AckMaxMin), Some(20.0));
        // 2 of 3 decided unbreached: 66.666… → 66.7
        assert_eq!(row.value(Col::AckSlaPct), Some(66.7));
        assert_eq!(row.value(Col::UpdateSlaPct), None);
        assert_eq!(row.value(Col::SlaBreaches), Some(1.0));
        // Only the ack component has samples: the score is its 66.666… → 66.7.
        assert_eq!(row.value(Col::Score), Some(66.7));
        assert_eq!(row.get(Col::AckSlaPct.name()), Some(66.7));
        assert_eq!(row.get("week"), None);
        let pct = Col::AckSlaPct.def();
        assert_eq!(format_value(pct, Some(66.7)), "66.7");
        assert_eq!(format_value(pct, Some(100.0)), "100.0");
        let p90 = Col::AckP90Min.def();
        assert_eq!(format_value(p90, Some(19.0)), "19");
        assert_eq!(format_value(p90, Some(12.5)), "12.5");
        assert_eq!(format_value(p90, None), "");
    }
}
