//! What each chart shows: picks the columns out of the tables and describes the chart
//! (panels, series, bars, bins) without drawing it. A chart or panel whose columns are
//! missing is left out.

use std::collections::HashMap;

use plotters::style::RGBColor;

use super::table::{Inputs, Table, UNASSIGNED};

pub const BLUE: RGBColor = RGBColor(31, 119, 180);
pub const ORANGE: RGBColor = RGBColor(230, 126, 34);
pub const PURPLE: RGBColor = RGBColor(142, 68, 173);
pub const GREEN: RGBColor = RGBColor(39, 174, 96);
pub const GREY: RGBColor = RGBColor(120, 120, 120);
pub const RED: RGBColor = RGBColor(200, 40, 40);
pub const AMBER: RGBColor = RGBColor(190, 140, 0);
/// Goal lines: a dark teal no series uses.
pub const TEAL: RGBColor = RGBColor(0, 128, 128);

/// The colours of target lines, in the order of [`Inputs::ack_targets`].
const TARGET_COLORS: [RGBColor; 3] = [RED, AMBER, GREY];

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Mark {
    Line,
    DashedLine,
    /// Bars of one panel are stacked in series order.
    Bar,
}

/// Values over the window's weeks, one per week; None is "no data" (a gap, no bar).
#[derive(Debug, Clone)]
pub struct Series {
    pub label: String,
    pub values: Vec<Option<f64>>,
    pub color: RGBColor,
    pub mark: Mark,
}

/// One chart of a sheet: weeks on x, one quantity with its unit on y.
#[derive(Debug, Clone)]
pub struct Panel {
    pub title: String,
    pub y_desc: String,
    /// A 0–100 axis instead of one fitted to the values.
    pub percent: bool,
    pub series: Vec<Series>,
    /// Horizontal reference lines: legend label, value and colour.
    pub targets: Vec<(String, f64, RGBColor)>,
}

/// A titled grid of week panels.
#[derive(Debug, Clone)]
pub struct Sheet {
    pub title: String,
    /// One legend under the title when every panel shows the same series; empty when each
    /// panel has its own.
    pub legend: Vec<(String, RGBColor, Mark)>,
    pub panels: Vec<Panel>,
}

/// Horizontal stacked bars, one row per label, top to bottom.
#[derive(Debug, Clone)]
pub struct Bars {
    pub title: String,
    pub x_desc: String,
    /// The stacked parts: legend label and colour.
    pub parts: Vec<(String, RGBColor)>,
    /// Row label and one value per part.
    pub rows: Vec<(String, Vec<f64>)>,
}

/// Counts of values in equal bins, with the SLA deadline (0) marked.
#[derive(Debug, Clone)]
pub struct Histogram {
    pub title: String,
    pub x_desc: String,
    pub y_desc: String,
    /// Bin start, bin end, count; bins edge on 0, so each is wholly before or after it.
    pub bins: Vec<(f64, f64, usize)>,
}

/// One chart, ready to draw on any backend.
#[derive(Debug, Clone)]
pub enum Chart {
    Sheet(Sheet),
    Bars(Bars),
    Histogram(Histogram),
}

fn series(label: &str, values: Vec<Option<f64>>, color: RGBColor, mark: Mark) -> Series {
    Series {
        label: label.to_string(),
        values,
        color,
        mark,
    }
}

/// One line per ticket type with an ack target: the team's ack p90 pools every type, so
/// each type's target is shown, not one of them.
fn ack_targets(inputs: &Inputs) -> Vec<(String, f64, RGBColor)> {
    inputs
        .ack_targets
        .iter()
        .zip(TARGET_COLORS.iter().cycle())
        .map(|((kind, t), color)| (format!("{kind} target {} min", super::num(*t)), *t, *color))
        .collect()
}

/// The goal line of column `col`, if a goal is set on it: "goal ≥ 95" or "goal ≤ 0".
fn goal_line(inputs: &Inputs, col: &str) -> Option<(String, f64, RGBColor)> {
    let (metric, target) = inputs.goals.iter().find(|(m, _)| *m == col)?;
    let sign = match crate::report::pages::seam::column(metric).and_then(|(_, c)| c.better) {
        Some(crate::report::pages::seam::Better::Lower) => "≤",
        _ => "≥",
    };
    Some((
        format!("goal {sign} {}", super::num(*target)),
        *target,
        TEAL,
    ))
}

/// Team trends: ack p90 against its target, SLA breaches by kind, call minutes and
/// continuity, each panel only when its columns exist.
pub fn team_trends(inputs: &Inputs) -> Option<Chart> {
    let t = inputs.team_weekly;
    let w = inputs.weeks;
    let mut panels = Vec::new();
    if t.has_all(&["ack_p90_min"]) {
        panels.push(Panel {
            title: "Ack latency, 90th percentile".into(),
            y_desc: "minutes".into(),
            percent: false,
            series: vec![series(
                "team ack p90",
                t.weekly(w, None, "ack_p90_min"),
                BLUE,
                Mark::Line,
            )],
            targets: ack_targets(inputs)
                .into_iter()
                .chain(goal_line(inputs, "ack_p90_min"))
                .collect(),
        });
    }
    let breach_series = if t.has_all(&["ack_breaches", "update_breaches"]) {
        vec![
            series("ack", t.weekly(w, None, "ack_breaches"), ORANGE, Mark::Bar),
            series(
                "update",
                t.weekly(w, None, "update_breaches"),
                PURPLE,
                Mark::Bar,
            ),
        ]
    } else if t.has_all(&["sla_breaches"]) {
        vec![series(
            "all",
            t.weekly(w, None, "sla_breaches"),
            ORANGE,
            Mark::Bar,
        )]
    } else {
        vec![]
    };
    if !breach_series.is_empty() {
        panels.push(Panel {
            title: "SLA breaches by kind".into(),
            y_desc: "breaches".into(),
            percent: false,
            series: breach_series,
            // The stacked bars add up to all breaches.
            targets: goal_line(inputs, "sla_breaches").into_iter().collect(),
        });
    }
    if t.has_all(&["call_minutes_reported"]) {
        panels.push(Panel {
            title: "Call time reported".into(),
            y_desc: "minutes".into(),
            percent: false,
            series: vec![series(
                "call minutes",
                t.weekly(w, None, "call_minutes_reported"),
                GREEN,
                Mark::Bar,
            )],
            targets: goal_line(inputs, "call_minutes_reported")
                .into_iter()
                .collect(),
        });
    }
    if t.has_all(&["continuity_pct"]) {
        panels.push(Panel {
            title: "Ownership continuity".into(),
            y_desc: "% resolved by sole owner".into(),
            percent: true,
            series: vec![series(
                "continuity",
                t.weekly(w, None, "continuity_pct"),
                BLUE,
                Mark::Line,
            )],
            targets: goal_line(inputs, "continuity_pct").into_iter().collect(),
        });
    }
    (!panels.is_empty()).then(|| {
        Chart::Sheet(Sheet {
            title: format!("Team trends, {}", inputs.window_label()),
            legend: Vec::new(),
            panels,
        })
    })
}

/// Stacked parts (legend label, colour) and the columns that fill them.
type Parts = (Vec<(String, RGBColor)>, Vec<&'static str>);

/// The breach columns of one row: ack and update when both exist, else all breaches.
fn breach_parts(table: &Table) -> Option<Parts> {
    if table.has_all(&["ack_breaches", "update_breaches"]) {
        Some((
            vec![("ack".into(), ORANGE), ("update".into(), PURPLE)],
            vec!["ack_breaches", "update_breaches"],
        ))
    } else if table.has_all(&["sla_breaches"]) {
        Some((vec![("SLA breaches".into(), ORANGE)], vec!["sla_breaches"]))
    } else {
        None
    }
}

/// The last week's SLA breaches per engineer (most first), or in a self-review the
/// engineer against the whole team.
pub fn week_breaches(inputs: &Inputs) -> Option<Chart> {
    let last = inputs.weeks.last()?;
    let table = inputs.engineer_weekly;
    let (parts, columns) = breach_parts(table)?;
    let values = |t: &Table, r: &[String]| -> Vec<f64> {
        columns.iter().map(|c| t.num(r, c).unwrap_or(0.0)).collect()
    };
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let people = inputs.people();
    for row in table.rows_where("week", last) {
        if !inputs.visible(table, row) {
            continue;
        }
        let id = table.text(row, "engineer").unwrap_or("");
        let label = match people.iter().find(|p| p.id == id) {
            Some(p) => p.label().to_string(),
            None if id == UNASSIGNED => id.to_string(),
            None => continue,
        };
        rows.push((label, values(table, row)));
    }
    let title = if let Some(id) = inputs.self_review {
        let team = inputs.team_weekly;
        if breach_parts(team).map(|(_, c)| c) != Some(columns.clone()) {
            return None;
        }
        let who = people
            .iter()
            .find(|p| p.id == id)
            .map_or(id, |p| p.label())
            .to_string();
        if rows.is_empty() {
            rows.push((who.clone(), vec![0.0; columns.len()]));
        }
        if let Some(r) = team.rows_where("week", last).next() {
            rows.push(("whole team".into(), values(team, r)));
        }
        format!("SLA breaches in {last}: {who} and the whole team")
    } else {
        // Most breaches first; ties keep the table's (engineer id) order.
        rows.sort_by(|a, b| b.1.iter().sum::<f64>().total_cmp(&a.1.iter().sum::<f64>()));
        format!("SLA breaches per engineer in {last}")
    };
    Some(Chart::Bars(Bars {
        title,
        x_desc: "SLA breaches (count)".into(),
        parts,
        rows,
    }))
}

/// A bin width that gives about 20 bins over `span` minutes, from a readable set.
fn bin_width(span: f64) -> f64 {
    const STEPS: [f64; 14] = [
        1.0, 2.0, 5.0, 10.0, 15.0, 30.0, 60.0, 120.0, 240.0, 360.0, 720.0, 1440.0, 2880.0, 5760.0,
    ];
    STEPS
        .iter()
        .copied()
        .find(|s| span / s <= 20.0)
        .unwrap_or(STEPS[STEPS.len() - 1] * (span / 20.0 / STEPS[STEPS.len() - 1]).ceil())
}

/// Bins of `values` edged on multiples of the width, so 0 is always an edge.
pub fn bins(values: &[f64]) -> Vec<(f64, f64, usize)> {
    let (Some(lo), Some(hi)) = (
        values.iter().copied().reduce(f64::min),
        values.iter().copied().reduce(f64::max),
    ) else {
        return Vec::new();
    };
    let (lo, hi) = (lo.min(0.0), hi.max(0.0));
    let width = bin_width(hi - lo);
    let first = (lo / width).floor() as i64;
    // A value on the top edge goes in a bin of its own above it.
    let last = (hi / width).floor() as i64;
    (first..=last)
        .map(|k| {
            let (a, b) = (k as f64 * width, (k + 1) as f64 * width);
            let n = values.iter().filter(|v| **v >= a && **v < b).count();
            (a, b, n)
        })
        .collect()
}

/// The distribution of escalation lead times (minutes before the pending SLA deadline).
pub fn escalation_lead(inputs: &Inputs) -> Option<Chart> {
    let t = inputs.escalations;
    t.column("lead_min")?;
    let values: Vec<f64> = t
        .rows
        .iter()
        .filter(|r| inputs.visible(t, r))
        .filter_map(|r| t.num(r, "lead_min"))
        .collect();
    Some(Chart::Histogram(Histogram {
        title: format!(
            "Escalation lead time, {} (n = {})",
            inputs.window_label(),
            values.len()
        ),
        x_desc: "lead time before the SLA deadline (min; negative = after the breach)".into(),
        y_desc: "escalations".into(),
        bins: bins(&values),
    }))
}

/// What every engineer's trend sheet shares, worked out once for all of them: the
/// reference line of each metric and the rows of `engineer_weekly` per engineer.
pub struct SheetBasis<'a> {
    references: Vec<(&'static str, Vec<Option<f64>>)>,
    rows_of: HashMap<&'a str, Vec<&'a Vec<String>>>,
}

impl<'a> SheetBasis<'a> {
    pub fn new(inputs: &Inputs<'a>) -> SheetBasis<'a> {
        let t = inputs.engineer_weekly;
        SheetBasis {
            references: SHEET_METRICS
                .iter()
                .filter(|(col, ..)| t.column(col).is_some())
                .map(|&(col, ..)| (col, inputs.reference(col)))
                .collect(),
            rows_of: t.group_by("engineer"),
        }
    }
}

/// The trend sheet's metrics: column, panel title, value axis, whether a percentage.
const SHEET_METRICS: [(&str, &str, &str, bool); 6] = [
    (
        "ack_p90_min",
        "Ack latency, 90th percentile",
        "minutes",
        false,
    ),
    (
        "ack_sla_pct",
        "Acks within SLA",
        "% of decided ack clocks",
        true,
    ),
    (
        "update_sla_pct",
        "Updates within SLA",
        "% of decided gaps",
        true,
    ),
    (
        "continuity_pct",
        "Ownership continuity",
        "% resolved by sole owner",
        true,
    ),
    (
        "same_day_log_pct",
        "Same-day time logging",
        "% of worklogs",
        true,
    ),
    ("score", "Score", "score (0–100)", true),
];

/// An engineer's main metrics per week against the team: the median of engineers, or in
/// a self-review the team's pooled value.
pub fn engineer_sheet(inputs: &Inputs, basis: &SheetBasis, id: &str, label: &str) -> Option<Chart> {
    let t = inputs.engineer_weekly;
    let rows = basis.rows_of.get(id).map_or(&[][..], Vec::as_slice);
    let reference = if inputs.self_review.is_some() {
        "team"
    } else {
        "team median"
    };
    let panels: Vec<Panel> = SHEET_METRICS
        .iter()
        .filter_map(|&(col, title, y_desc, percent)| {
            let (_, line) = basis.references.iter().find(|(c, _)| *c == col)?;
            Some((col, title, y_desc, percent, line))
        })
        .map(|(col, title, y_desc, percent, line)| Panel {
            title: title.into(),
            y_desc: y_desc.into(),
            percent,
            series: vec![
                series(reference, line.clone(), GREY, Mark::DashedLine),
                series(
                    label,
                    t.weekly_rows(inputs.weeks, rows.iter().copied(), Some(id), col),
                    BLUE,
                    Mark::Line,
                ),
            ],
            targets: if col == "ack_p90_min" {
                ack_targets(inputs)
            } else {
                Vec::new()
            }
            .into_iter()
            .chain(goal_line(inputs, col))
            .collect(),
        })
        .collect();
    let mut legend = vec![
        (label.to_string(), BLUE, Mark::Line),
        (reference.to_string(), GREY, Mark::DashedLine),
    ];
    if t.column("ack_p90_min").is_some() {
        for (target, _, color) in ack_targets(inputs) {
            legend.push((format!("ack {target}"), color, Mark::DashedLine));
        }
    }
    if panels
        .iter()
        .any(|p| p.targets.iter().any(|t| t.0.starts_with("goal ")))
    {
        legend.push(("goal".to_string(), TEAL, Mark::DashedLine));
    }
    (!panels.is_empty()).then(|| {
        Chart::Sheet(Sheet {
            title: format!("{label}: weekly trends, {}", inputs.window_label()),
            legend,
            panels,
        })
    })
}
