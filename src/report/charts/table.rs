//! The charts' and the page's input: report tables read back from their CSV bytes, so every
//! number drawn or shown is the number written to the CSV. Columns are looked up by name
//! and may be missing (the weekly tables grow); an empty cell means "no data".

use std::collections::HashMap;

use anyhow::Context;

/// The engineer values of rows nobody was responsible for and of `team_weekly.csv` rows.
pub use crate::metrics::{UNASSIGNED, weekly::TEAM};

/// One report table as text: its header and its rows, cells exactly as in the CSV.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    /// Column name → index, so a cell is found without scanning the header (a report of
    /// 150 engineers over 104 weeks looks up millions of cells).
    columns: HashMap<String, usize>,
}

impl Table {
    /// Parses CSV bytes with a header row. Empty input is an empty table.
    pub fn from_csv(bytes: &[u8]) -> anyhow::Result<Table> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(bytes);
        let header = reader
            .headers()
            .context("reading the CSV header row")?
            .iter()
            .map(str::to_string)
            .collect();
        let rows = reader
            .records()
            .enumerate()
            .map(|(i, record)| {
                let record = record.with_context(|| format!("reading CSV data row {}", i + 1))?;
                Ok(record.iter().map(str::to_string).collect())
            })
            .collect::<anyhow::Result<_>>()?;
        Ok(Table::new(header, rows))
    }

    /// A table of `header` and `rows`; of repeated column names the first counts.
    pub fn new(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
        let mut columns = HashMap::with_capacity(header.len());
        for (i, name) in header.iter().enumerate() {
            columns.entry(name.clone()).or_insert(i);
        }
        Table {
            header,
            rows,
            columns,
        }
    }

    /// The index of a column, if the table has it.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.get(name).copied()
    }

    /// The rows grouped by their text in column `name` (rows keep table order); empty when
    /// the column is missing.
    pub fn group_by(&self, name: &str) -> HashMap<&str, Vec<&Vec<String>>> {
        let mut groups: HashMap<&str, Vec<&Vec<String>>> = HashMap::new();
        if let Some(col) = self.column(name) {
            for row in &self.rows {
                if let Some(key) = row.get(col) {
                    groups.entry(key.as_str()).or_default().push(row);
                }
            }
        }
        groups
    }

    /// Whether the table has every one of `names`.
    pub fn has_all(&self, names: &[&str]) -> bool {
        names.iter().all(|n| self.column(n).is_some())
    }

    /// A row's text in column `name`; None when the column is missing.
    pub fn text<'a>(&self, row: &'a [String], name: &str) -> Option<&'a str> {
        self.column(name)
            .and_then(|i| row.get(i))
            .map(String::as_str)
    }

    /// A row's number in column `name`; None when the column is missing, the cell is empty
    /// (no data) or not a number.
    pub fn num(&self, row: &[String], name: &str) -> Option<f64> {
        self.text(row, name)
            .and_then(|s| s.trim().parse::<f64>().ok())
            .filter(|x| x.is_finite())
    }

    /// The rows whose column `name` equals `value`.
    pub fn rows_where<'a>(
        &'a self,
        name: &'a str,
        value: &'a str,
    ) -> impl Iterator<Item = &'a Vec<String>> + 'a {
        self.rows
            .iter()
            .filter(move |r| self.text(r, name) == Some(value))
    }

    /// Column `name` per week of `weeks`, over the rows where `engineer` matches (all rows
    /// when None): one value per week, from the first such row of the week with a number;
    /// None where no row or an empty cell. One pass over the rows.
    pub fn weekly(&self, weeks: &[String], engineer: Option<&str>, name: &str) -> Vec<Option<f64>> {
        self.weekly_rows(weeks, self.rows.iter(), engineer, name)
    }

    /// [`Table::weekly`] over some of the table's rows (e.g. one engineer's group).
    pub fn weekly_rows<'a>(
        &self,
        weeks: &[String],
        rows: impl IntoIterator<Item = &'a Vec<String>>,
        engineer: Option<&str>,
        name: &str,
    ) -> Vec<Option<f64>> {
        let mut out = vec![None; weeks.len()];
        let position: HashMap<&str, usize> = weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i))
            .collect();
        let (Some(week_col), Some(col)) = (self.column("week"), self.column(name)) else {
            return out;
        };
        let engineer_col = self.column("engineer");
        for row in rows {
            let cell = |c: usize| row.get(c).map(String::as_str);
            if engineer.is_some() && engineer_col.and_then(cell) != engineer {
                continue;
            }
            let Some(&i) = cell(week_col).and_then(|w| position.get(w)) else {
                continue;
            };
            if out[i].is_none() {
                out[i] = cell(col)
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .filter(|x| x.is_finite());
            }
        }
        out
    }
}

/// Everything the charts and the page are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    pub engineer_weekly: &'a Table,
    pub team_weekly: &'a Table,
    /// `escalations.csv`: ticket, at, by, engineer, trigger, deadline, lead_min, class, week.
    pub escalations: &'a Table,
    /// `breaches.csv`: the breached clocks plus `escalated_before_deadline`.
    pub breaches: &'a Table,
    /// `feedback.csv`: week, engineer, kind (plus|improve), metric, message, tickets; may
    /// be empty.
    pub feedback: &'a Table,
    /// The window's week labels, oldest first.
    pub weeks: &'a [String],
    pub as_of: &'a str,
    /// The JIRA base URL for ticket links; "" when not configured.
    pub jira_url: &'a str,
    /// The ack target in minutes of each ticket type that has one (its `default`), e.g.
    /// `("incident", 15.0)`, drawn as lines on the ack p90 charts.
    pub ack_targets: &'a [(&'static str, f64)],
    /// The configured goals as (weekly column, target), drawn as target lines on the
    /// panels that show their column.
    pub goals: &'a [(&'static str, f64)],
    /// The engineer id when the report is a self-review.
    pub self_review: Option<&'a str>,
}

/// An engineer with a section and a trend sheet.
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: String,
    /// The latest non-empty display name, else "".
    pub name: String,
}

impl Person {
    /// What a reader sees: the display name, or the id when there is none.
    pub fn label(&self) -> &str {
        if self.name.is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

impl Inputs<'_> {
    /// Whether `row` of `table` may be shown: in a self-review only the reviewed engineer's
    /// rows are (the inputs should already be cut, this keeps others out if they are not).
    pub fn visible(&self, table: &Table, row: &[String]) -> bool {
        match self.self_review {
            Some(id) => table.text(row, "engineer") == Some(id),
            None => true,
        }
    }

    /// The engineers of `engineer_weekly` (never `(unassigned)` or `(team)`), ordered by
    /// what a reader sees, then id; in a self-review only the reviewed engineer.
    pub fn people(&self) -> Vec<Person> {
        let table = self.engineer_weekly;
        let mut people: Vec<Person> = Vec::new();
        for row in &table.rows {
            if !self.visible(table, row) {
                continue;
            }
            let Some(id) = table.text(row, "engineer") else {
                continue;
            };
            if id == UNASSIGNED || id == TEAM || id.is_empty() {
                continue;
            }
            // Rows are sorted by week, so the last non-empty name is the latest.
            let name = table.text(row, "engineer_name").unwrap_or("");
            match people.iter_mut().find(|p| p.id == id) {
                Some(p) if !name.is_empty() => p.name = name.to_string(),
                Some(_) => {}
                None => people.push(Person {
                    id: id.to_string(),
                    name: name.to_string(),
                }),
            }
        }
        people.sort_by(|a, b| {
            (a.label().to_lowercase(), &a.id).cmp(&(b.label().to_lowercase(), &b.id))
        });
        people
    }

    /// The reference line of an engineer's trend: per week, the median over engineers
    /// (not `(unassigned)`) of column `name`; in a self-review, where other engineers'
    /// rows are absent, the team's pooled value from `team_weekly`.
    pub fn reference(&self, name: &str) -> Vec<Option<f64>> {
        if self.self_review.is_some() {
            return self.team_weekly.weekly(self.weeks, None, name);
        }
        let table = self.engineer_weekly;
        let position: HashMap<&str, usize> = self
            .weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (w.as_str(), i))
            .collect();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); self.weeks.len()];
        for r in &table.rows {
            if matches!(table.text(r, "engineer"), Some(UNASSIGNED | TEAM) | None) {
                continue;
            }
            let week = table.text(r, "week").and_then(|w| position.get(w));
            if let (Some(&i), Some(v)) = (week, table.num(r, name)) {
                values[i].push(v);
            }
        }
        values.into_iter().map(median).collect()
    }

    /// "2026-W40 – 2026-W47", or the one week.
    pub fn window_label(&self) -> String {
        match (self.weeks.first(), self.weeks.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.clone(),
            _ => String::new(),
        }
    }
}

/// The median, interpolating between the two middle values (the 50th percentile, as the
/// weekly tables compute it); None without values.
pub fn median(values: Vec<f64>) -> Option<f64> {
    crate::metrics::tally::percentile(&values, 0.5)
}
