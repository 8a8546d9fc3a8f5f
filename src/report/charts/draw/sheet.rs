//! Sheets: a title, an optional shared legend and a grid of panels with weeks on x.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::num;
use super::super::spec::{Mark, Panel, Series, Sheet};
use super::panels::{Panels, Rect};
use super::{Drawn, bold, legend, text, ticked, ticks};

const PANEL_W: u32 = 600;
pub(super) const PANEL_H: u32 = 300;
const TITLE_H: u32 = 50;
const LEGEND_H: u32 = 30;
/// Up to this many weeks the x axis shows full labels (`2026-W47`); beyond, `W47` with the
/// year in the axis title, so long windows stay readable without turned text.
const FULL_LABEL_WEEKS: usize = 9;
/// Up to this many weeks every value of a line gets a dot; a half-year window is the
/// longest where dots 4 px wide stay apart on a panel.
const MARKED_WEEKS: usize = 26;
/// Room for the value axis and margins of a panel.
const AXIS_W: u32 = 110;
/// A panel is at most this wide: a year or two of weeks still fits a screen, with labels
/// on every few weeks instead of every week.
const MAX_PANEL_W: u32 = 1400;

/// The pixels a week label needs: a full label, or a short `Wnn` one.
fn label_px(weeks: usize) -> u32 {
    if weeks <= FULL_LABEL_WEEKS { 78 } else { 38 }
}

/// A sheet's panel width and column count for `weeks` weeks and `panels` panels.
pub(super) fn layout(weeks: usize, panels: usize) -> (u32, usize) {
    let w = PANEL_W
        .max(AXIS_W + weeks as u32 * label_px(weeks))
        .min(MAX_PANEL_W);
    let cols = if panels == 1 || w > 800 { 1 } else { 2 };
    (w, cols)
}

/// Every how many weeks the x axis of a panel `panel_w` pixels wide carries a label, so
/// that labels never overlap; counted back from the window's last week, which always
/// has one.
fn label_every(weeks: usize, panel_w: u32) -> usize {
    let per_week = f64::from(panel_w.saturating_sub(AXIS_W).max(1)) / weeks.max(1) as f64;
    (f64::from(label_px(weeks)) / per_week).ceil().max(1.0) as usize
}

pub(super) fn header_h(s: &Sheet) -> u32 {
    TITLE_H + if s.legend.is_empty() { 0 } else { LEGEND_H }
}

pub(super) fn sheet<DB: DrawingBackend>(
    s: &Sheet,
    weeks: &[String],
    root: &DrawingArea<DB, Shift>,
    panels: Option<&Panels>,
) -> Drawn<DB> {
    let (w, _) = root.dim_in_pixel();
    let (top, body) = root.split_vertically(header_h(s));
    top.draw_text(
        &s.title,
        &bold(24.0).pos(Pos::new(HPos::Center, VPos::Center)),
        (w as i32 / 2, TITLE_H as i32 / 2),
    )?;
    if !s.legend.is_empty() {
        legend_row(&top, &s.legend, TITLE_H as i32 + LEGEND_H as i32 / 2 - 4)?;
    }
    let (_, cols) = layout(weeks.len(), s.panels.len());
    let rows = s.panels.len().div_ceil(cols);
    let areas = body.split_evenly((rows, cols));
    for (p, area) in s.panels.iter().zip(&areas) {
        panel(p, weeks, area, s.legend.is_empty(), panels)?;
    }
    Ok(())
}

/// A sample of a line, solid or dashed, for a legend.
fn line_sample<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (x, y): (i32, i32),
    color: RGBColor,
    mark: Mark,
) -> Drawn<DB> {
    let style = color.stroke_width(3);
    if mark == Mark::DashedLine {
        for k in 0..3 {
            let x0 = x + k * 11;
            area.draw(&PathElement::new([(x0, y), (x0 + 7, y)], style))?;
        }
        Ok(())
    } else {
        area.draw(&PathElement::new([(x, y), (x + 29, y)], style))
    }
}

/// A centred legend on one line: a sample and a label per entry.
fn legend_row<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    entries: &[(String, RGBColor, Mark)],
    y: i32,
) -> Drawn<DB> {
    const SAMPLE: i32 = 36;
    const GAP: i32 = 28;
    let style = text(14.0).pos(Pos::new(HPos::Left, VPos::Center));
    let widths = entries
        .iter()
        .map(|(label, ..)| {
            area.estimate_text_size(label, &style)
                .map(|(w, _)| w as i32)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let total: i32 = widths.iter().map(|w| SAMPLE + w + GAP).sum::<i32>() - GAP;
    let mut x = (area.dim_in_pixel().0 as i32 - total) / 2;
    for ((label, color, mark), w) in entries.iter().zip(widths) {
        if *mark == Mark::Bar {
            area.draw(&Rectangle::new(
                [(x + 8, y - 7), (x + 22, y + 7)],
                color.filled(),
            ))?;
        } else {
            line_sample(area, (x, y), *color, *mark)?;
        }
        area.draw_text(label, &style, (x + SAMPLE, y))?;
        x += SAMPLE + w + GAP;
    }
    Ok(())
}

/// The label of the week at `x`: the full label, or only `Wnn` for long windows.
fn week_label(weeks: &[String], x: f64) -> String {
    let i = x.round();
    if (x - i).abs() > 1e-6 || i < 0.0 {
        return String::new();
    }
    let label = weeks.get(i as usize).map_or("", String::as_str);
    if weeks.len() <= FULL_LABEL_WEEKS {
        label.to_string()
    } else {
        label.split_once('-').map_or(label, |(_, w)| w).to_string()
    }
}

/// The x axis title: "week", with the year(s) when the labels leave them out.
fn week_desc(weeks: &[String]) -> String {
    if weeks.len() <= FULL_LABEL_WEEKS {
        return "week".to_string();
    }
    let year = |w: Option<&String>| {
        w.and_then(|w| w.split_once('-'))
            .map(|(y, _)| y.to_string())
    };
    match (year(weeks.first()), year(weeks.last())) {
        (Some(a), Some(b)) if a != b => format!("ISO week ({a}–{b})"),
        (Some(a), _) => format!("ISO week ({a})"),
        _ => "week".to_string(),
    }
}

/// The top of a panel's value axis: its stacked bars, lines and target, or 1 without data.
fn panel_top(p: &Panel, weeks: usize) -> f64 {
    let stacked = (0..weeks)
        .map(|i| {
            p.series
                .iter()
                .filter(|s| s.mark == Mark::Bar)
                .filter_map(|s| s.values.get(i).copied().flatten())
                .sum::<f64>()
        })
        .fold(0.0, f64::max);
    let lines = p
        .series
        .iter()
        .filter(|s| s.mark != Mark::Bar)
        .flat_map(|s| s.values.iter().flatten().copied())
        .fold(0.0, f64::max);
    let target = p.targets.iter().map(|t| t.1).fold(0.0, f64::max);
    let top = stacked.max(lines).max(target);
    if top > 0.0 { top } else { 1.0 }
}

/// What a panel's steps before its last line are drawn from, besides the weeks: its
/// place and size, its texts, axes and targets, and the series before that line. None when
/// the last step is not a line (its legend, or bars only), so nothing can be shared.
fn background_key(
    p: &Panel,
    weeks: &[String],
    rect: Rect,
    own_legend: bool,
    (y_ticks, y_top): (&[f64], f64),
) -> Option<String> {
    if own_legend {
        return None;
    }
    let last = p.series.iter().rposition(|s| s.mark != Mark::Bar)?;
    let before: Vec<&Series> = p
        .series
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != last)
        .map(|(_, s)| s)
        .collect();
    Some(format!(
        "{rect:?} {weeks:?} {:?} {:?} {} {y_ticks:?} {y_top:?} {:?} {before:?}",
        p.title, p.y_desc, p.percent, p.targets
    ))
}

fn panel<DB: DrawingBackend>(
    p: &Panel,
    weeks: &[String],
    area: &DrawingArea<DB, Shift>,
    own_legend: bool,
    panels: Option<&Panels>,
) -> Drawn<DB> {
    let n = weeks.len().max(1);
    // A legend inside the plot only when the panel has more than one thing to tell apart.
    let own_legend = own_legend && p.series.len() + p.targets.len() > 1;
    let whole = p
        .series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .all(|v| v.fract() == 0.0);
    // Room above the data for a legend in the top corner.
    let headroom = if own_legend { 1.3 } else { 1.05 };
    let y_ticks = if p.percent {
        vec![0.0, 20.0, 40.0, 60.0, 80.0, 100.0]
    } else {
        ticks(panel_top(p, weeks.len()), whole)
    };
    let y_top = y_ticks.last().copied().unwrap_or(1.0) * headroom;
    // Every step up to the last line may come from a panel kept from an earlier sheet.
    let (x, y) = area.get_base_pixel();
    let (w, h) = area.dim_in_pixel();
    let rect = Rect {
        x0: x,
        y0: y,
        x1: x + w as i32,
        y1: y + h as i32,
    };
    let shared = panels.and_then(|panels| {
        let key = background_key(p, weeks, rect, own_legend, (&y_ticks, y_top))?;
        panels.enter(rect, key);
        Some(panels)
    });
    let last_line = p.series.iter().rposition(|s| s.mark != Mark::Bar);
    let every = label_every(weeks.len(), area.dim_in_pixel().0);
    let x_keys: Vec<f64> = (0..weeks.len())
        .filter(|i| (weeks.len() - 1 - i).is_multiple_of(every))
        .map(|i| i as f64)
        .collect();
    let mut chart = ChartBuilder::on(area)
        .caption(&p.title, text(20.0))
        .margin(10)
        .margin_right(20)
        .x_label_area_size(50)
        .y_label_area_size(65)
        .build_cartesian_2d(
            ticked(-0.5..n as f64 - 0.5, x_keys),
            ticked(0.0..y_top, y_ticks),
        )?;
    chart
        .configure_mesh()
        .x_desc(week_desc(weeks))
        .y_desc(p.y_desc.as_str())
        .x_label_formatter(&|x| week_label(weeks, *x))
        .y_label_formatter(&|y| num(*y))
        .x_label_style(text(14.0))
        .y_label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .bold_line_style(RGBColor(225, 225, 225))
        .disable_x_mesh()
        .draw()?;

    let mut base = vec![0.0; weeks.len()];
    for s in p.series.iter().filter(|s| s.mark == Mark::Bar) {
        let color = s.color;
        let rects: Vec<_> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| v.map(|v| (i, v)))
            .map(|(i, v)| {
                let (x, y0) = (i as f64, base[i]);
                base[i] += v;
                Rectangle::new([(x - 0.35, y0), (x + 0.35, y0 + v)], color.filled())
            })
            .collect();
        chart
            .draw_series(rects)?
            .label(s.label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    for (label, t, color) in &p.targets {
        let line = [(-0.5, *t), (n as f64 - 0.5, *t)];
        let style = color.stroke_width(2);
        chart
            .draw_series(DashedLineSeries::new(line, 8, 5, style))?
            .label(label.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
    }
    for (i, s) in p
        .series
        .iter()
        .enumerate()
        .filter(|(_, s)| s.mark != Mark::Bar)
    {
        if Some(i) == last_line
            && let Some(panels) = shared
        {
            panels.background_done();
        }
        let style = s
            .color
            .stroke_width(if s.mark == Mark::Line { 3 } else { 2 });
        // Gaps ("no data") break the line; each run is drawn on its own.
        let mut runs: Vec<Vec<(f64, f64)>> = vec![Vec::new()];
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => runs.last_mut().map_or((), |r| r.push((i as f64, *v))),
                None => runs.push(Vec::new()),
            }
        }
        for run in runs.iter().filter(|r| r.len() > 1) {
            if s.mark == Mark::DashedLine {
                chart.draw_series(DashedLineSeries::new(run.iter().copied(), 8, 5, style))?;
            } else {
                chart.draw_series(LineSeries::new(run.iter().copied(), style))?;
            }
        }
        let color = s.color;
        // A dot per week while a reader can tell the weeks apart; over longer windows the
        // line alone, with dots only where a value stands alone (no line to show it).
        let dots = weeks.len() <= MARKED_WEEKS;
        let points = runs
            .into_iter()
            .filter(|r| dots || r.len() == 1)
            .flatten()
            .map(|(x, y)| Circle::new((x, y), 4, color.filled()));
        chart
            .draw_series(points)?
            .label(s.label.as_str())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], style));
    }
    if own_legend {
        legend(&mut chart, SeriesLabelPosition::UpperRight)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_windows_label_every_week_in_two_columns() {
        // 110 px of axis plus 78 px per full "2026-W47" label.
        assert_eq!(layout(8, 6), (110 + 8 * 78, 2));
        assert_eq!(label_every(8, 110 + 8 * 78), 1);
        // A single week still gets a panel of readable width.
        assert_eq!(layout(1, 6), (PANEL_W, 2));
    }

    #[test]
    fn two_years_fit_one_screen_wide_panel_with_a_label_every_fourth_week() {
        // 104 weeks × 38 px would be 4062 px; the panel stops at 1400 px, leaving
        // 1290 / 104 = 12.4 px a week, so a 38 px "W47" label fits every 4th week.
        assert_eq!(layout(104, 6), (MAX_PANEL_W, 1));
        assert_eq!(label_every(104, MAX_PANEL_W), 4);
        // Half a year: 26 × 38 + 110 = 1098 px, every week labelled.
        assert_eq!(layout(26, 6), (1098, 1));
        assert_eq!(label_every(26, 1098), 1);
    }
}
