//! Turns a calendar's local open ranges into instants: the open intervals of each local date,
//! walked date by date, merged into disjoint intervals in time order. The mapping rules for
//! DST gaps and repeated hours are described in the parent module.

use chrono::{Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone};
use chrono_tz::GapInfo;

use super::{Calendar, zone};

const DAY_SECS: u32 = 86_400;
const DAY_MS: i64 = 86_400_000;

/// Which instant a repeated local time maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edge {
    /// A range start: the earliest instant.
    Start,
    /// A range end: the latest instant, unless the end is the first repeated second (then
    /// every earlier wall-clock time lies before the clock goes back).
    End,
}

/// Where a local time falls, as milliseconds since the epoch, and whether the zone maps it to
/// exactly one instant.
#[derive(Debug, Clone, Copy)]
struct Mapped {
    ms: i64,
    single: bool,
}

impl Calendar {
    /// The instant of wall-clock `secs` after midnight on `date` (86400 = next midnight);
    /// `None` only past the end of chrono's dates.
    fn local_instant(&self, date: NaiveDate, secs: u32, edge: Edge) -> Option<Mapped> {
        let (date, secs) = if secs >= DAY_SECS {
            (date.succ_opt()?, 0)
        } else {
            (date, secs)
        };
        let wall = zone::midnight_secs(date) + i64::from(secs);
        let mapped = match zone::local_to_utc(self.tz, wall) {
            LocalResult::Single(t) => Mapped {
                ms: t * 1000,
                single: true,
            },
            LocalResult::Ambiguous(earliest, latest) => {
                // An end at the very first repeated second closes before the clock goes back:
                // `00:00-01:00` is one hour, not two, when 01:00-02:00 repeats.
                let inside_repeat = || {
                    matches!(
                        zone::local_to_utc(self.tz, wall - 1),
                        LocalResult::Ambiguous(..)
                    )
                };
                let t = match edge {
                    Edge::End if inside_repeat() => latest,
                    _ => earliest,
                };
                Mapped {
                    ms: t * 1000,
                    single: false,
                }
            }
            LocalResult::None => {
                let local = date.and_time(NaiveTime::from_num_seconds_from_midnight_opt(secs, 0)?);
                Mapped {
                    ms: self.gap_end_ms(&local),
                    single: false,
                }
            }
        };
        Some(mapped)
    }

    /// The first instant after the spring-forward gap that swallows `local`.
    fn gap_end_ms(&self, local: &NaiveDateTime) -> i64 {
        match GapInfo::new(local, &self.tz).and_then(|gap| gap.end) {
            Some(end) => end.timestamp_millis(),
            // chrono-tz leaves the end unknown only for a gap at the edge of its tables;
            // reading the local time with the offset in force there is the best remaining guess.
            None => {
                let offset = self.tz.offset_from_utc_datetime(local).fix();
                (local.and_utc().timestamp() - i64::from(offset.local_minus_utc())) * 1000
            }
        }
    }
}

/// The open intervals of a calendar from `from` on, as disjoint `[start, end)` millisecond
/// pairs in time order, clipped to start at or after `from`. Ends once an interval would start
/// at or after `until`.
pub(super) struct OpenIntervals<'a> {
    cal: &'a Calendar,
    until: i64,
    /// Everything before this instant has been yielded (or lies before `from`).
    covered: i64,
    /// The next date to load, with the instant of its midnight; `None` once past chrono's dates.
    next: Option<(NaiveDate, Mapped)>,
    /// Intervals of the loaded date, not yet yielded, in reverse order (popped from the back).
    pending: Vec<(i64, i64)>,
    done: bool,
}

impl<'a> OpenIntervals<'a> {
    pub(super) fn new(cal: &'a Calendar, from: i64, until: i64) -> OpenIntervals<'a> {
        // A date's intervals lie between its own midnight and the next one (give or take a
        // repeated hour), so starting a date early is enough to see every interval reaching `from`.
        let first = chrono::DateTime::from_timestamp_millis(from)
            .map(|t| zone::local_date(t, cal.tz))
            .and_then(|d| d.pred_opt());
        let next = first.and_then(|d| Some((d, cal.local_instant(d, 0, Edge::Start)?)));
        OpenIntervals {
            cal,
            until,
            covered: from,
            next,
            pending: Vec::new(),
            done: false,
        }
    }

    /// Loads the next date's intervals into `pending`; false once there is nothing left.
    fn load_next_date(&mut self) -> bool {
        let Some((date, midnight)) = self.next else {
            return false;
        };
        if midnight.ms >= self.until {
            return false;
        }
        let Some(following) = date.succ_opt() else {
            return false;
        };
        let Some(next_midnight) = self.cal.local_instant(following, 0, Edge::Start) else {
            return false;
        };
        self.next = Some((following, next_midnight));
        if self.cal.holidays.contains(&date) {
            return true;
        }
        let ranges = &self.cal.week[date.weekday().num_days_from_monday() as usize];
        // A plain 24-hour date maps every wall-clock second to midnight + that second, so
        // only dates with a DST change need a zone lookup per range.
        let plain =
            midnight.single && next_midnight.single && next_midnight.ms - midnight.ms == DAY_MS;
        for &(start, end) in ranges.iter().rev() {
            let interval = if plain {
                Some((
                    midnight.ms + i64::from(start) * 1000,
                    midnight.ms + i64::from(end) * 1000,
                ))
            } else {
                self.cal
                    .local_instant(date, start, Edge::Start)
                    .zip(self.cal.local_instant(date, end, Edge::End))
                    .map(|(s, e)| (s.ms, e.ms))
            };
            if let Some((start, end)) = interval.filter(|(s, e)| s < e) {
                self.pending.push((start, end));
            }
        }
        true
    }
}

impl Iterator for OpenIntervals<'_> {
    type Item = (i64, i64);

    fn next(&mut self) -> Option<(i64, i64)> {
        while !self.done {
            let Some((start, end)) = self.pending.pop() else {
                self.done = !self.load_next_date();
                continue;
            };
            // Starts come in time order (earlier wall-clock times never map to later
            // instants), so clipping to what is already covered yields a disjoint union.
            let start = start.max(self.covered);
            if start >= self.until {
                self.done = true;
            } else if end > start {
                self.covered = end;
                return Some((start, end));
            }
        }
        None
    }
}
