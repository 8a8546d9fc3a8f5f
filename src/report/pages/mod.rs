//! The report's pages (SPEC §5): `index.html`, the team page a lead opens, and
//! `engineers/<file id>.html`, one self-contained page per engineer that can be mailed to
//! them alone. A self-review writes only the engineer's page, as `index.html`. Pages are
//! askama templates (`templates/`) filled from typed values, never from CSV text read
//! back, and autoescaped: no ticket or person text can become markup.

mod engineer;
mod own;
mod team;
#[cfg(test)]
mod tests;
mod view;

use anyhow::Context;
use askama::Template;
use rayon::prelude::*;

use crate::metrics::feedback::Point;
use crate::metrics::goals::GoalRow;
use crate::metrics::values::WeeklyValues;
use crate::report::charts::{Person, file_id, people_of};
use crate::week::Week;

/// A breached clock as a page lists it (the page's part of a `breaches.csv` row).
#[derive(Debug, Clone)]
pub struct Breach {
    pub week: Week,
    pub engineer: String,
    pub ticket: String,
    pub kind: &'static str,
    pub ticket_type: &'static str,
    pub severity: String,
    /// RFC 3339, or "" for a clock without a deadline.
    pub deadline: String,
    pub escalated_before_deadline: bool,
}

/// Everything the pages are made from.
#[derive(Debug, Clone, Copy)]
pub struct Inputs<'a> {
    /// The window, oldest week first.
    pub weeks: &'a [Week],
    pub as_of: &'a str,
    /// The JIRA base URL for ticket links; "" when not configured.
    pub jira_url: &'a str,
    /// The engineer id when the report is a self-review.
    pub self_review: Option<&'a str>,
    pub values: &'a WeeklyValues,
    pub feedback: &'a [Point],
    pub breaches: &'a [Breach],
    pub goals: &'a [GoalRow],
    /// Who gets a row on the team page and a page of their own: the engineers (SPEC §1:
    /// staff who are not leads); `None`: everyone with a weekly row.
    pub engineers: Option<&'a std::collections::BTreeSet<String>>,
    /// The charts as `(file name, SVG text)`, named as [`crate::report::charts::charts`]
    /// names them; a chart that is absent is left out of the pages.
    pub svgs: &'a [(String, String)],
}

impl Inputs<'_> {
    /// The engineers with weekly rows (never `(unassigned)` or `(team)`), ordered by what a
    /// reader sees, then id; in a self-review only the reviewed engineer, who has a page
    /// even without a row.
    pub fn people(&self) -> Vec<Person> {
        let mut people = people_of(&self.values.engineers, self.self_review, self.engineers);
        if let Some(me) = self.self_review
            && people.is_empty()
        {
            people.push(Person {
                id: me.to_string(),
                name: String::new(),
            });
        }
        people
    }
}

/// Where an engineer's page is written in a team report.
pub fn engineer_page(id: &str) -> String {
    format!("engineers/{}.html", file_id(id))
}

/// The pages of a report.
pub struct Pages {
    /// Every page as `(file name, bytes)`: `index.html` first, then (for the whole team)
    /// the engineers' pages in the order of the team page's table.
    pub files: Vec<(String, Vec<u8>)>,
    /// The team page as a lead's mail carries it, alone (SPEC §5 "can be mailed alone"):
    /// the engineers' names as text, not as links to pages the mail does not hold, and a
    /// line saying where those pages are. `None` for a self-review, whose page links to
    /// no other page.
    pub mailed: Option<Vec<u8>>,
}

/// Every page of the report, and the team page as it is mailed.
pub fn pages(inputs: &Inputs) -> anyhow::Result<Pages> {
    let people = inputs.people();
    // Each table is split by engineer once, not scanned again for every page.
    let by = own::ByEngineer::new(inputs, &people);
    if inputs.self_review.is_some() {
        let page = engineer::EngineerPage::new(inputs, &by, &people[0])
            .render()
            .context("rendering the self-review page")?;
        return Ok(Pages {
            files: vec![("index.html".to_string(), page.into_bytes())],
            mailed: None,
        });
    }
    let mut team = team::TeamPage::new(inputs, &by, &people);
    let index = team.render().context("rendering index.html")?;
    // The report folder is named by its last week (`<out>/<week>/`).
    team.mailed = Some(team.last_week.clone());
    let mailed = team.render().context("rendering index.html as mailed")?;
    let mut files = vec![("index.html".to_string(), index.into_bytes())];
    // Pages are independent: rendered on every core, listed in the table's order.
    let engineers: Vec<(String, Vec<u8>)> = people
        .par_iter()
        .map(|p| {
            let name = engineer_page(&p.id);
            let page = engineer::EngineerPage::new(inputs, &by, p)
                .render()
                .with_context(|| format!("rendering {name}"))?;
            Ok((name, page.into_bytes()))
        })
        .collect::<anyhow::Result<_>>()?;
    files.extend(engineers);
    Ok(Pages {
        files,
        mailed: Some(mailed.into_bytes()),
    })
}
