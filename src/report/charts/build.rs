//! What each chart shows: picks the measured values out of the weekly rows and the
//! escalations and describes the chart ([`super::spec`]) without drawing it.

use std::collections::HashMap;

use plotters::style::RGBColor;

use super::inputs::{Inputs, UNASSIGNED};
use super::spec::*;
use crate::metrics::columns::{Better, Col};
use crate::metrics::values::ValueRow;

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
fn goal_line(inputs: &Inputs, col: Col) -> Option<(String, f64, RGBColor)> {
    let (_, target) = inputs.goals.iter().find(|(c, _)| *c == col)?;
    let sign = match col.def().better {
        Some(Better::Lower) => "≤",
        _ => "≥",
    };
    Some((
        format!("goal {sign} {}", super::num(*target)),
        *target,
        TEAL,
    ))
}

/// A panel of the team's trends: title, value axis, whether a percentage.
fn team_panel(
    (title, y_desc, percent): (&str, &str, bool),
    series: Vec<Series>,
    targets: Vec<(String, f64, RGBColor)>,
) -> Panel {
    Panel {
        title: title.into(),
        y_desc: y_desc.into(),
        percent,
        series,
        targets,
    }
}

/// Team trends: ack p90 against its target, SLA breaches by kind, call minutes and
/// continuity.
pub fn team_trends(inputs: &Inputs) -> Option<Chart> {
    let team = |col| inputs.team(col);
    let goal = |col| goal_line(inputs, col).into_iter().collect::<Vec<_>>();
    let panels = vec![
        team_panel(
            ("Ack latency, 90th percentile", "minutes", false),
            vec![series(
                "team ack p90",
                team(Col::AckP90Min),
                BLUE,
                Mark::Line,
            )],
            ack_targets(inputs)
                .into_iter()
                .chain(goal(Col::AckP90Min))
                .collect(),
        ),
        // The stacked bars add up to all breaches.
        team_panel(
            ("SLA breaches by kind", "breaches", false),
            BREACH_PARTS
                .iter()
                .map(|&(label, col, color)| series(label, team(col), color, Mark::Bar))
                .collect(),
            goal(Col::SlaBreaches),
        ),
        team_panel(
            ("Call time reported", "minutes", false),
            vec![series(
                "call minutes",
                team(Col::CallMinutesReported),
                GREEN,
                Mark::Bar,
            )],
            goal(Col::CallMinutesReported),
        ),
        team_panel(
            ("Ownership continuity", "% resolved by sole owner", true),
            vec![series(
                "continuity",
                team(Col::ContinuityPct),
                BLUE,
                Mark::Line,
            )],
            goal(Col::ContinuityPct),
        ),
    ];
    Some(Chart::Sheet(Sheet {
        title: format!("Team trends, {}", inputs.window_label()),
        legend: Vec::new(),
        panels,
    }))
}

/// The stacked parts of a breach bar: legend label, the column that fills it, colour.
const BREACH_PARTS: [(&str, Col, RGBColor); 2] = [
    ("ack", Col::AckBreaches, ORANGE),
    ("update", Col::UpdateBreaches, PURPLE),
];

/// A row's breaches, one value per part of [`BREACH_PARTS`]; no value counts as 0.
fn breach_values(row: &ValueRow) -> Vec<f64> {
    BREACH_PARTS
        .iter()
        .map(|&(_, col, _)| row.value(col).unwrap_or(0.0))
        .collect()
}

/// The last week's SLA breaches per engineer (most first), or in a self-review the
/// engineer against the whole team.
pub fn week_breaches(inputs: &Inputs) -> Option<Chart> {
    let last = *inputs.weeks.last()?;
    let mut rows: Vec<(String, Vec<f64>)> = Vec::new();
    let people = inputs.people();
    for row in inputs.engineer_weekly.iter().filter(|r| r.week == last) {
        if !inputs.visible(row) {
            continue;
        }
        let id = row.engineer.as_str();
        let label = match people.iter().find(|p| p.id == id) {
            Some(p) => p.label().to_string(),
            None if id == UNASSIGNED => id.to_string(),
            None => continue,
        };
        rows.push((label, breach_values(row)));
    }
    let title = if let Some(id) = inputs.self_review {
        let who = people
            .iter()
            .find(|p| p.id == id)
            .map_or(id, |p| p.label())
            .to_string();
        if rows.is_empty() {
            rows.push((who.clone(), vec![0.0; BREACH_PARTS.len()]));
        }
        if let Some(r) = inputs.team_weekly.iter().find(|r| r.week == last) {
            rows.push(("whole team".into(), breach_values(r)));
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
        parts: BREACH_PARTS
            .iter()
            .map(|&(label, _, color)| (label.to_string(), color))
            .collect(),
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
    let values: Vec<f64> = inputs
        .escalation_leads
        .iter()
        .copied()
        .filter(|x| x.is_finite())
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
/// reference line of each metric and the weekly rows per engineer.
pub struct SheetBasis<'a> {
    references: Vec<(Col, Vec<Option<f64>>)>,
    rows_of: HashMap<&'a str, Vec<&'a ValueRow>>,
}

impl<'a> SheetBasis<'a> {
    pub fn new(inputs: &Inputs<'a>) -> SheetBasis<'a> {
        let mut rows_of: HashMap<&str, Vec<&ValueRow>> = HashMap::new();
        for row in inputs.engineer_weekly {
            rows_of.entry(row.engineer.as_str()).or_default().push(row);
        }
        SheetBasis {
            references: SHEET_METRICS
                .iter()
                .map(|&(col, ..)| (col, inputs.reference(col)))
                .collect(),
            rows_of,
        }
    }
}

/// The trend sheet's metrics: column, panel title, value axis, whether a percentage.
const SHEET_METRICS: [(Col, &str, &str, bool); 6] = [
    (
        Col::AckP90Min,
        "Ack latency, 90th percentile",
        "minutes",
        false,
    ),
    (
        Col::AckSlaPct,
        "Acks within SLA",
        "% of decided ack clocks",
        true,
    ),
    (
        Col::UpdateSlaPct,
        "Updates within SLA",
        "% of decided gaps",
        true,
    ),
    (
        Col::ContinuityPct,
        "Ownership continuity",
        "% resolved by sole owner",
        true,
    ),
    (
        Col::SameDayLogPct,
        "Same-day time logging",
        "% of worklogs",
        true,
    ),
    (Col::Score, "Score", "score (0–100)", true),
];

/// An engineer's main metrics per week against the team: the median of engineers, or in
/// a self-review the team's pooled value.
pub fn engineer_sheet(inputs: &Inputs, basis: &SheetBasis, id: &str, label: &str) -> Option<Chart> {
    let rows = basis.rows_of.get(id).map_or(&[][..], Vec::as_slice);
    let reference = if inputs.self_review.is_some() {
        "team"
    } else {
        "team median"
    };
    let panels: Vec<Panel> = SHEET_METRICS
        .iter()
        .zip(&basis.references)
        .map(|(&(col, title, y_desc, percent), (_, line))| Panel {
            title: title.into(),
            y_desc: y_desc.into(),
            percent,
            series: vec![
                series(reference, line.clone(), GREY, Mark::DashedLine),
                series(
                    label,
                    inputs.weekly(rows.iter().copied(), col),
                    BLUE,
                    Mark::Line,
                ),
            ],
            targets: if col == Col::AckP90Min {
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
    for (target, _, color) in ack_targets(inputs) {
        legend.push((format!("ack {target}"), color, Mark::DashedLine));
    }
    if panels
        .iter()
        .any(|p| p.targets.iter().any(|t| t.0.starts_with("goal ")))
    {
        legend.push(("goal".to_string(), TEAL, Mark::DashedLine));
    }
    Some(Chart::Sheet(Sheet {
        title: format!(
            "{}: weekly trends, {}",
            crate::bidi::without_controls(label),
            inputs.window_label()
        ),
        legend,
        panels,
    }))
}
