//! The report's charts (SPEC §5), each as a PNG and an SVG: team trends, the last week's
//! breaches per engineer, the escalation lead-time distribution and a trend sheet per
//! engineer. They are drawn from the measured values (`inputs`), each number exactly as
//! the CSVs write it; `build` says what a chart shows (`spec`), `draw` draws it. Text
//! comes from a font compiled into the binary, as a fresh machine may have none.

mod build;
mod draw;
#[cfg(test)]
pub(crate) mod fixture;
mod inputs;
mod spec;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use anyhow::{Context, anyhow};
use plotters::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

pub use inputs::{Inputs, Person, TEAM, UNASSIGNED, median, people_of};
pub use spec::Chart;

/// The font family every chart text uses; registered from the embedded DejaVu Sans.
const FONT: &str = "sans-serif";

/// The chart of the team's trends, without extension.
pub const TEAM_TRENDS: &str = "charts/team_trends";
/// The chart of the last week's breaches per engineer (or engineer vs team).
pub const WEEK_BREACHES: &str = "charts/week_breaches";
/// The escalation lead-time histogram.
pub const ESCALATION_LEAD: &str = "charts/escalation_lead";

/// The trend sheet of engineer `id`, without extension: `charts/engineer_<file id>`.
pub fn engineer_chart(id: &str) -> String {
    format!("charts/engineer_{}", file_id(id))
}

/// An engineer id as a file name (their chart, their page). Bytes other than lower-case
/// ASCII letters, digits, `-` and `.` are written `_XX` (hex), so distinct ids never share
/// a file, not even on a disk that ignores case (Server user names `JSmith` and `jsmith`),
/// and any id is a safe file name. A name that would pass [`MAX_ESCAPED`] bytes keeps its
/// first part and ends in `~` and a hash of the id (`~` never appears otherwise), since
/// file systems refuse names over 255 bytes.
pub fn file_id(id: &str) -> String {
    let mut escaped = String::new();
    for b in id.bytes() {
        if b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.' {
            escaped.push(b as char);
        } else {
            escaped.push_str(&format!("_{b:02X}"));
        }
    }
    if escaped.len() > MAX_ESCAPED {
        let digest = format!("{:x}", Sha256::digest(id.as_bytes()));
        escaped.truncate(MAX_ESCAPED - 17);
        escaped.push('~');
        escaped.push_str(&digest[..16]);
    }
    escaped
}

/// The longest escaped id a sheet's file name keeps whole: with `engineer_` and `.png` well
/// under the 255-byte limit of common file systems.
const MAX_ESCAPED: usize = 120;

/// A number for a label: at most 2 decimals, no trailing zeros (as in the CSVs).
pub(crate) fn num(x: f64) -> String {
    crate::report::csv::num2(x)
}

/// Registers the embedded font once per process; plotters finds fonts only by
/// registration when system fonts are off.
fn register_font() -> anyhow::Result<()> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            let fonts = [
                (FontStyle::Normal, dejavu::sans::regular()),
                (FontStyle::Bold, dejavu::sans::bold()),
            ];
            for (style, bytes) in fonts {
                plotters::style::register_font(FONT, style, bytes)
                    .map_err(|_| "the embedded DejaVu Sans font could not be read".to_string())?;
            }
            Ok(())
        })
        .clone()
        .map_err(|e| anyhow!(e))
}

/// Draws every chart the inputs allow on every core, handing each file to `put` as soon as
/// it is drawn (`<name>.png`, then `<name>.svg`), so the report's PNGs are never held all
/// at once. Returns the SVGs as `(<name>.svg, text)` in the order of `specs`, for the
/// pages that embed them.
pub fn draw_each(
    inputs: &Inputs,
    put: impl Fn(&str, &[u8]) -> anyhow::Result<()> + Sync,
) -> anyhow::Result<Vec<(String, String)>> {
    let weeks = week_labels(inputs);
    // Charts are independent: drawn on every core, listed in the order of `specs`. Each
    // worker draws its charts on one pixel buffer (a trend sheet's is 8 MB), instead of
    // allocating, zeroing and page-faulting in a fresh one per chart.
    // Each also keeps the panels its sheets share (see `draw::Panels`).
    specs(inputs)?
        .par_iter()
        .map_init(
            || (Vec::new(), draw::Panels::new()),
            |(rgb, panels), (name, chart)| {
                let drawn = png_of(chart, &weeks, rgb, Some(panels))
                    .and_then(|png| Ok((png, svg_of(chart, &weeks)?)));
                let (png, svg) = drawn.with_context(|| format!("drawing {name}"))?;
                put(&format!("{name}.png"), &png)?;
                let svg_name = format!("{name}.svg");
                put(&svg_name, svg.as_bytes())?;
                Ok((svg_name, svg))
            },
        )
        .collect()
}

/// Every chart the inputs allow, as `(file name, bytes)`: for each, `<name>.png` then
/// `<name>.svg` ([`draw_each`] kept in memory).
pub fn charts(inputs: &Inputs) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let pngs = std::sync::Mutex::new(std::collections::BTreeMap::new());
    let svgs = draw_each(inputs, |name, bytes| {
        if name.ends_with(".png") {
            let mut pngs = pngs
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            pngs.insert(name.to_string(), bytes.to_vec());
        }
        Ok(())
    })?;
    let mut pngs = pngs
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let mut files = Vec::with_capacity(svgs.len() * 2);
    for (svg_name, svg) in svgs {
        let png_name = format!("{}.png", svg_name.trim_end_matches(".svg"));
        let png = pngs.remove(&png_name).unwrap_or_default();
        files.push((png_name, png));
        files.push((svg_name, svg.into_bytes()));
    }
    Ok(files)
}

/// The SVG charts only, as `(<name>.svg, text)`, for a page made without the chart files
/// (a page sent by mail): the same text [`charts`] writes.
pub fn svg_charts(inputs: &Inputs) -> anyhow::Result<Vec<(String, String)>> {
    let weeks = week_labels(inputs);
    specs(inputs)?
        .par_iter()
        .map(|(name, chart)| {
            let svg = svg_of(chart, &weeks).with_context(|| format!("drawing {name}"))?;
            Ok((format!("{name}.svg"), svg))
        })
        .collect()
}

/// The window's week labels, as the x axes write them.
fn week_labels(inputs: &Inputs) -> Vec<String> {
    inputs.weeks.iter().map(ToString::to_string).collect()
}

/// Every chart the inputs allow, named without extension: the team's three, then one
/// trend sheet per engineer.
fn specs(inputs: &Inputs) -> anyhow::Result<Vec<(String, Chart)>> {
    register_font()?;
    let mut specs: Vec<(String, Chart)> = Vec::new();
    let mut push = |name: &str, chart: Option<Chart>| {
        if let Some(c) = chart {
            specs.push((name.to_string(), c));
        }
    };
    push(TEAM_TRENDS, build::team_trends(inputs));
    push(WEEK_BREACHES, build::week_breaches(inputs));
    push(ESCALATION_LEAD, build::escalation_lead(inputs));
    let basis = build::SheetBasis::new(inputs);
    for p in inputs.people() {
        push(
            &engineer_chart(&p.id),
            build::engineer_sheet(inputs, &basis, &p.id, p.label()),
        );
    }
    Ok(specs)
}

/// Draws one chart as SVG text; [`png_of`] draws it as PNG through the same code.
fn svg_of(chart: &Chart, weeks: &[String]) -> anyhow::Result<String> {
    let (w, h) = draw::size(chart, weeks.len());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
        draw::draw(chart, weeks, &root, None).map_err(|e| anyhow!("{e}"))?;
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    Ok(svg)
}

/// Draws one chart as PNG bytes, on `rgb` (any contents: `draw` first fills every pixel,
/// so they are not cleared), sharing `panels` with the charts drawn before.
fn png_of(
    chart: &Chart,
    weeks: &[String],
    rgb: &mut Vec<u8>,
    panels: Option<&draw::Panels>,
) -> anyhow::Result<Vec<u8>> {
    let (w, h) = draw::size(chart, weeks.len());
    rgb.resize(w as usize * h as usize * 3, 0);
    {
        let backend = draw::CachedText::new(rgb, (w, h), panels).map_err(|e| anyhow!("{e}"))?;
        let root = backend.into_drawing_area();
        draw::draw(chart, weeks, &root, panels).map_err(|e| anyhow!("{e}"))?;
        root.present().map_err(|e| anyhow!("{e}"))?;
    }
    png(rgb, w, h)
}

/// Encodes an RGB buffer as PNG.
fn png(rgb: &[u8], w: u32, h: u32) -> anyhow::Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    // Charts are flat colours on white: the fast setting compresses them nearly as well
    // and several times sooner, which matters with a chart per engineer.
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().context("encoding a PNG")?;
    writer.write_image_data(rgb).context("encoding a PNG")?;
    writer.finish().context("encoding a PNG")?;
    Ok(out)
}
