//! Draws a described chart on any plotters backend, so the PNG and the SVG of a chart come
//! from the same code. Sizes grow with the number of weeks and rows so that 40 engineers or
//! a long window stay readable.

use plotters::coord::{CoordTranslate, Shift};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::spec::{Bars, Chart, Histogram, RED};
use super::{FONT, num};

pub(super) type Drawn<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

mod glyphs;
mod panels;
mod sheet;

pub use glyphs::CachedText;
pub use panels::Panels;

/// The pixel size of a chart over `weeks` weeks.
pub fn size(chart: &Chart, weeks: usize) -> (u32, u32) {
    match chart {
        Chart::Sheet(s) => {
            let (w, cols) = sheet::layout(weeks, s.panels.len());
            let rows = s.panels.len().div_ceil(cols) as u32;
            (w * cols as u32, sheet::header_h(s) + rows * sheet::PANEL_H)
        }
        Chart::Bars(b) => (1000, (120 + 26 * b.rows.len() as u32).max(260)),
        Chart::Histogram(_) => (1000, 480),
    }
}

/// Draws `chart` on `root`, whose size is [`size`]; `panels`: the kept panels of the
/// backend's charts, when it is a [`CachedText`] that shares them.
pub fn draw<DB: DrawingBackend>(
    chart: &Chart,
    weeks: &[String],
    root: &DrawingArea<DB, Shift>,
    panels: Option<&Panels>,
) -> Drawn<DB> {
    root.fill(&WHITE)?;
    match chart {
        Chart::Sheet(s) => sheet::sheet(s, weeks, root, panels),
        Chart::Bars(b) => bars(b, root),
        Chart::Histogram(h) => histogram(h, root),
    }
}

pub(super) fn text(size: f64) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// The series legend every chart draws: a framed, lightly opaque box in a corner.
pub(super) fn legend<'a, DB: DrawingBackend + 'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
    corner: SeriesLabelPosition,
) -> Drawn<DB> {
    chart
        .configure_series_labels()
        .position(corner)
        .label_font(text(14.0))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(180, 180, 180))
        .draw()
}

pub(super) fn bold(size: f64) -> TextStyle<'static> {
    (FONT, size)
        .into_font()
        .style(FontStyle::Bold)
        .color(&BLACK)
}

/// A linear axis with ticks exactly at the given values (weeks, rows, round numbers);
/// plotters' own f64 axis picks its ticks itself.
pub(super) struct Ticked {
    range: std::ops::Range<f64>,
    ticks: Vec<f64>,
}

impl Ranged for Ticked {
    type FormatOption = plotters::coord::ranged1d::DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let span = self.range.end - self.range.start;
        let share = if span > 0.0 {
            (value - self.range.start) / span
        } else {
            0.0
        };
        // `as` saturates, and so does the sum: a goal of -1e12 on a percent panel lies far
        // off the panel (left off by the drawing), instead of overflowing (a panic in a debug
        // build, a line wrapped onto the panel in a release one).
        limit
            .0
            .saturating_add((share * f64::from(limit.1 - limit.0)).round() as i32)
    }

    fn key_points<H: plotters::coord::ranged1d::KeyPointHint>(&self, hint: H) -> Vec<f64> {
        // Only bold lines and labels; no light mesh between them.
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.range.clone()
    }
}

pub(super) fn ticked(range: std::ops::Range<f64>, ticks: Vec<f64>) -> Ticked {
    Ticked { range, ticks }
}

/// Tick values from 0 to at least `hi` with a 1-2-5 step, about 5 of them; whole numbers
/// when the data are counts.
pub(super) fn ticks(hi: f64, whole: bool) -> Vec<f64> {
    let raw = (hi / 5.0).max(f64::MIN_POSITIVE);
    let mag = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * mag);
    if whole {
        step = step.max(1.0).round();
    }
    let n = (hi / step).ceil().max(1.0) as usize;
    (0..=n).map(|k| k as f64 * step).collect()
}

/// Cuts a row label to fit the label column.
fn short(label: &str) -> String {
    const MAX: usize = 28;
    if label.chars().count() > MAX {
        label.chars().take(MAX - 1).chain(['…']).collect()
    } else {
        label.to_string()
    }
}

fn bars<DB: DrawingBackend>(b: &Bars, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let n = b.rows.len();
    let totals: Vec<f64> = b.rows.iter().map(|r| r.1.iter().sum()).collect();
    let x_ticks = ticks(totals.iter().copied().fold(1.0, f64::max), true);
    let x_top = *x_ticks.last().unwrap_or(&1.0) * 1.08;
    let longest = b.rows.iter().map(|r| short(&r.0).chars().count()).max();
    let label_px = (longest.unwrap_or(4) as u32 * 9 + 20).clamp(80, 280);
    let y_keys: Vec<f64> = (0..n).map(|i| i as f64).collect();
    let mut chart = ChartBuilder::on(root)
        .caption(&b.title, bold(22.0))
        .margin(15)
        .margin_right(30)
        .x_label_area_size(50)
        .y_label_area_size(label_px)
        .build_cartesian_2d(
            ticked(0.0..x_top, x_ticks),
            ticked(-0.5..n.max(1) as f64 - 0.5, y_keys),
        )?;
    // Row i is drawn at y = n - 1 - i so the first row is on top.
    let row_at = |y: f64| -> String {
        let i = y.round();
        if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < n {
            short(&b.rows[n - 1 - i as usize].0)
        } else {
            String::new()
        }
    };
    chart
        .configure_mesh()
        .x_desc(b.x_desc.as_str())
        .x_label_formatter(&|x| num(*x))
        .y_label_formatter(&|y| row_at(*y))
        .label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .bold_line_style(RGBColor(225, 225, 225))
        .disable_y_mesh()
        .draw()?;
    let mut base = vec![0.0; n];
    for (k, (label, color)) in b.parts.iter().enumerate() {
        let color = *color;
        let rects: Vec<_> = b
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.1.get(k).copied().unwrap_or(0.0) > 0.0)
            .map(|(i, r)| {
                let (y, x0, v) = ((n - 1 - i) as f64, base[i], r.1[k]);
                base[i] += v;
                Rectangle::new([(x0, y - 0.35), (x0 + v, y + 0.35)], color.filled())
            })
            .collect();
        chart
            .draw_series(rects)?
            .label(label.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    let totals = totals.iter().enumerate().map(|(i, t)| {
        Text::new(
            num(*t),
            (*t + x_top * 0.01, (n - 1 - i) as f64),
            text(14.0).pos(Pos::new(HPos::Left, VPos::Center)),
        )
    });
    chart.draw_series(totals)?;
    legend(&mut chart, SeriesLabelPosition::LowerRight)
}

fn histogram<DB: DrawingBackend>(h: &Histogram, root: &DrawingArea<DB, Shift>) -> Drawn<DB> {
    let (x_lo, x_hi) = match (h.bins.first(), h.bins.last()) {
        (Some(a), Some(b)) => (a.0, b.1),
        _ => (-60.0, 60.0),
    };
    let y_ticks = ticks(h.bins.iter().map(|b| b.2 as f64).fold(1.0, f64::max), true);
    let y_top = *y_ticks.last().unwrap_or(&1.0) * 1.25;
    let mut chart = ChartBuilder::on(root)
        .caption(&h.title, bold(22.0))
        .margin(15)
        .margin_right(30)
        .x_label_area_size(55)
        .y_label_area_size(65)
        .build_cartesian_2d(x_lo..x_hi, ticked(0.0..y_top, y_ticks))?;
    chart
        .configure_mesh()
        .x_desc(h.x_desc.as_str())
        .y_desc(h.y_desc.as_str())
        .x_label_formatter(&|x| num(*x))
        .y_label_formatter(&|y| num(*y))
        .label_style(text(14.0))
        .axis_desc_style(text(15.0))
        .bold_line_style(RGBColor(225, 225, 225))
        .disable_x_mesh()
        .draw()?;
    let blue = super::spec::BLUE;
    for (after, label, color) in [
        (true, "escalated after the breach", RED),
        (false, "escalated before the deadline", blue),
    ] {
        let rects: Vec<_> = h
            .bins
            .iter()
            .filter(|b| (b.1 <= 0.0) == after && b.2 > 0)
            .map(|&(a, b, c)| {
                // A pixel of white either side keeps neighbouring bins apart.
                let mut r = Rectangle::new([(a, 0.0), (b, c as f64)], color.filled());
                r.set_margin(0, 0, 1, 1);
                r
            })
            .collect();
        chart
            .draw_series(rects)?
            .label(label)
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 14, y + 6)], color.filled()));
    }
    chart
        .draw_series(DashedLineSeries::new(
            [(0.0, 0.0), (0.0, y_top)],
            8,
            5,
            BLACK.stroke_width(2),
        ))?
        .label("SLA deadline (lead 0)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], BLACK.stroke_width(2)));
    if h.bins.is_empty() {
        let (w, hgt) = root.dim_in_pixel();
        root.draw_text(
            "no escalation with a pending SLA deadline in the window",
            &text(16.0).pos(Pos::new(HPos::Center, VPos::Center)),
            (w as i32 / 2, hgt as i32 / 2),
        )?;
    }
    legend(&mut chart, SeriesLabelPosition::UpperRight)
}
