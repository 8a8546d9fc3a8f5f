//! What the charts are drawn from: the measured weekly rows as typed values (the numbers
//! exactly as the weekly CSVs write them), read by column ([`Col`]), never the CSV text
//! read back — so an id or a name is drawn as it is, not as a CSV cell guards it.

use std::collections::{BTreeSet, HashMap};

use crate::metrics::columns::Col;
use crate::metrics::values::ValueRow;
use crate::week::Week;

/// The engineer values of rows nobody was responsible for and of team rows.
pub use crate::metrics::{UNASSIGNED, weekly::TEAM};

/// Everything the charts are drawn from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The rows of `engineer_weekly.csv`, in its order (by week).
    pub engineer_weekly: &'a [ValueRow],
    /// The rows of `team_weekly.csv`.
    pub team_weekly: &'a [ValueRow],
    /// The lead time in minutes, as `escalations.csv` writes it, of each of the window's
    /// escalations that had an SLA deadline pending.
    pub escalation_leads: &'a [f64],
    /// The window, oldest week first.
    pub weeks: &'a [Week],
    /// The ack target in minutes of each ticket type that has one (its `default`), e.g.
    /// `("incident", 15.0)`, drawn as lines on the ack p90 charts.
    pub ack_targets: &'a [(&'static str, f64)],
    /// The configured goals as (weekly column, target), drawn as target lines on the
    /// panels that show their column.
    pub goals: &'a [(Col, f64)],
    /// The engineer id when the report is a self-review.
    pub self_review: Option<&'a str>,
    /// Who gets a section, a trend sheet and a page: the engineers (staff who are not
    /// leads); `None`: everyone with a weekly row.
    pub engineers: Option<&'a BTreeSet<String>>,
}

/// The people of `rows` (never `(unassigned)` or `(team)`) who get a page: in a
/// self-review only `self_review`, else those in `engineers` (everyone when `None`), each
/// with the latest non-empty name, ordered by what a reader sees, then id. The charts and
/// the pages both read this list, so a sheet is drawn exactly for the pages that show it.
pub fn people_of(
    rows: &[ValueRow],
    self_review: Option<&str>,
    engineers: Option<&BTreeSet<String>>,
) -> Vec<Person> {
    let mut people: Vec<Person> = Vec::new();
    let mut at: HashMap<&str, usize> = HashMap::new();
    for row in rows {
        let id = row.engineer.as_str();
        if id == UNASSIGNED || id == TEAM || id.is_empty() {
            continue;
        }
        if self_review.is_some_and(|me| me != id) {
            continue;
        }
        // A lead or a customer credited with an item has a row, but no page.
        if self_review.is_none() && engineers.is_some_and(|e| !e.contains(id)) {
            continue;
        }
        // Rows are sorted by week, so the last non-empty name is the latest.
        match at.get(id) {
            Some(&i) if !row.name.is_empty() => people[i].name = row.name.clone(),
            Some(_) => {}
            None => {
                at.insert(id, people.len());
                people.push(Person {
                    id: id.to_string(),
                    name: row.name.clone(),
                });
            }
        }
    }
    people
        .sort_by(|a, b| (a.label().to_lowercase(), &a.id).cmp(&(b.label().to_lowercase(), &b.id)));
    people
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
    /// Whether `row` may be shown: in a self-review only the reviewed engineer's rows are
    /// (the inputs should already be cut, this keeps others out if they are not).
    pub fn visible(&self, row: &ValueRow) -> bool {
        self.self_review.is_none_or(|id| row.engineer == id)
    }

    /// The engineers with a section and a trend sheet: those who get a page
    /// ([`people_of`]); in a self-review only the reviewed engineer.
    pub fn people(&self) -> Vec<Person> {
        people_of(self.engineer_weekly, self.self_review, self.engineers)
    }

    /// The position of each of the window's weeks.
    fn positions(&self) -> HashMap<Week, usize> {
        self.weeks
            .iter()
            .enumerate()
            .map(|(i, w)| (*w, i))
            .collect()
    }

    /// Column `col` per week of the window over `rows`: one value per week, from the first
    /// row of the week with a value; None where no row or no value. One pass over the rows.
    pub fn weekly<'r>(
        &self,
        rows: impl IntoIterator<Item = &'r ValueRow>,
        col: Col,
    ) -> Vec<Option<f64>> {
        let position = self.positions();
        let mut out = vec![None; self.weeks.len()];
        for row in rows {
            if let Some(&i) = position.get(&row.week)
                && out[i].is_none()
            {
                out[i] = row.value(col).filter(|x| x.is_finite());
            }
        }
        out
    }

    /// The team's column `col` per week.
    pub fn team(&self, col: Col) -> Vec<Option<f64>> {
        self.weekly(self.team_weekly, col)
    }

    /// The reference line of an engineer's trend: per week, the median over engineers
    /// (not `(unassigned)`) of column `col`; in a self-review, where other engineers'
    /// rows are absent, the team's pooled value.
    pub fn reference(&self, col: Col) -> Vec<Option<f64>> {
        if self.self_review.is_some() {
            return self.team(col);
        }
        let position = self.positions();
        let mut values: Vec<Vec<f64>> = vec![Vec::new(); self.weeks.len()];
        for r in self.engineer_weekly {
            if r.engineer == UNASSIGNED || r.engineer == TEAM {
                continue;
            }
            let value = r.value(col).filter(|x| x.is_finite());
            if let (Some(&i), Some(v)) = (position.get(&r.week), value) {
                values[i].push(v);
            }
        }
        values.into_iter().map(median).collect()
    }

    /// "2026-W40 – 2026-W47", or the one week.
    pub fn window_label(&self) -> String {
        match (self.weeks.first(), self.weeks.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        }
    }
}

/// The median, interpolating between the two middle values (the 50th percentile, as the
/// weekly tables compute it); None without values.
pub fn median(values: Vec<f64>) -> Option<f64> {
    crate::metrics::tally::percentile(&values, 0.5)
}
