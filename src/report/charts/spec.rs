//! What a chart is, before it is drawn: panels of week series, stacked bars or a
//! histogram, with their titles, units, legends and colours. `build` fills these from the
//! measured values; `draw` draws them on any plotters backend.

use plotters::style::RGBColor;

pub const BLUE: RGBColor = RGBColor(31, 119, 180);
pub const ORANGE: RGBColor = RGBColor(230, 126, 34);
pub const PURPLE: RGBColor = RGBColor(142, 68, 173);
pub const GREEN: RGBColor = RGBColor(39, 174, 96);
pub const GREY: RGBColor = RGBColor(120, 120, 120);
pub const RED: RGBColor = RGBColor(200, 40, 40);
pub const AMBER: RGBColor = RGBColor(190, 140, 0);
/// Goal lines: a dark teal no series uses.
pub const TEAL: RGBColor = RGBColor(0, 128, 128);

/// The colours of target lines, in the order of the ack targets.
pub const TARGET_COLORS: [RGBColor; 3] = [RED, AMBER, GREY];

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
