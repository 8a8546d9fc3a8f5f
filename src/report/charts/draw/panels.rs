//! Panels that many charts share, rasterised once: every engineer's trend sheet draws the
//! same five percentage panels (caption, axes, labels, grid, targets, the team's reference
//! line) under its own line, and only that line differs. A worker keeps a panel's pixels
//! as they stand before its last series the second time it draws that panel (so panels
//! no other sheet shares are never kept); a later sheet whose
//! panel would draw exactly the same (same key: place, size, text, ticks, targets and
//! series before the last) skips those drawing steps and copies the pixels instead.
//!
//! The copy is exact only if nothing else touched the panel's pixels before it and the
//! skipped steps touched nothing outside the panel. The PNG backend ([`super::CachedText`])
//! reports every drawing step's bounding box here (padded for line widths, joins and
//! anti-aliasing), and a panel is kept or copied only while both hold; otherwise it is
//! drawn step by step as before.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};

/// A rectangle of pixels, ends excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rect {
    pub x0: i32,
    pub y0: i32,
    pub x1: i32,
    pub y1: i32,
}

impl Rect {
    /// The pixels within `pad` of the points (a box around a line of that half-width).
    pub fn around(points: impl IntoIterator<Item = (i32, i32)>, pad: i32) -> Option<Rect> {
        let mut r: Option<Rect> = None;
        for (x, y) in points {
            let b = r.get_or_insert(Rect {
                x0: x,
                y0: y,
                x1: x + 1,
                y1: y + 1,
            });
            b.x0 = b.x0.min(x);
            b.y0 = b.y0.min(y);
            b.x1 = b.x1.max(x + 1);
            b.y1 = b.y1.max(y + 1);
        }
        r.map(|b| Rect {
            x0: b.x0.saturating_sub(pad),
            y0: b.y0.saturating_sub(pad),
            x1: b.x1.saturating_add(pad),
            y1: b.y1.saturating_add(pad),
        })
    }

    fn meets(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }

    fn within(&self, o: &Rect) -> bool {
        self.x0 >= o.x0 && self.x1 <= o.x1 && self.y0 >= o.y0 && self.y1 <= o.y1
    }
}

/// A panel's pixels before its last series, as rows of RGB.
struct Kept {
    rect: Rect,
    rgb: Vec<u8>,
}

/// Where the chart being drawn stands.
#[derive(Default)]
enum Phase {
    /// Outside a panel that could be shared.
    #[default]
    Free,
    /// Drawing a shared panel's background: `copy` when its pixels are kept (the steps are
    /// skipped), `clean` while every step stayed inside the panel.
    Background {
        rect: Rect,
        key: String,
        copy: bool,
        clean: bool,
    },
}

/// What to do with the pixels before the next drawing step.
enum Pending {
    Copy(String),
    Keep(String, Rect),
}

#[derive(Default)]
struct State {
    kept: HashMap<String, Kept>,
    /// Hashes of the keys drawn once: a panel is kept the second time it is drawn, so a
    /// panel no other sheet shares (an axis fitted to one engineer's values) costs no
    /// pixels. A collision only keeps a panel early.
    seen: HashSet<u64>,
    /// The colour the chart's first step filled it with, whole; no sharing without one.
    ground: Option<(u8, u8, u8)>,
    size: (u32, u32),
    /// The boxes of every step drawn on the chart since it was filled.
    touched: Vec<Rect>,
    phase: Phase,
    pending: Option<Pending>,
    copied: usize,
}

/// The shared panels of one worker's charts (a sheet's panels are drawn one at a time, on
/// one thread).
#[derive(Default)]
pub struct Panels {
    state: RefCell<State>,
}

/// At most this many panels kept per worker (about 1.3 MB each for a 2-year window).
const MAX_KEPT: usize = 32;

impl Panels {
    /// No panel kept yet.
    pub fn new() -> Panels {
        Panels::default()
    }

    /// How many panels were copied instead of drawn.
    #[cfg(test)]
    pub fn copied(&self) -> usize {
        self.state.borrow().copied
    }

    /// A new chart of `size` begins.
    pub(super) fn start(&self, size: (u32, u32)) {
        let mut s = self.state.borrow_mut();
        s.ground = None;
        s.size = size;
        s.touched.clear();
        s.phase = Phase::Free;
        s.pending = None;
    }

    /// The panel at `rect` begins; `key` says everything its steps up to its last series
    /// are drawn from.
    pub fn enter(&self, rect: Rect, key: String) {
        let s = &mut *self.state.borrow_mut();
        let Some(ground) = s.ground else {
            return;
        };
        if s.touched.iter().any(|t| t.meets(&rect)) {
            return;
        }
        let key = format!("{:?} {ground:?} {rect:?} {key}", s.size);
        let copy = s.kept.get(&key).is_some_and(|k| k.rect == rect);
        s.phase = Phase::Background {
            rect,
            key,
            copy,
            clean: true,
        };
    }

    /// The panel's steps up to its last series are done.
    pub fn background_done(&self) {
        let s = &mut *self.state.borrow_mut();
        if let Phase::Background {
            rect,
            key,
            copy,
            clean,
        } = std::mem::take(&mut s.phase)
        {
            if copy {
                s.pending = Some(Pending::Copy(key));
            } else if clean && s.kept.len() < MAX_KEPT {
                let mut hasher = DefaultHasher::new();
                key.hash(&mut hasher);
                if !s.seen.insert(hasher.finish()) {
                    s.pending = Some(Pending::Keep(key, rect));
                }
            }
        }
    }

    /// Called by the backend before each drawing step that may touch the pixels in
    /// `bounds` (None: no pixel), with the chart's pixels; `whole`: the step fills the
    /// whole chart with that opaque colour. Settles what is pending, then says whether to
    /// draw the step (false while a kept panel stands in for it).
    pub(super) fn step(
        &self,
        bounds: Option<Rect>,
        whole: Option<(u8, u8, u8)>,
        rgb: &mut [u8],
    ) -> bool {
        let s = &mut *self.state.borrow_mut();
        s.settle(rgb);
        let Some(bounds) = bounds else {
            return true;
        };
        // Outside a panel, such a fill leaves nothing of what was drawn before.
        if let (Some(color), Phase::Free) = (whole, &s.phase) {
            s.ground = Some(color);
            s.touched.clear();
            return true;
        }
        s.touched.push(bounds);
        match &mut s.phase {
            Phase::Background {
                rect, copy, clean, ..
            } => {
                if !bounds.within(rect) {
                    *clean = false;
                }
                // A kept panel was drawn by these very steps, all inside it.
                !*copy
            }
            Phase::Free => true,
        }
    }

    /// Settles what is pending before the chart's pixels are read.
    pub(super) fn finish(&self, rgb: &mut [u8]) {
        self.state.borrow_mut().settle(rgb);
    }
}

impl State {
    /// Copies a kept panel into the chart, or keeps the panel just drawn.
    fn settle(&mut self, rgb: &mut [u8]) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        let stride = self.size.0 as usize * 3;
        let rows = |r: &Rect| {
            let (x0, x1) = (r.x0.max(0) as usize, r.x1.max(0) as usize);
            let (y0, y1) = (r.y0.max(0) as usize, r.y1.max(0) as usize);
            (
                x0 * 3..x1.min(self.size.0 as usize) * 3,
                y0..y1.min(self.size.1 as usize),
            )
        };
        match pending {
            Pending::Copy(key) => {
                if let Some(kept) = self.kept.get(&key) {
                    let (cols, ys) = rows(&kept.rect);
                    let width = cols.len();
                    for (k, y) in ys.enumerate() {
                        let at = y * stride;
                        rgb[at + cols.start..at + cols.end]
                            .copy_from_slice(&kept.rgb[k * width..(k + 1) * width]);
                    }
                    self.copied += 1;
                }
            }
            Pending::Keep(key, rect) => {
                let (cols, ys) = rows(&rect);
                let mut kept = Vec::with_capacity(cols.len() * ys.len());
                for y in ys {
                    let at = y * stride;
                    kept.extend_from_slice(&rgb[at + cols.start..at + cols.end]);
                }
                self.kept.insert(key, Kept { rect, rgb: kept });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use plotters::prelude::*;
    use proptest::prelude::*;

    use super::super::super::register_font;
    use super::super::super::spec::{BLUE, Chart, GREY, Mark, Panel, RED, Series, Sheet};
    use super::super::{CachedText, draw, size};
    use super::Panels;

    /// A sheet of two panels for one engineer: a percentage panel and one fitted to the
    /// values, each with the team's line (the same on every sheet) under the engineer's.
    fn sheet(team: &[Option<f64>], own: &[Option<f64>], target: f64) -> Chart {
        let panel = |title: &str, percent: bool| Panel {
            title: title.into(),
            y_desc: "value".into(),
            percent,
            series: vec![
                Series {
                    label: "team median".into(),
                    values: team.to_vec(),
                    color: GREY,
                    mark: Mark::DashedLine,
                },
                Series {
                    label: "=Eve".into(),
                    values: own.to_vec(),
                    color: BLUE,
                    mark: Mark::Line,
                },
            ],
            targets: vec![("goal ≥ 95".into(), target, RED)],
        };
        Chart::Sheet(Sheet {
            title: "=Eve: weekly trends".into(),
            legend: vec![("=Eve".into(), BLUE, Mark::Line)],
            panels: vec![panel("Acks within SLA", true), panel("Ack p90", false)],
        })
    }

    /// A value or none for each week, from 0 to `top`: an engineer's past 100 on a
    /// percentage panel runs out of it, which must not change a pixel either.
    fn values(weeks: usize, top: f64) -> impl Strategy<Value = Vec<Option<f64>>> {
        proptest::collection::vec(proptest::option::of(0.0..top), weeks)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(6))]
        /// Sheets drawn one after another on one worker's shared panels have exactly the
        /// pixels plotters draws for each alone, whatever their values.
        #[test]
        fn shared_panels_draw_plotters_pixels(
            (weeks, team, owns) in (1usize..30).prop_flat_map(|n| {
                (Just(n), values(n, 100.0), proptest::collection::vec(values(n, 130.0), 3))
            }),
            target in 50.0..120.0f64,
        ) {
            register_font().unwrap();
            let labels: Vec<String> = (0..weeks).map(|i| format!("2026-W{:02}", i + 1)).collect();
            let panels = Panels::new();
            let mut cached = Vec::new();
            for own in owns.iter().chain(&owns) {
                let chart = sheet(&team, own, target);
                let (w, h) = size(&chart, weeks);
                let mut plain = vec![0u8; (w * h * 3) as usize];
                {
                    let root = BitMapBackend::with_buffer(&mut plain, (w, h)).into_drawing_area();
                    draw(&chart, &labels, &root, None).unwrap();
                    root.present().unwrap();
                }
                cached.resize((w * h * 3) as usize, 7);
                {
                    let backend = CachedText::new(&mut cached, (w, h), Some(&panels)).unwrap();
                    let root = backend.into_drawing_area();
                    draw(&chart, &labels, &root, Some(&panels)).unwrap();
                    root.present().unwrap();
                }
                prop_assert!(plain == cached, "pixels changed");
            }
            // With the target on the percentage axis (and the team's line, at most 100),
            // that panel is kept from the second sheet on and copied into the four after.
            if target <= 100.0 {
                prop_assert!(panels.copied() >= 4, "{} panels copied", panels.copied());
            }
        }
    }
}
