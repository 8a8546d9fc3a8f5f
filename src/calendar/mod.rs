//! Business time: open hours per weekday in a zone, minus holidays (SPEC §3 "Business
//! calendar"). This module owns the arithmetic every business-hours SLA clock uses: how many
//! business seconds lie in `[a, b)` ([`Calendar::elapsed`]) and when a target runs out
//! ([`Calendar::deadline`]). Parsing `09:00-18:00` strings and holiday files is config's job.
//!
//! # Local times and DST
//!
//! Open ranges are wall-clock times in the calendar's zone, so on DST days they cover the real
//! instants: `00:00-04:00` is 3 h on a spring-forward day and 5 h on a fall-back day. A range
//! `[start, end)` of a date becomes the instants `[instant(start), instant(end))`, where a
//! local time maps to an instant by these rules:
//!
//! - a time skipped by a spring-forward gap maps to the transition instant, the first instant
//!   after the gap (so a range lying wholly inside the gap is empty);
//! - a range start in a repeated (fall-back) hour maps to its earliest instant and a range end
//!   to its latest, so `00:00-01:30` on a fall-back day covers both passes of 01:00-01:30;
//!   an end exactly at the first repeated time (01:00 when 01:00-02:00 repeats) takes its
//!   earliest instant, since no time before it is repeated: `00:00-01:00` stays one hour;
//! - `24:00` is 00:00 of the next date (that is how a night shift `22:00-24:00` +
//!   `00:00-06:00` joins seamlessly across midnight).
//!
//! Open time is the union of those instant ranges: where two ranges overlap in instants (a
//! range ending and the next starting inside a repeated hour) the overlap counts once. A
//! holiday (a date in the calendar's zone) closes every range of that date.
//!
//! # Precision
//!
//! Work is done in whole milliseconds, the precision JIRA timestamps carry (any finer part of
//! an input is dropped). [`Calendar::elapsed_ms`] is exact; [`Calendar::elapsed`] is its
//! floor in whole seconds, hence exact and additive for whole-second inputs. A deadline is the
//! earliest millisecond at which the target is reached, so a clock started at `10:00:00.500`
//! on an open calendar with a 60 s target has its deadline at `10:01:00.500`.
//!
//! # Cost
//!
//! The first question walks the dates of the years around it once (`index`): one zone
//! lookup per date, plus one per range on the rare dates whose length is not 24 h (a DST
//! change), and keeps the open intervals with the open time before each; every question
//! within those years is then two binary searches. A question reaching outside them walks
//! its own dates the same way. Nothing loops per second or minute. The per-date shortcut assumes no zone changes its offset twice within a
//! single day, which holds for every zone of the tz database from 1900 to 2100. Zone lookups
//! go through [`zone`], which answers as chrono-tz does from the span of constant offset last
//! used instead of searching the zone's whole history each time.

mod day;
mod index;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
pub mod zone;

use std::collections::BTreeSet;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate};
use chrono_tz::Tz;

use crate::model::Ts;

use day::OpenIntervals;
use index::Span;

/// Weekly open hours in a zone, minus holidays. Fixed once built (the fields are read through
/// methods only): the open time of the years around the first question is found then and
/// kept, and a field changed later would leave it answering for the old hours (a clone
/// keeps none and finds its own).
#[derive(Debug)]
pub struct Calendar {
    tz: Tz,
    /// Open ranges per weekday, Monday first: [start, end) in seconds after local midnight,
    /// sorted, non-overlapping, end <= 86400.
    week: [Vec<(u32, u32)>; 7],
    holidays: BTreeSet<NaiveDate>,
    /// The open intervals of the years around the first question, walked once.
    span: OnceLock<Option<Span>>,
}

impl Clone for Calendar {
    fn clone(&self) -> Calendar {
        Calendar {
            tz: self.tz,
            week: self.week.clone(),
            holidays: self.holidays.clone(),
            span: OnceLock::new(),
        }
    }
}

impl PartialEq for Calendar {
    /// The same zone, open hours and holidays (what is kept of earlier questions aside).
    fn eq(&self, other: &Calendar) -> bool {
        self.tz == other.tz && self.week == other.week && self.holidays == other.holidays
    }
}

/// Deadlines are searched up to this instant (10000-01-01T00:00:00Z, in ms): a target that
/// would run out later never does, as far as any report can tell.
const HORIZON_MS: i64 = 253_402_300_800_000;

impl Calendar {
    /// Validates the ranges (sorted, disjoint, within a day).
    pub fn new(
        tz: Tz,
        week: [Vec<(u32, u32)>; 7],
        holidays: BTreeSet<NaiveDate>,
    ) -> Result<Calendar, String> {
        for ranges in &week {
            let mut prev_end = 0;
            for &(start, end) in ranges {
                if start >= end || end > 86_400 || start < prev_end {
                    return Err(format!(
                        "open hours must be increasing, non-overlapping ranges within one day (got {:02}:{:02}-{:02}:{:02})",
                        start / 3600,
                        start % 3600 / 60,
                        end / 3600,
                        end % 3600 / 60
                    ));
                }
                prev_end = end;
            }
        }
        Ok(Calendar {
            tz,
            week,
            holidays,
            span: OnceLock::new(),
        })
    }

    /// The zone the open hours are in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Open ranges per weekday, Monday first: [start, end) in seconds after local midnight.
    pub fn week(&self) -> &[Vec<(u32, u32)>; 7] {
        &self.week
    }

    /// The dates on which nothing is open.
    pub fn holidays(&self) -> &BTreeSet<NaiveDate> {
        &self.holidays
    }

    /// Business seconds in [a, b), rounded down to a whole second; 0 when b <= a.
    pub fn elapsed(&self, a: Ts, b: Ts) -> i64 {
        self.elapsed_ms(a, b) / 1000
    }

    /// Business milliseconds in [a, b); 0 when b <= a.
    pub fn elapsed_ms(&self, a: Ts, b: Ts) -> i64 {
        let (a, b) = (a.timestamp_millis(), b.timestamp_millis());
        if b <= a {
            return 0;
        }
        if let Some(ms) = self.span(a).and_then(|s| s.elapsed_ms(a, b)) {
            return ms;
        }
        self.walk_elapsed_ms(a, b)
    }

    /// The open time of the years around the first question (`at`, ms), found then.
    fn span(&self, at: i64) -> Option<&Span> {
        self.span.get_or_init(|| Span::around(self, at)).as_ref()
    }

    /// [`Calendar::elapsed_ms`] by walking the dates from `a` to `b` (`a < b`, in ms).
    fn walk_elapsed_ms(&self, a: i64, b: i64) -> i64 {
        OpenIntervals::new(self, a, b)
            .map(|(start, end)| end.min(b) - start)
            .sum()
    }

    /// The earliest t with elapsed(start, t) == target seconds. A clock started while closed
    /// begins at the next opening; a target <= 0 gives `start`. `None` means never: the
    /// calendar has no open hours at all, or the target would run out after the year 9999.
    pub fn deadline(&self, start: Ts, target: i64) -> Option<Ts> {
        if target <= 0 {
            return Some(start);
        }
        // Without this, the walk below would visit every date up to the horizon in vain.
        if self.week.iter().all(Vec::is_empty) {
            return None;
        }
        let need = target.checked_mul(1000)?;
        let from = start.timestamp_millis();
        if let Some(ms) = self.span(from).and_then(|s| s.deadline_ms(from, need)) {
            return DateTime::from_timestamp_millis(ms);
        }
        self.walk_deadline(start, need)
    }

    /// [`Calendar::deadline`] of `need` (> 0) milliseconds by walking the dates from `start`.
    fn walk_deadline(&self, start: Ts, mut need: i64) -> Option<Ts> {
        for (open, close) in OpenIntervals::new(self, start.timestamp_millis(), HORIZON_MS) {
            if close - open >= need {
                return DateTime::from_timestamp_millis(open + need);
            }
            need -= close - open;
        }
        None
    }
}
