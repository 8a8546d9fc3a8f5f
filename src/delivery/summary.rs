//! The few lines a message says about the last week (SPEC §7): the main numbers against
//! the week before, the goals missed, and how many improvement points there are; as plain
//! text, as HTML and as a Slack line. Built from the report's typed values, so a message
//! shows exactly the numbers of the CSV files and pages.
//!
//! An engineer's summary is built from their own row, goals and points only: it names no
//! one else.

use std::collections::BTreeSet;
use std::fmt::Write as _;

use crate::metrics::columns::{Col, column};
use crate::metrics::feedback::{Kind as PointKind, Point};
use crate::metrics::goals::GoalRow;
use crate::metrics::values::{self, ValueRow, WeeklyValues};
use crate::metrics::weekly::TEAM;
use crate::week::Week;

/// The columns a summary shows, in this order: the handbook's main promises.
const SHOWN: [Col; 10] = [
    Col::SlaBreaches,
    Col::AckSlaPct,
    Col::UpdateSlaPct,
    Col::AckP90Min,
    Col::SilentBreaches,
    Col::Resolved,
    Col::ContinuityPct,
    Col::HoursLogged,
    Col::SameDayLogPct,
    Col::Score,
];

/// The most goals missed a message lists one by one; a large team's review would
/// otherwise open with a page of them.
const LISTED: usize = 20;

/// One number of the summary: this week and the week before, as the CSV writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub label: &'static str,
    pub unit: &'static str,
    pub now: String,
    pub before: String,
}

/// A goal missed in the week: whose (empty for an engineer's own summary), what, and
/// the numbers as the weekly file writes them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Missed {
    pub who: String,
    pub label: &'static str,
    pub unit: &'static str,
    pub value: String,
    pub goal: String,
}

/// What a message says about one week, for the team or one engineer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub week: Week,
    pub figures: Vec<Figure>,
    pub missed: Vec<Missed>,
    pub improvements: usize,
}

impl Summary {
    /// The team's week: the `(team)` rows, every goal missed by the team or one of
    /// `engineers` (named; the team page counts the same rows), every improvement point.
    pub fn team(
        week: Week,
        values: &WeeklyValues,
        goals: &[GoalRow],
        points: &[Point],
        engineers: &BTreeSet<String>,
    ) -> Summary {
        let row = |w: Week| values.team.iter().find(|r| r.week == w);
        let name_of = |id: &str| -> String {
            if id == TEAM {
                return "The team".to_string();
            }
            let name = values
                .engineers
                .iter()
                .find(|r| r.engineer == id && !r.name.is_empty())
                .map_or(id, |r| r.name.as_str());
            // Isolated (FSI … PDI) where it could turn around the numbers after it.
            crate::bidi::isolated(name).into_owned()
        };
        Summary {
            week,
            figures: figures(row(week), row(week.prev())),
            missed: missed(goals, week, |g| {
                (g.engineer == TEAM || engineers.contains(&g.engineer))
                    .then(|| name_of(&g.engineer))
            }),
            improvements: improvements(points, week, |_| true),
        }
    }

    /// Engineer `id`'s week: their rows, their goals and their points only.
    pub fn engineer(
        id: &str,
        week: Week,
        values: &WeeklyValues,
        goals: &[GoalRow],
        points: &[Point],
    ) -> Summary {
        let row = |w: Week| {
            values
                .engineers
                .iter()
                .find(|r| r.week == w && r.engineer == id)
        };
        Summary {
            week,
            figures: figures(row(week), row(week.prev())),
            missed: missed(goals, week, |g| (g.engineer == id).then(String::new)),
            improvements: improvements(points, week, |p| p.engineer == id),
        }
    }

    /// The summary as plain text under `heading`, ending with `closing`.
    pub fn text(&self, heading: &str, whose: &str, closing: &str) -> String {
        let mut out = format!("{heading}\n\n");
        let _ = writeln!(
            out,
            "{whose} in {}, against {}:",
            self.week,
            self.week.prev()
        );
        let width = self
            .figures
            .iter()
            .map(|f| f.label.chars().count())
            .max()
            .unwrap_or(0);
        for f in &self.figures {
            let _ = writeln!(
                out,
                "  {:width$}  {} (week before: {})",
                f.label,
                with_unit(&f.now, f.unit),
                with_unit(&f.before, f.unit),
            );
        }
        let _ = writeln!(
            out,
            "\nGoals missed in {}: {}",
            self.week,
            self.missed.len()
        );
        for m in self.missed.iter().take(LISTED) {
            let _ = writeln!(out, "  - {}", m.line());
        }
        if let Some(more) = self.unlisted() {
            let _ = writeln!(out, "  - {more}");
        }
        let _ = writeln!(
            out,
            "Improvement points in {}: {}\n\n{closing}",
            self.week, self.improvements
        );
        out
    }

    /// The summary as a small HTML document (the mail's rich part).
    pub fn html(&self, heading: &str, whose: &str, closing: &str) -> String {
        let mut out = String::from(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family:sans-serif\">\n",
        );
        let _ = writeln!(out, "<h2>{}</h2>", escape(heading));
        let _ = writeln!(
            out,
            "<p>{} in {}, against {}:</p>\n<table cellpadding=\"4\">\n\
             <tr><th align=\"left\"></th><th align=\"right\">{}</th><th align=\"right\">{}</th></tr>",
            escape(whose),
            self.week,
            self.week.prev(),
            self.week,
            self.week.prev()
        );
        for f in &self.figures {
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td align=\"right\">{}</td><td align=\"right\">{}</td></tr>",
                escape(f.label),
                escape(&with_unit(&f.now, f.unit)),
                escape(&with_unit(&f.before, f.unit))
            );
        }
        let _ = writeln!(
            out,
            "</table>\n<p>Goals missed in {}: <b>{}</b></p>",
            self.week,
            self.missed.len()
        );
        if !self.missed.is_empty() {
            out.push_str("<ul>\n");
            for m in self.missed.iter().take(LISTED) {
                let _ = writeln!(out, "<li>{}</li>", escape(&m.line()));
            }
            if let Some(more) = self.unlisted() {
                let _ = writeln!(out, "<li>{}</li>", escape(&more));
            }
            out.push_str("</ul>\n");
        }
        let _ = writeln!(
            out,
            "<p>Improvement points in {}: <b>{}</b></p>\n<p>{}</p>\n</body></html>",
            self.week,
            self.improvements,
            escape(closing)
        );
        out
    }

    /// The team summary in a few lines of Slack markup (`*bold*`; `&`, `<`, `>` escaped
    /// as Slack asks). It names no engineer: a channel is wider than the review.
    pub fn slack(&self) -> String {
        let figures: Vec<String> = self
            .figures
            .iter()
            .map(|f| {
                format!(
                    "{} {} (was {})",
                    f.label,
                    with_unit(&f.now, f.unit),
                    with_unit(&f.before, f.unit)
                )
            })
            .collect();
        let text = format!(
            "*supportlens: team review {}*\n{}\nGoals missed: {} · Improvement points: {}",
            self.week,
            figures.join(" · "),
            self.missed.len(),
            self.improvements
        );
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
}

impl Summary {
    /// "and 7 more in goals.csv" past the first [`LISTED`] goals missed.
    fn unlisted(&self) -> Option<String> {
        let more = self.missed.len().checked_sub(LISTED).filter(|&n| n > 0)?;
        Some(format!("and {more} more: goals.csv lists every goal"))
    }
}

impl Missed {
    fn line(&self) -> String {
        let what = format!(
            "{} {}, goal {}",
            self.label,
            with_unit(&self.value, self.unit),
            with_unit(&self.goal, self.unit)
        );
        if self.who.is_empty() {
            what
        } else {
            format!("{}: {what}", self.who)
        }
    }
}

/// The shown columns of `now` and `before`; "n/a" where a week has no row or no samples.
fn figures(now: Option<&ValueRow>, before: Option<&ValueRow>) -> Vec<Figure> {
    SHOWN
        .iter()
        .map(|&col| {
            let def = col.def();
            let cell = |r: Option<&ValueRow>| {
                let v = values::format_value(def, r.and_then(|r| r.value(col)));
                if v.is_empty() { "n/a".to_string() } else { v }
            };
            Figure {
                label: bare_label(def.label, def.unit),
                unit: def.unit,
                now: cell(now),
                before: cell(before),
            }
        })
        .collect()
}

/// The goals of `week` not met, for the rows `who` names (None: not shown).
fn missed(goals: &[GoalRow], week: Week, who: impl Fn(&GoalRow) -> Option<String>) -> Vec<Missed> {
    goals
        .iter()
        .filter(|g| g.week == week && !g.met)
        .filter_map(|g| {
            let who = who(g)?;
            let (_, def) = column(g.metric)?;
            Some(Missed {
                who,
                label: bare_label(def.label, def.unit),
                unit: def.unit,
                value: values::format_value(def, Some(g.value)),
                goal: goal_text(def, g.goal),
            })
        })
        .collect()
}

fn improvements(points: &[Point], week: Week, mine: impl Fn(&Point) -> bool) -> usize {
    points
        .iter()
        .filter(|p| p.week == week && p.kind == PointKind::Improve && mine(p))
        .count()
}

/// A page's label without the unit it carries ("Acks within SLA (%)" → "Acks within
/// SLA"), since the summary writes the unit after each number.
fn bare_label(label: &'static str, unit: &str) -> &'static str {
    if unit.is_empty() {
        return label;
    }
    label.strip_suffix(&format!(" ({unit})")).unwrap_or(label)
}

/// "92.3 %", "4", "n/a".
fn with_unit(value: &str, unit: &str) -> String {
    if unit.is_empty() || value == "n/a" {
        value.to_string()
    } else {
        format!("{value} {unit}")
    }
}

/// A goal written like its column when that loses nothing (`95.0`), else as a number
/// (`0.5` of a count, `95.25` of a percentage): never rounded to a different goal.
fn goal_text(def: &crate::metrics::columns::ColumnDef, goal: f64) -> String {
    let like_column = values::format_value(def, Some(goal));
    if like_column.parse::<f64>() == Ok(goal) {
        like_column
    } else {
        crate::report::csv::num2(goal)
    }
}

/// Text made inert inside HTML: `& < > " '` as entities.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A goal keeps its own precision: 0.5 late logs is not "1", 95.25 % is not "95.2 %".
    #[test]
    fn goals_are_written_as_configured() {
        assert_eq!(goal_text(Col::LateLogs.def(), 0.0), "0");
        assert_eq!(goal_text(Col::LateLogs.def(), 0.5), "0.5");
        assert_eq!(goal_text(Col::AckSlaPct.def(), 95.0), "95.0");
        assert_eq!(goal_text(Col::AckSlaPct.def(), 95.25), "95.25");
        assert_eq!(goal_text(Col::HoursLogged.def(), 37.5), "37.5");
    }

    #[test]
    fn past_twenty_goals_missed_the_rest_are_counted() {
        let missed = |n: usize| Missed {
            who: format!("E{n}"),
            label: "Late logs",
            unit: "",
            value: "2".into(),
            goal: "0".into(),
        };
        let summary = Summary {
            week: "2026-W47".parse().unwrap(),
            figures: vec![],
            missed: (1..=23).map(missed).collect(),
            improvements: 0,
        };
        let text = summary.text("h", "The team", "c");
        assert!(
            text.contains(
                "  - E20: Late logs 2, goal 0\n  - and 3 more: goals.csv lists every goal\n"
            ),
            "{text}"
        );
        assert!(!text.contains("E21"));
        let html = summary.html("h", "The team", "c");
        assert!(
            html.contains("<li>and 3 more: goals.csv lists every goal</li>"),
            "{html}"
        );
        assert_eq!(
            Summary {
                missed: (1..=20).map(missed).collect(),
                ..summary
            }
            .unlisted(),
            None
        );
    }

    /// The lead's mail counts the goals the team page counts: the team's and the
    /// engineers', not a lead's or a customer's who has a weekly row.
    #[test]
    fn the_team_mail_lists_goals_missed_by_the_team_and_engineers_only() {
        let week: Week = "2026-W47".parse().unwrap();
        let row = |engineer: &str, name: &str| ValueRow {
            week,
            engineer: engineer.into(),
            name: name.into(),
            values: vec![None; crate::metrics::columns::COLUMNS.len()],
        };
        let values = WeeklyValues {
            engineers: vec![row("ann", "Ann Archer"), row("lee", "Lee Lead")],
            team: vec![row(TEAM, "")],
        };
        let late = |engineer: &str| GoalRow {
            week,
            engineer: engineer.into(),
            metric: Col::LateLogs.name(),
            value: 2.0,
            goal: 0.0,
            met: false,
        };
        let goals = [late(TEAM), late("ann"), late("lee")];
        let engineers: BTreeSet<String> = ["ann".to_string()].into();
        let summary = Summary::team(week, &values, &goals, &[], &engineers);
        let who: Vec<&str> = summary.missed.iter().map(|m| m.who.as_str()).collect();
        assert_eq!(who, ["The team", "Ann Archer"]);
    }

    /// A name is JIRA's text: a bidi control in it (U+202E, right-to-left override) would
    /// turn the numbers after it on the line around ("2" and "0" read the same, "80.0"
    /// would read "0.08"). Each name is isolated (U+2068 … U+2069), so its direction ends
    /// with it, in the text and in the HTML alike.
    #[test]
    fn a_name_with_a_bidi_override_turns_no_number_around() {
        let week: Week = "2026-W47".parse().unwrap();
        let values = WeeklyValues {
            engineers: vec![ValueRow {
                week,
                engineer: "ann".into(),
                name: "\u{202E}Ann".into(),
                values: vec![None; crate::metrics::columns::COLUMNS.len()],
            }],
            team: vec![],
        };
        let goals = [GoalRow {
            week,
            engineer: "ann".into(),
            metric: Col::AckSlaPct.name(),
            value: 80.0,
            goal: 95.0,
            met: false,
        }];
        let engineers: BTreeSet<String> = ["ann".to_string()].into();
        let summary = Summary::team(week, &values, &goals, &[], &engineers);
        let line = "\u{2068}\u{202E}Ann\u{2069}: Acks within SLA 80.0 %, goal 95.0 %";
        assert!(
            summary
                .text("h", "The team", "c")
                .contains(&format!("  - {line}\n")),
            "{}",
            summary.text("h", "The team", "c")
        );
        assert!(
            summary
                .html("h", "The team", "c")
                .contains(&format!("<li>{line}</li>"))
        );
    }
}
