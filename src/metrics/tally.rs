//! What every metric family shares when it sums its items into weekly rows: the rows it
//! fills while tallying, how it answers a weekly column, and the statistics its columns
//! are made of (percentages and percentiles). Every family imports this; it imports no
//! family.

use std::collections::{BTreeMap, HashMap};

use crate::metrics::columns::Col;
use crate::week::Week;

/// One family's rows while it tallies: keyed by (week, person) borrowed from the items, so
/// the millions of items add to their rows without copying ids.
pub type Tally<'a, T> = BTreeMap<(Week, &'a str), T>;

/// A fixed, fast hash for keys made of weeks, ids and indices: the tallies and the feedback
/// look keys up millions of times, and nothing hashed comes from an adversary choosing
/// collisions beyond what one report's own ids allow.
pub type FastHash = foldhash::fast::FixedState;

/// One family's rows as the report tallies them: unordered, found by hash (the rows are put
/// in (week, person) order once, when the families' rows join).
pub type FastTally<'a, T> = HashMap<(Week, &'a str), T, FastHash>;

/// Where a family's tally adds what it counts: the row of a (week, person), made empty on
/// first use. Tests read ordered [`Tally`] rows; the report fills [`FastTally`] rows.
pub trait Rows<'a, T> {
    /// The row of `who` in `week`.
    fn row(&mut self, week: Week, who: &'a str) -> &mut T;
}

impl<'a, T: Default> Rows<'a, T> for Tally<'a, T> {
    fn row(&mut self, week: Week, who: &'a str) -> &mut T {
        self.entry((week, who)).or_default()
    }
}

impl<'a, T: Default> Rows<'a, T> for FastTally<'a, T> {
    fn row(&mut self, week: Week, who: &'a str) -> &mut T {
        self.entry((week, who)).or_default()
    }
}

/// How a family answers one weekly column: the column, and its value read from the
/// family's part of a row, unrounded (`None`: an empty cell). Each family lists these as
/// its `VALUES`; the column's name, order and format come from `columns::COLUMNS`.
pub type Value<A> = (Col, fn(&A) -> Option<f64>);

/// A count as a column value.
pub fn count(n: u64) -> Option<f64> {
    Some(n as f64)
}

/// 100 × part / whole, or None without samples.
pub fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| 100.0 * part as f64 / whole as f64)
}

/// Linear interpolation between closest ranks (numpy's default method). Samples already
/// in order (the weekly rows put theirs in order once) are read in place, not copied.
pub fn percentile(samples: &[f64], q: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    if samples.is_sorted_by(|a, b| a.total_cmp(b).is_le()) {
        return Some(interpolate(samples, q));
    }
    let mut xs = samples.to_vec();
    xs.sort_by(f64::total_cmp);
    Some(interpolate(&xs, q))
}

/// The `q` percentile of sorted, non-empty `xs`.
fn interpolate(xs: &[f64], q: f64) -> f64 {
    let pos = q * (xs.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    xs[lo] + (xs[hi] - xs[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_linearly() {
        let xs = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(percentile(&xs, 0.5), Some(2.5));
        assert!((percentile(&xs, 0.9).unwrap() - 3.7).abs() < 1e-9);
        assert_eq!(percentile(&[7.0], 0.9), Some(7.0));
        assert_eq!(percentile(&[], 0.5), None);
        assert_eq!(percentile(&[10.0, 0.0], 0.9), Some(9.0));
    }

    /// Sorted samples read in place give what a sorted copy gives, for every order of
    /// samples with repeats, signed zeros and fractions, at several percentiles.
    #[test]
    fn sorted_samples_read_in_place_as_copies() {
        let base = [3.5, -0.0, 0.0, 12.25, 3.5, -7.0, 1e9, 0.1];
        let copied = |xs: &[f64], q: f64| {
            let mut v = xs.to_vec();
            v.sort_by(f64::total_cmp);
            let pos = q * (v.len() - 1) as f64;
            let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
            v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
        };
        for n in 1..=base.len() {
            for rot in 0..n {
                let mut xs = base[..n].to_vec();
                xs.rotate_left(rot);
                let mut sorted = xs.clone();
                sorted.sort_by(f64::total_cmp);
                for q in [0.0, 0.25, 0.5, 0.9, 1.0] {
                    let want = copied(&xs, q).to_bits();
                    assert_eq!(percentile(&xs, q).map(f64::to_bits), Some(want));
                    assert_eq!(percentile(&sorted, q).map(f64::to_bits), Some(want));
                }
            }
        }
    }

    #[test]
    fn percentages_need_samples() {
        assert_eq!(pct(0, 0), None);
        assert_eq!(pct(2, 3).map(|p| (p * 10.0).round() / 10.0), Some(66.7));
    }
}
