//! The PNG backend: plotters' bitmap backend, except that text is drawn from glyphs
//! rasterised once per thread for each (font, size, character) instead of once per letter
//! drawn. A report draws the same few dozen characters at four sizes on every one of its
//! charts (week labels, axis numbers, titles), and rasterising them was a quarter of the
//! drawing time.
//!
//! The pixels are plotters' own: plotters (0.3, with `ab_glyph`) rasterises each character
//! at the origin and only then shifts it by the whole pixels its advance and kerning add up
//! to, so a glyph's coverage depends on the font, the size and the character alone. Text is
//! laid out here by the same steps in the same floating-point order, and every pixel goes
//! to the bitmap's `draw_pixel` with the same colour, in the same order, as plotters'
//! default `draw_text` sends it.
//!
//! The face is the one plotters draws with: the text styles of `draw` are all made as
//! `(FONT, size).into_font()`, and plotters' `FontDesc::style` keeps the face a description
//! was made with, so even `bold()` text is drawn in the regular face (its SVG says bold).
//! The tests compare every pixel of every fixture chart with plotters' own drawing, so a
//! style drawn in another face would fail them.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScaleFont, ScaleFont};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
};

use super::super::FONT;
use super::panels::{Panels, Rect};

/// The bitmap backend's error.
type BitMapBackendError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

/// A bitmap backend whose text comes from cached glyphs; everything else is the bitmap's.
/// With [`Panels`], it also tells them the box of every step it draws and lets a kept
/// panel stand in for the steps that drew it.
pub struct CachedText<'a> {
    rgb: &'a mut [u8],
    size: (u32, u32),
    panels: Option<&'a Panels>,
}

impl<'a> CachedText<'a> {
    /// Draws on the RGB pixels `rgb` of a `size` bitmap, sharing `panels` with the charts
    /// drawn before on the same worker (a panel is shared only after a first step that
    /// fills the whole chart with one opaque colour). Fails if `rgb` is smaller than `size`.
    pub fn new(
        rgb: &'a mut [u8],
        size: (u32, u32),
        panels: Option<&'a Panels>,
    ) -> Result<CachedText<'a>, BitMapBackendError> {
        if (size.0 as usize) * (size.1 as usize) * 3 > rgb.len() {
            return Err(BitMapBackendError::InvalidBuffer);
        }
        if let Some(p) = panels {
            p.start(size);
        }
        Ok(CachedText { rgb, size, panels })
    }

    /// The plain bitmap backend on the pixels, for one step.
    fn bitmap(&mut self) -> BitMapBackend<'_> {
        BitMapBackend::with_buffer(self.rgb, self.size)
    }

    /// Whether to draw a step that may touch `bounds` (see [`Panels::step`]).
    fn step(&mut self, bounds: Option<Rect>, fill: Option<(u8, u8, u8)>) -> bool {
        match self.panels {
            Some(p) => p.step(bounds, fill, self.rgb),
            None => true,
        }
    }
}

/// The stroke width of a style, as a padding in pixels.
fn width<S: BackendStyle>(style: &S) -> i32 {
    i32::try_from(style.stroke_width()).unwrap_or(i32::MAX / 4)
}

/// One character at one size: its coverage, already lowered by plotters' baseline shift.
struct Glyph {
    id: GlyphId,
    advance: f32,
    /// (x, y, coverage) in the order ab_glyph yields them, those of no coverage left out.
    pixels: Vec<(i32, i32, f32)>,
}

/// (size as bits, glyph): characters the font lacks all draw its one missing-glyph box,
/// kept once, so names in any script cannot grow the cache past the font's glyphs.
type Key = (u64, GlyphId);

thread_local! {
    static GLYPHS: RefCell<HashMap<Key, Glyph>> = RefCell::new(HashMap::new());
}

/// The regular face of the embedded font, as plotters registered it (`register_font`).
fn regular() -> Option<&'static FontRef<'static>> {
    static FONT_REF: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT_REF
        .get_or_init(|| FontRef::try_from_slice(dejavu::sans::regular()).ok())
        .as_ref()
}

impl Glyph {
    /// Rasterises `c` as plotters' `FontDataInternal::draw` does.
    fn raster(font: &PxScaleFont<&FontRef<'static>>, size: f64, id: GlyphId) -> Glyph {
        let mut pixels = Vec::new();
        // As `scaled_glyph` places a character's glyph: at the origin, at the font's scale.
        if let Some(q) = font.outline_glyph(id.with_scale(font.scale())) {
            let rect = q.px_bounds();
            let y_shift = ((size as f32) / 2.0 + rect.min.y) as i32;
            // A pixel of no coverage leaves the bitmap as it is (its alpha is 0), so it is
            // not kept; see `draw_text`.
            q.draw(|x, y, a| {
                if a > 0.0 {
                    pixels.push((x as i32, y as i32 + y_shift, a));
                }
            });
        }
        Glyph {
            id,
            advance: font.h_advance(id),
            pixels,
        }
    }
}

impl DrawingBackend for CachedText<'_> {
    type ErrorType = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        self.bitmap().ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if let Some(p) = self.panels {
            p.finish(self.rgb);
        }
        self.bitmap().present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        if !self.step(Rect::around([point], 0), None) {
            return Ok(());
        }
        self.bitmap().draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        // A wide line is a polygon half its width either side; a thin one may be smoothed.
        if !self.step(Rect::around([from, to], width(style) + 1), None) {
            return Ok(());
        }
        self.bitmap().draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let color = style.color();
        // The bitmap fills an opaque rectangle from one corner up to (not including) the
        // other, clipped to the chart: one that covers it makes it all that colour.
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let covers = upper_left.0.min(bottom_right.0) <= 0
            && upper_left.1.min(bottom_right.1) <= 0
            && upper_left.0.max(bottom_right.0) >= w
            && upper_left.1.max(bottom_right.1) >= h;
        let whole = (fill && color.alpha >= 1.0 && covers).then_some(color.rgb);
        let bounds = Rect::around([upper_left, bottom_right], width(style) + 1);
        if !self.step(bounds, whole) {
            return Ok(());
        }
        self.bitmap()
            .draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let path: Vec<BackendCoord> = path.into_iter().collect();
        // A wide path's corners reach at most twice its width from the points (plotters
        // cuts longer mitres).
        let bounds = Rect::around(path.iter().copied(), 2 * width(style) + 2);
        if !self.step(bounds, None) {
            return Ok(());
        }
        self.bitmap().draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let r = i32::try_from(radius).unwrap_or(i32::MAX / 4);
        let bounds = Rect::around([center], r.saturating_add(width(style) + 1));
        if !self.step(bounds, None) {
            return Ok(());
        }
        self.bitmap().draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let vert: Vec<BackendCoord> = vert.into_iter().collect();
        if !self.step(Rect::around(vert.iter().copied(), 1), None) {
            return Ok(());
        }
        self.bitmap().fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        let far = (
            pos.0
                .saturating_add(i32::try_from(size.0).unwrap_or(i32::MAX)),
            pos.1
                .saturating_add(i32::try_from(size.1).unwrap_or(i32::MAX)),
        );
        if !self.step(Rect::around([pos, far], 0), None) {
            return Ok(());
        }
        self.bitmap().blit_bitmap(pos, size, src)
    }

    /// plotters' default `draw_text`, with the glyphs taken from the cache.
    fn draw_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<Self::ErrorType>> {
        // Another family or style could be another face (the bold one is registered too):
        // only the regular face's glyphs are cached, the rest is left to plotters.
        let font = match regular() {
            Some(font)
                if style.family().as_str() == FONT
                    && matches!(style.style(), FontStyle::Normal) =>
            {
                font
            }
            _ => return self.plotters_text(text, style, pos),
        };
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        // Dropping the glyphs' uncovered pixels is exact only for a colour whose alpha is a
        // plain positive number: the bitmap then skips them (alpha <= 0) untouched.
        if !(color.alpha.is_finite() && color.alpha > 0.0) {
            return self.plotters_text(text, style, pos);
        }
        let (ox, oy) = text_origin(style, text)?;
        let trans = style.transform();
        let (w, h) = self.get_size();
        let size = style.size();
        let scaled = font.as_scaled(size as f32);
        // The pixels first, so the panels learn the text's box before it is drawn.
        let mut pixels: Vec<((i32, i32), f32)> = Vec::new();
        GLYPHS.with_borrow_mut(|glyphs| {
            let mut x_shift = 0f32;
            let mut prev: Option<GlyphId> = None;
            for c in text.chars() {
                let id = scaled.glyph_id(c);
                let glyph = glyphs
                    .entry((size.to_bits(), id))
                    .or_insert_with(|| Glyph::raster(&scaled, size, id));
                if let Some(p) = prev {
                    x_shift += scaled.kern(p, glyph.id);
                }
                prev = Some(glyph.id);
                let shift = x_shift as i32;
                for &(x, y, a) in &glyph.pixels {
                    let (x, y) = trans.transform(x + shift + ox, y + oy);
                    let (x, y) = (pos.0 + x, pos.1 + y);
                    if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                        pixels.push(((x, y), a));
                    }
                }
                x_shift += glyph.advance;
            }
        });
        if !self.step(Rect::around(pixels.iter().map(|p| p.0), 0), None) {
            return Ok(());
        }
        let mut bitmap = self.bitmap();
        for (at, a) in pixels {
            bitmap.draw_pixel(at, color.mix(f64::from(a)))?;
        }
        Ok(())
    }
}

impl CachedText<'_> {
    /// Text plotters draws itself (another face, or a colour with an odd alpha): its
    /// pixels as plotters' default `draw_text` makes them, gathered first so the panels
    /// learn their box, then drawn in the same order.
    fn plotters_text<TStyle: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &TStyle,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<BitMapBackendError>> {
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let (ox, oy) = text_origin(style, text)?;
        let trans = style.transform();
        let (w, h) = self.size;
        let mut pixels: Vec<(BackendCoord, BackendColor)> = Vec::new();
        style
            .draw(text, (0, 0), |x, y, color| {
                let (x, y) = trans.transform(x + ox, y + oy);
                let (x, y) = (pos.0 + x, pos.1 + y);
                if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                    pixels.push(((x, y), color));
                }
                Ok::<(), DrawingErrorKind<BitMapBackendError>>(())
            })
            .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))??;
        if !self.step(Rect::around(pixels.iter().map(|p| p.0), 0), None) {
            return Ok(());
        }
        let mut bitmap = self.bitmap();
        for (at, color) in pixels {
            bitmap.draw_pixel(at, color)?;
        }
        Ok(())
    }
}

/// Where a text's first pixel goes from its anchor point: its laid-out box placed by the
/// style's anchor, as plotters places text.
fn text_origin<TStyle: BackendTextStyle>(
    style: &TStyle,
    text: &str,
) -> Result<(i32, i32), DrawingErrorKind<BitMapBackendError>> {
    let ((min_x, min_y), (max_x, max_y)) = style
        .layout_box(text)
        .map_err(|e| DrawingErrorKind::FontError(Box::new(e)))?;
    let (width, height) = (max_x - min_x, max_y - min_y);
    let dx = match style.anchor().h_pos {
        HPos::Left => 0,
        HPos::Right => -width,
        HPos::Center => -width / 2,
    };
    let dy = match style.anchor().v_pos {
        VPos::Top => 0,
        VPos::Center => -height / 2,
        VPos::Bottom => -height,
    };
    Ok((dx - min_x, dy - min_y))
}

#[cfg(test)]
mod tests {
    use plotters::style::text_anchor::Pos;

    use super::super::super::fixture::Fixture;
    use super::super::super::{register_font, specs};
    use super::super::{bold, draw, size, text};
    use super::*;

    /// The RGB pixels `paint` leaves on a white `w` x `h` bitmap, drawn through plotters'
    /// own backend and through [`CachedText`].
    fn both<F>(w: u32, h: u32, paint: F) -> (Vec<u8>, Vec<u8>)
    where
        F: Fn(&mut dyn FnMut(&str, TextStyle<'_>, (i32, i32))),
    {
        let mut plain = vec![255u8; (w * h * 3) as usize];
        let mut cached = plain.clone();
        {
            let root = BitMapBackend::with_buffer(&mut plain, (w, h)).into_drawing_area();
            paint(&mut |s, style, at| root.draw_text(s, &style, at).unwrap());
            root.present().unwrap();
        }
        {
            let backend = CachedText::new(&mut cached, (w, h), None).unwrap();
            let root = backend.into_drawing_area();
            paint(&mut |s, style, at| root.draw_text(s, &style, at).unwrap());
            root.present().unwrap();
        }
        (plain, cached)
    }

    #[test]
    fn text_is_drawn_pixel_for_pixel_as_plotters_draws_it() {
        register_font().unwrap();
        let (plain, cached) = both(420, 300, |put| {
            // Kerned pairs, a character drawn twice at two sizes, overlapping strings,
            // anchors, turned text, a colour with alpha, a character the font lacks, text
            // running off the edge.
            put("AVATAR To Wo 2026-W47", text(14.0), (5, 5));
            put("AVATAR To Wo 2026-W47", bold(22.0), (5, 30));
            put("Pyjama Ångström … 1,234.5", text(15.0), (5, 60));
            put("overlapping", text(14.0), (7, 62));
            let centred = text(16.0).pos(Pos::new(HPos::Center, VPos::Center));
            put("centred text", centred, (210, 120));
            let right = text(13.5).pos(Pos::new(HPos::Right, VPos::Bottom));
            put("right-bottom", right, (415, 150));
            let turned = text(15.0).transform(FontTransform::Rotate270);
            put("turned axis title", turned, (20, 290));
            let red = RGBColor(200, 30, 30).mix(0.4);
            put("faint red", text(14.0).color(&red), (100, 200));
            put("missing \u{10FFFF} glyph", text(14.0), (100, 230));
            put("off the edge to the right", bold(22.0), (330, 270));
        });
        assert!(plain.iter().any(|&b| b != 255), "the text drew nothing");
        assert!(plain == cached, "the cached glyphs changed pixels");
    }

    /// Every fixture chart, drawn on one worker's shared panels twice over (the second
    /// round copies every panel it can), has plotters' own pixels, and panels were copied.
    #[test]
    fn every_fixture_chart_has_plotters_pixels() {
        let f = Fixture::new();
        let inputs = f.inputs();
        let weeks: Vec<String> = inputs.weeks.iter().map(ToString::to_string).collect();
        let charts = specs(&inputs).unwrap();
        assert!(charts.len() >= 4);
        let panels = Panels::new();
        let mut cached = Vec::new();
        for round in 0..2 {
            for (name, chart) in &charts {
                let (w, h) = size(chart, weeks.len());
                let mut plain = vec![0u8; (w * h * 3) as usize];
                {
                    let root = BitMapBackend::with_buffer(&mut plain, (w, h)).into_drawing_area();
                    draw(chart, &weeks, &root, None).unwrap();
                    root.present().unwrap();
                }
                // The buffer a worker draws its charts on: zeroed, as for each chart.
                cached.clear();
                cached.resize((w * h * 3) as usize, 0);
                {
                    let backend = CachedText::new(&mut cached, (w, h), Some(&panels)).unwrap();
                    let root = backend.into_drawing_area();
                    draw(chart, &weeks, &root, Some(&panels)).unwrap();
                    root.present().unwrap();
                }
                assert!(plain == cached, "{name} (round {round}): pixels changed");
            }
        }
        // 3 sheets of 6 panels, twice: all but the first of each shared panel copied.
        assert!(panels.copied() >= 20, "{} panels copied", panels.copied());
    }

    /// Names in a script the font lacks (Chinese display names from JIRA) draw its one
    /// missing-glyph box, the same pixels as plotters, and cost the cache one entry per
    /// size, not one per character.
    #[test]
    fn characters_the_font_lacks_share_one_cached_glyph() {
        register_font().unwrap();
        let name: String = ('\u{4E00}'..='\u{4FFF}').collect();
        let entries = || GLYPHS.with_borrow(HashMap::len);
        let before = entries();
        let (plain, cached) = both(400, 60, |put| put(&name, text(13.0), (5, 5)));
        assert!(plain == cached, "the cached glyphs changed pixels");
        assert!(plain.iter().any(|&b| b != 255), "the boxes drew nothing");
        // 512 characters, all missing: one new entry at most (this thread may have drawn
        // the box at this size before).
        assert!(
            entries() - before <= 1,
            "{} entries added",
            entries() - before
        );
    }

    /// A style made with the bold style itself draws plotters' bold face, not the cached
    /// regular one (`bold()` keeps the regular face, and is drawn as plotters draws it).
    #[test]
    fn a_bold_face_style_is_drawn_by_plotters() {
        register_font().unwrap();
        let (plain, cached) = both(300, 80, |put| {
            let face = TextStyle::from((FONT, 22.0, FontStyle::Bold).into_font());
            put("Bold face W47", face, (5, 5));
            put("Bold face W47", bold(22.0), (5, 40));
        });
        assert!(plain.iter().any(|&b| b != 255), "the text drew nothing");
        assert!(
            plain == cached,
            "the bold face was drawn from the regular glyphs"
        );
    }
}
