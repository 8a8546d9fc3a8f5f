//! `index.html` for the whole team: the window and as-of, the team's charts, goals and
//! summary, and one row per engineer with the last week's main numbers, their change from
//! the week before, the goals they missed and a link to their page.

use askama::Template;

use super::own::ByEngineer;
use super::view::{Delta, GoalView, Grid, Svg, delta, goal_sign, weeks_count, window_label};
use super::{Inputs, engineer_page};
use crate::metrics::columns::COLUMNS;
use crate::metrics::columns::Col;
use crate::metrics::values::{ValueRow, format_value};
use crate::report::charts::{ESCALATION_LEAD, Person, TEAM_TRENDS, WEEK_BREACHES};
use crate::week::Week;

/// The columns of the engineers' table, each with the last week's value and its change:
/// the numbers a weekly review opens with.
const MAIN: [Col; 9] = [
    Col::Score,
    Col::AckSlaPct,
    Col::AckP90Min,
    Col::UpdateSlaPct,
    Col::SlaBreaches,
    Col::Resolved,
    Col::ContinuityPct,
    Col::HoursLogged,
    Col::SameDayLogPct,
];

/// A main column's heading.
pub struct Head {
    pub name: &'static str,
    pub label: &'static str,
    /// "higher is better" or "lower is better", for the tooltip.
    pub better: &'static str,
}

/// One cell of the engineers' table.
pub struct Cell {
    pub value: String,
    pub delta: Option<Delta>,
}

/// One engineer's row.
pub struct Row {
    pub label: String,
    /// The id, shown when the row's label is a display name.
    pub id: Option<String>,
    pub href: String,
    pub cells: Vec<Cell>,
    /// The columns of the goals missed in the last week.
    pub missed: Vec<GoalView>,
}

/// A goal over the last week: the team's value against it and how many engineers missed it.
pub struct TeamGoal {
    pub goal: GoalView,
    pub engineers_missed: usize,
    pub engineers_with_value: usize,
}

/// The team page.
#[derive(Template)]
#[template(path = "team.html")]
pub struct TeamPage {
    pub title: String,
    pub window: String,
    pub weeks_count: String,
    pub last_week: String,
    pub as_of: String,
    pub charts: Vec<Svg>,
    pub goals: Vec<TeamGoal>,
    pub heads: Vec<Head>,
    pub rows: Vec<Row>,
    pub grid: Grid,
    pub version: &'static str,
    /// Set to the report folder's name (its week) for the copy a lead is mailed: the
    /// engineers' pages are not in the mail, so their names are not links to them.
    pub mailed: Option<String>,
}

impl TeamPage {
    /// The team page of `people`, whose rows `by` groups.
    pub fn new(inputs: &Inputs, by: &ByEngineer, people: &[Person]) -> TeamPage {
        let weeks = inputs.weeks;
        let last = weeks.last().copied();
        let before = weeks.len().checked_sub(2).map(|i| weeks[i]);
        let window = window_label(weeks);
        let heads = MAIN
            .iter()
            .map(|col| col.def())
            .map(|def| Head {
                name: def.name,
                label: def.label,
                better: match def.better {
                    Some(crate::metrics::columns::Better::Higher) => "higher is better",
                    Some(crate::metrics::columns::Better::Lower) => "lower is better",
                    None => "",
                },
            })
            .collect::<Vec<_>>();
        let rows = people
            .iter()
            .map(|p| {
                let own = by.of(&p.id);
                let (now, prev) = (row_of(&own.rows, last), row_of(&own.rows, before));
                let cells = MAIN
                    .iter()
                    .map(|&col| {
                        let def = col.def();
                        let at = |r: Option<&ValueRow>| r.and_then(|r| r.value(col));
                        Cell {
                            value: format_value(def, at(now)),
                            delta: delta(def, at(prev), at(now)),
                        }
                    })
                    .collect();
                let missed = own
                    .goals
                    .iter()
                    .filter(|g| Some(g.week) == last && !g.met)
                    .map(|g| GoalView::new(g))
                    .collect();
                Row {
                    label: p.label().to_string(),
                    id: (p.label() != p.id).then(|| p.id.clone()),
                    href: engineer_page(&p.id),
                    cells,
                    missed,
                }
            })
            .collect();
        let team_rows: Vec<&ValueRow> = inputs.values.team.iter().collect();
        TeamPage {
            title: format!("Support team review, {window}"),
            window,
            weeks_count: weeks_count(weeks.len()),
            last_week: last.map(|w| w.to_string()).unwrap_or_default(),
            as_of: inputs.as_of.to_string(),
            charts: [TEAM_TRENDS, WEEK_BREACHES, ESCALATION_LEAD]
                .iter()
                .filter_map(|stem| Svg::find(inputs.svgs, stem))
                .collect(),
            goals: team_goals(inputs, by),
            heads,
            rows,
            grid: Grid::new(weeks, &team_rows),
            version: env!("CARGO_PKG_VERSION"),
            mailed: None,
        }
    }
}

/// The first of an engineer's `rows` in `week`.
fn row_of<'a>(rows: &[&'a ValueRow], week: Option<Week>) -> Option<&'a ValueRow> {
    let week = week?;
    rows.iter().copied().find(|r| r.week == week)
}

/// The team's goals in the last week, in column order: the team row's value against the
/// goal, and how many of the listed engineers (those `by` groups) missed it. A goal the
/// team row has no value for still shows how the engineers did.
fn team_goals(inputs: &Inputs, by: &ByEngineer) -> Vec<TeamGoal> {
    let Some(last) = inputs.weeks.last() else {
        return Vec::new();
    };
    let of_week: Vec<_> = inputs.goals.iter().filter(|g| g.week == *last).collect();
    let mut out = Vec::new();
    for def in COLUMNS {
        let rows: Vec<_> = of_week.iter().filter(|g| g.metric == def.name).collect();
        if rows.is_empty() {
            continue;
        }
        let engineers: Vec<_> = rows.iter().filter(|g| by.has(&g.engineer)).collect();
        let goal = match rows
            .iter()
            .find(|g| g.engineer == crate::metrics::weekly::TEAM)
        {
            Some(team) => GoalView::new(team),
            None => GoalView {
                metric: def.name,
                label: def.label,
                value: String::new(),
                goal: crate::report::csv::num2(rows[0].goal),
                sign: goal_sign(def.name),
                met: true,
            },
        };
        out.push(TeamGoal {
            goal,
            engineers_missed: engineers.iter().filter(|g| !g.met).count(),
            engineers_with_value: engineers.len(),
        });
    }
    out
}
