//! An engineer's page (`engineers/<file id>.html`, or `index.html` of a self-review): their
//! last week next to the week before and their own median, the goals they met and missed,
//! their trend sheet against the team, the scorecard over the window, plus and improvement
//! points with ticket keys, and breaches. It names nobody else: the only reference is the
//! team's aggregates.

use askama::Template;

use super::own::ByEngineer;
use super::view::{
    Delta, GoalView, Grid, Svg, Ticket, delta, goal_sign, listed, weeks_count, window_label,
};
use super::{Breach, Inputs};
use crate::metrics::columns::COLUMNS;
use crate::metrics::feedback::Kind;
use crate::metrics::goals::GoalRow;
use crate::metrics::values::{ValueRow, format_value};
use crate::report::charts::{ESCALATION_LEAD, Person, TEAM_TRENDS, WEEK_BREACHES, engineer_chart};

/// One column in the "this week" panel.
pub struct ThisWeek {
    pub name: &'static str,
    pub label: &'static str,
    pub now: String,
    pub before: String,
    pub delta: Option<Delta>,
    pub median: String,
    pub goal: Option<GoalView>,
}

/// A goal over the window: the last week's result and how often it was met.
pub struct GoalOverWindow {
    pub label: &'static str,
    pub metric: &'static str,
    pub sign: &'static str,
    pub goal: String,
    /// The last week's value against the goal; None without a value that week.
    pub last: Option<GoalView>,
    pub met_weeks: usize,
    pub weeks_with_value: usize,
}

/// A plus or improvement point.
pub struct PointView {
    pub week: String,
    pub metric: &'static str,
    pub message: String,
    pub tickets: Vec<Ticket>,
}

/// The plus or the improvement points of the listed weeks, newest week first.
pub struct PointList {
    pub kind: &'static str,
    pub heading: &'static str,
    pub points: Vec<PointView>,
    /// How many more feedback.csv holds in earlier weeks of the window.
    pub older: usize,
}

/// A breached clock.
pub struct BreachView {
    pub week: String,
    pub ticket: Ticket,
    pub kind: &'static str,
    pub ticket_type: &'static str,
    pub severity: String,
    pub deadline: String,
    pub escalated: &'static str,
}

/// An engineer's page.
#[derive(Template)]
#[template(path = "engineer.html")]
pub struct EngineerPage {
    pub title: String,
    pub label: String,
    /// The id, shown when the label is a display name.
    pub id: Option<String>,
    pub self_review: bool,
    pub window: String,
    pub weeks_count: String,
    pub last_week: String,
    pub before_week: String,
    pub as_of: String,
    pub this_week: Vec<ThisWeek>,
    pub goals: Vec<GoalOverWindow>,
    pub sheet: Option<Svg>,
    /// The team's charts, in a self-review (whose index.html is this page).
    pub team_charts: Vec<Svg>,
    pub grid: Grid,
    /// "the window" or "the last 8 weeks".
    pub listed: String,
    pub points: [PointList; 2],
    pub breaches: Vec<BreachView>,
    pub breaches_older: usize,
    pub version: &'static str,
}

impl EngineerPage {
    /// The page of `p`, from their rows in `by` (grouped from `inputs`).
    pub fn new(inputs: &Inputs, by: &ByEngineer, p: &Person) -> EngineerPage {
        let weeks = inputs.weeks;
        let last = weeks.last().copied();
        let before = weeks.len().checked_sub(2).map(|i| weeks[i]);
        let window = window_label(weeks);
        let own = by.of(&p.id);
        let mine: &[&ValueRow] = &own.rows;
        let at =
            |week: Option<crate::week::Week>| mine.iter().copied().find(|r| Some(r.week) == week);
        let (now, prev) = (at(last), at(before));
        let goals_of_mine: &[&GoalRow] = &own.goals;
        let this_week = COLUMNS
            .iter()
            .enumerate()
            .map(|(i, def)| {
                let value =
                    |r: Option<&ValueRow>| r.and_then(|r| r.values.get(i).copied().flatten());
                let all: Vec<f64> = mine.iter().filter_map(|r| value(Some(*r))).collect();
                ThisWeek {
                    name: def.name,
                    label: def.label,
                    now: format_value(def, value(now)),
                    before: format_value(def, value(prev)),
                    delta: delta(def, value(prev), value(now)),
                    // A median of counts can fall between two (2.5): written as a number.
                    median: match crate::metrics::tally::percentile(&all, 0.5) {
                        Some(m) if def.format == crate::metrics::columns::Format::Count => {
                            crate::report::csv::num2(m)
                        }
                        m => format_value(def, m),
                    },
                    goal: goals_of_mine
                        .iter()
                        .find(|g| Some(g.week) == last && g.metric == def.name)
                        .map(|g| GoalView::new(g)),
                }
            })
            .collect();
        let goals = COLUMNS
            .iter()
            .filter_map(|def| {
                let rows: Vec<_> = goals_of_mine
                    .iter()
                    .filter(|g| g.metric == def.name)
                    .collect();
                let goal = by.target(def.name)?;
                Some(GoalOverWindow {
                    label: def.label,
                    metric: def.name,
                    sign: goal_sign(def.name),
                    goal: crate::report::csv::num2(goal),
                    last: rows
                        .iter()
                        .find(|g| Some(g.week) == last)
                        .map(|g| GoalView::new(g)),
                    met_weeks: rows.iter().filter(|g| g.met).count(),
                    weeks_with_value: rows.len(),
                })
            })
            .collect();
        let (since, listed_name) = listed(weeks);
        let in_listed = |w: crate::week::Week| since.is_none_or(|s| w >= s);
        let points = |kind: Kind, heading: &'static str| -> PointList {
            let of_kind: Vec<_> = own.feedback.iter().filter(|f| f.kind == kind).collect();
            let mut shown: Vec<PointView> = of_kind
                .iter()
                .filter(|f| in_listed(f.week))
                .map(|f| PointView {
                    week: f.week.to_string(),
                    metric: f.metric,
                    message: f.message.clone(),
                    tickets: f
                        .tickets
                        .iter()
                        .map(|k| Ticket::new(inputs.jira_url, k))
                        .collect(),
                })
                .collect();
            // Newest week first; a week's points keep their order.
            shown.sort_by(|a, b| b.week.cmp(&a.week));
            PointList {
                kind: kind.as_str(),
                heading,
                older: of_kind.len() - shown.len(),
                points: shown,
            }
        };
        let points = [
            points(Kind::Plus, "Plus points"),
            points(Kind::Improve, "To improve"),
        ];
        let my_breaches: &[&Breach] = &own.breaches;
        let breaches: Vec<BreachView> = my_breaches
            .iter()
            .filter(|b| in_listed(b.week))
            .map(|b| BreachView {
                week: b.week.to_string(),
                ticket: Ticket::new(inputs.jira_url, &b.ticket),
                kind: b.kind,
                ticket_type: b.ticket_type,
                severity: b.severity.clone(),
                deadline: b.deadline.clone(),
                escalated: if b.escalated_before_deadline {
                    "yes"
                } else {
                    "no"
                },
            })
            .collect();
        let self_review = inputs.self_review.is_some();
        // The name isolated (FSI … PDI) where it could turn the window after it around: a
        // title holds no markup for `<bdi>`.
        let name = crate::bidi::isolated(p.label()).into_owned();
        let title = if self_review {
            format!("Self-review of {name}, {window}")
        } else {
            format!("{name}: weekly review, {window}")
        };
        EngineerPage {
            title,
            label: p.label().to_string(),
            id: (p.label() != p.id).then(|| p.id.clone()),
            self_review,
            window,
            weeks_count: weeks_count(weeks.len()),
            last_week: last.map(|w| w.to_string()).unwrap_or_default(),
            before_week: before.map(|w| w.to_string()).unwrap_or_default(),
            as_of: inputs.as_of.to_string(),
            this_week,
            goals,
            sheet: Svg::find(inputs.svgs, &engineer_chart(&p.id)),
            team_charts: if self_review {
                [TEAM_TRENDS, WEEK_BREACHES, ESCALATION_LEAD]
                    .iter()
                    .filter_map(|stem| Svg::find(inputs.svgs, stem))
                    .collect()
            } else {
                Vec::new()
            },
            grid: Grid::new(weeks, mine),
            listed: listed_name,
            points,
            breaches_older: my_breaches.len() - breaches.len(),
            breaches,
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}
