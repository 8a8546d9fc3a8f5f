//! The pieces both page kinds show, worked out in Rust so the templates only lay them out:
//! numbers already written as the CSVs write them, week-over-week changes coloured by which
//! way is better, ticket links, inline charts. Nothing here is escaped: the templates
//! escape every value they print, except the charts, which supportlens drew itself.

use crate::metrics::columns::{Better, COLUMNS, ColumnDef, Format};
use crate::metrics::goals::GoalRow;
use crate::metrics::values::{ValueRow, format_value};
use crate::week::Week;

/// A ticket key, with the address of the ticket in JIRA when one is configured.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub key: String,
    pub href: Option<String>,
}

impl Ticket {
    /// Linked to `<jira_url>/browse/KEY` only when the URL is http(s), so no other scheme
    /// (`javascript:`) reaches a page; the key is percent-encoded for the path.
    pub fn new(jira_url: &str, key: &str) -> Ticket {
        let base = jira_url.trim_end_matches('/');
        let web = base.starts_with("https://") || base.starts_with("http://");
        let href = web.then(|| {
            let mut href = format!("{base}/browse/");
            for b in key.bytes() {
                if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                    href.push(b as char);
                } else {
                    href.push_str(&format!("%{b:02X}"));
                }
            }
            href
        });
        Ticket {
            key: key.to_string(),
            href,
        }
    }
}

/// An SVG chart as it goes into a page: without the XML prolog and namespace attribute,
/// which HTML implies. Trusted markup: drawn by supportlens, its text escaped by plotters.
#[derive(Debug, Clone)]
pub struct Svg {
    pub markup: String,
}

impl Svg {
    /// The chart `stem` (e.g. `charts/team_trends`) of `svgs`, if drawn.
    pub fn find(svgs: &[(String, String)], stem: &str) -> Option<Svg> {
        let name = format!("{stem}.svg");
        let (_, svg) = svgs.iter().find(|(n, _)| *n == name)?;
        let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
        let start = svg.find("<svg").unwrap_or(0);
        Some(Svg {
            markup: svg[start..].trim_end().to_string(),
        })
    }
}

/// A change from one week to the next, as an arrow and a signed delta.
#[derive(Debug, Clone)]
pub struct Delta {
    pub arrow: &'static str,
    pub text: String,
    /// `good`, `bad` or `flat` (no change, or a column with no better direction).
    pub class: &'static str,
    /// Words for the arrow, for a screen reader and the tooltip.
    pub title: &'static str,
}

/// The change from `before` to `now` of column `def`; None unless both weeks have a value.
pub fn delta(def: &ColumnDef, before: Option<f64>, now: Option<f64>) -> Option<Delta> {
    let d = now? - before?;
    let text = match def.format {
        Format::Pct1 => format!("{d:+.1}"),
        _ => {
            let n = crate::report::csv::num2(d.abs());
            if d < 0.0 {
                format!("−{n}")
            } else {
                format!("+{n}")
            }
        }
    };
    // The values are rounded as written; a difference that rounds to nothing is no change.
    let rounded_zero = text
        .trim_start_matches(['+', '−', '-'])
        .trim_matches(['0', '.'])
        .is_empty();
    if rounded_zero {
        return Some(Delta {
            arrow: "=",
            text: "0".to_string(),
            class: "flat",
            title: "same as the week before",
        });
    }
    let up = d > 0.0;
    let class = match def.better {
        Some(Better::Higher) if up => "good",
        Some(Better::Lower) if !up => "good",
        Some(_) => "bad",
        None => "flat",
    };
    let (arrow, title) = if up {
        ("▲", "up from the week before")
    } else {
        ("▼", "down from the week before")
    };
    Some(Delta {
        arrow,
        text: text.replace('-', "−"),
        class,
        title,
    })
}

/// `≥` for a goal on a column where higher is better, `≤` where lower is.
pub fn goal_sign(metric: &str) -> &'static str {
    match crate::metrics::columns::column(metric).and_then(|(_, c)| c.better) {
        Some(Better::Lower) => "≤",
        _ => "≥",
    }
}

/// A goal's row as a page shows it: the column's label, the value against the goal.
#[derive(Debug, Clone)]
pub struct GoalView {
    pub metric: &'static str,
    pub label: &'static str,
    pub value: String,
    pub goal: String,
    pub sign: &'static str,
    pub met: bool,
}

impl GoalView {
    pub fn new(g: &GoalRow) -> GoalView {
        let def = crate::metrics::columns::column(g.metric).map(|(_, c)| c);
        let show = |v: f64| match def {
            Some(d) => format_value(d, Some(v)),
            None => crate::report::csv::num2(v),
        };
        GoalView {
            metric: g.metric,
            label: def.map_or(g.metric, |d| d.label),
            value: show(g.value),
            goal: crate::report::csv::num2(g.goal),
            sign: goal_sign(g.metric),
            met: g.met,
        }
    }
}

/// A weekly table on its side: one row per column, one column per week.
#[derive(Debug, Clone)]
pub struct Grid {
    pub weeks: Vec<String>,
    pub rows: Vec<GridRow>,
}

/// One metric across the weeks; an empty cell is a week without data.
#[derive(Debug, Clone)]
pub struct GridRow {
    pub name: &'static str,
    pub label: &'static str,
    pub cells: Vec<String>,
}

impl Grid {
    /// The grid of `rows` (one engineer's, or the team's) over `weeks`.
    pub fn new(weeks: &[Week], rows: &[&ValueRow]) -> Grid {
        let of_week: Vec<Option<&ValueRow>> = weeks
            .iter()
            .map(|w| rows.iter().copied().find(|r| r.week == *w))
            .collect();
        Grid {
            weeks: weeks.iter().map(Week::to_string).collect(),
            rows: COLUMNS
                .iter()
                .enumerate()
                .map(|(i, def)| GridRow {
                    name: def.name,
                    label: def.label,
                    cells: of_week
                        .iter()
                        .map(|r| {
                            format_value(def, r.and_then(|r| r.values.get(i).copied().flatten()))
                        })
                        .collect(),
                })
                .collect(),
        }
    }
}

/// The weeks a page lists points and breaches for: the last [`LISTED_WEEKS`] of the window.
/// A longer window (a recompute of two years) keeps every week in the scorecard and the
/// trend sheet and says how many older rows feedback.csv and breaches.csv hold.
pub const LISTED_WEEKS: usize = 8;

/// The first listed week, and how the listed weeks are named in headings.
pub fn listed(weeks: &[Week]) -> (Option<Week>, String) {
    if weeks.len() > LISTED_WEEKS {
        (
            Some(weeks[weeks.len() - LISTED_WEEKS]),
            format!("the last {LISTED_WEEKS} weeks"),
        )
    } else {
        (None, "the window".to_string())
    }
}

/// "2026-W40 – 2026-W47", or the one week.
pub fn window_label(weeks: &[Week]) -> String {
    match (weeks.first(), weeks.last()) {
        (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
        (Some(a), _) => a.to_string(),
        _ => String::new(),
    }
}

/// "8 weeks", "1 week".
pub fn weeks_count(n: usize) -> String {
    format!("{n} week{}", if n == 1 { "" } else { "s" })
}
