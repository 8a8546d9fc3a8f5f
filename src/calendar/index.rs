//! The open intervals of a span of years, walked once, with the open time before each: a
//! business clock's elapsed time and deadline become two binary searches instead of a walk
//! over every date they span (a 48-hour business target walks a week of dates, and a large
//! report starts hundreds of thousands of such clocks). The walk stays the definition:
//! the span is walked by it, and a question reaching outside the span is answered by it.

use super::Calendar;
use super::day::OpenIntervals;

const DAY_MS: i64 = 86_400_000;
/// Dates a span covers at most: ten years either side of the first question.
const MAX_DAYS: i64 = 2 * 10 * 366;
/// Intervals a span holds at most (8 MiB of them), for calendars with many ranges a day.
const MAX_INTERVALS: i64 = 1 << 19;
/// 1900-01-01T00:00:00Z and 9999-01-01T00:00:00Z in ms: a span stays within the years a
/// report reads, far inside the dates chrono holds, so the walk never stops early.
const FIRST_MS: i64 = -2_208_988_800_000;
const LAST_MS: i64 = 253_370_764_800_000;

/// The calendar's open time over `[from, until)`: the disjoint open intervals the walk from
/// `from` yields up to `until` (the last may reach past it), in time order.
#[derive(Debug)]
pub(super) struct Span {
    from: i64,
    until: i64,
    intervals: Vec<(i64, i64)>,
    /// `before[i]`: open milliseconds of `intervals[..i]`; one more entry than intervals.
    before: Vec<i64>,
}

impl Span {
    /// The span around instant `around` (ms); None when `around` lies outside the years a
    /// report reads.
    pub(super) fn around(cal: &Calendar, around: i64) -> Option<Span> {
        let per_day = cal.week.iter().map(Vec::len).max().unwrap_or(0).max(1) as i64;
        Span::within(
            cal,
            around,
            (MAX_INTERVALS / per_day).min(MAX_DAYS) / 2 * DAY_MS,
        )
    }

    /// The span `[around - half, around + half)` (ms), cut to the years a report reads.
    pub(super) fn within(cal: &Calendar, around: i64, half: i64) -> Option<Span> {
        if !(FIRST_MS..LAST_MS).contains(&around) {
            return None;
        }
        let (from, until) = ((around - half).max(FIRST_MS), (around + half).min(LAST_MS));
        let intervals: Vec<(i64, i64)> = OpenIntervals::new(cal, from, until).collect();
        let mut before = Vec::with_capacity(intervals.len() + 1);
        let mut sum = 0;
        before.push(sum);
        for (start, end) in &intervals {
            sum += end - start;
            before.push(sum);
        }
        Some(Span {
            from,
            until,
            intervals,
            before,
        })
    }

    /// Open milliseconds in `[from, t)`, for `t` within the span.
    fn open_before(&self, t: i64) -> i64 {
        let k = self.intervals.partition_point(|(start, _)| *start < t);
        let past = match k.checked_sub(1) {
            Some(i) => (self.intervals[i].1 - t).max(0),
            None => 0,
        };
        self.before[k] - past
    }

    /// Open milliseconds in `[a, b)` (`a < b`), when both lie within the span.
    pub(super) fn elapsed_ms(&self, a: i64, b: i64) -> Option<i64> {
        (self.from <= a && b <= self.until).then(|| self.open_before(b) - self.open_before(a))
    }

    /// The earliest instant (ms) with `need` (> 0) open milliseconds in `[start, it)`, when
    /// `start` lies within the span and the span holds that much open time after it.
    pub(super) fn deadline_ms(&self, start: i64, need: i64) -> Option<i64> {
        if !(self.from..=self.until).contains(&start) {
            return None;
        }
        let goal = self.open_before(start).checked_add(need)?;
        // The first interval by whose end the open time reaches the goal; the walk returns
        // an interval's end itself when the goal falls exactly on it.
        let i = self.before[1..].partition_point(|sum| *sum < goal);
        let (_, end) = self.intervals.get(i)?;
        Some(end - (self.before[i + 1] - goal))
    }
}
