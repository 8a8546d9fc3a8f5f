//! The generated period in the team's zone (Europe/London): its weeks, two company
//! holidays, when tickets arrive, and the business-hours arithmetic the scripts use to aim
//! responses before or after a deadline.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;

use super::rng::Rng;
use crate::model::Ts;

/// The zone of the team and of the business calendar written into the config.
pub const ZONE: Tz = chrono_tz::Europe::London;

/// Business hours of the written calendar (the SPEC's defaults), seconds after midnight.
const OPEN: u32 = 9 * 3600;
const CLOSE: u32 = 18 * 3600;

/// The weeks being generated.
#[derive(Debug, Clone)]
pub struct Window {
    pub first_day: NaiveDate,
    /// Local midnight of the Monday after the last week; nothing happens at or after it.
    pub end: Ts,
    /// Two weekdays inside the window, written to `[calendar] holidays`.
    pub holidays: [NaiveDate; 2],
    /// Running sum of the arrival weight of each day, for stratified creation times.
    arrivals: Vec<f64>,
}

impl Window {
    /// The `weeks` weeks before `end` (a Monday).
    pub fn new(end: NaiveDate, weeks: u32) -> Window {
        let days = weeks * 7;
        let first_day = end - Duration::days(i64::from(days));
        // One holiday on a Monday a third of the way in, one on a Friday two thirds in.
        let monday = first_day + Duration::weeks(i64::from(weeks / 3));
        let friday = first_day + Duration::weeks(i64::from(weeks * 2 / 3)) + Duration::days(4);
        let holidays = [monday, friday];
        let mut arrivals = Vec::with_capacity(days as usize);
        let mut sum = 0.0;
        for d in 0..days {
            let date = first_day + Duration::days(i64::from(d));
            // Customers file fewer tickets on weekends and holidays, but some always come in.
            sum += if holidays.contains(&date) {
                0.5
            } else if is_weekend(date) {
                0.3
            } else {
                1.0
            };
            arrivals.push(sum);
        }
        Window {
            first_day,
            end: local(end, 0),
            holidays,
            arrivals,
        }
    }

    /// True on Monday to Friday outside the holidays.
    pub fn is_workday(&self, date: NaiveDate) -> bool {
        !is_weekend(date) && !self.holidays.contains(&date)
    }

    /// The creation time of ticket `i` of `n`. Tickets are spread by stratified sampling over
    /// the days' weights, so even a small run has tickets on every holiday and weekend.
    pub fn creation(&self, i: usize, n: usize, rng: &mut Rng) -> Ts {
        let total = self.arrivals.last().copied().unwrap_or(0.0);
        let position = (i as f64 + rng.unit()) / n.max(1) as f64 * total;
        let day = self
            .arrivals
            .partition_point(|&s| s <= position)
            .min(self.arrivals.len() - 1);
        let date = self.first_day + Duration::days(day as i64);
        let second = if self.is_workday(date) && rng.chance(0.85) {
            rng.range(i64::from(OPEN) - 3600, i64::from(CLOSE)) as u32
        } else if self.is_workday(date) {
            // Night: 18:00 to 08:00, folded into this date.
            let s = rng.range(0, 14 * 3600) as u32;
            if s < 6 * 3600 {
                CLOSE + s
            } else {
                s - 6 * 3600
            }
        } else {
            rng.range(0, 86_400) as u32
        };
        local(date, second)
    }

    /// The earliest instant at which `secs` of business time (Mon–Fri 09:00–18:00 local,
    /// minus holidays) have passed since `start`.
    pub fn business_deadline(&self, start: Ts, secs: i64) -> Ts {
        let mut t = start;
        let mut remaining = secs;
        loop {
            let date = t.with_timezone(&ZONE).date_naive();
            if self.is_workday(date) {
                let open = local(date, OPEN);
                let close = local(date, CLOSE);
                if t < open {
                    t = open;
                }
                if t < close {
                    let available = (close - t).num_seconds();
                    if remaining <= available {
                        return t + Duration::seconds(remaining);
                    }
                    remaining -= available;
                }
            }
            t = next_midnight(t);
        }
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The instant of a local wall-clock time on `date`; a time skipped by a DST change maps to
/// the hour after it.
pub fn local(date: NaiveDate, second: u32) -> Ts {
    let time =
        NaiveTime::from_num_seconds_from_midnight_opt(second.min(86_399), 0).unwrap_or_default();
    let naive = date.and_time(time);
    let instant = ZONE.from_local_datetime(&naive).earliest().or_else(|| {
        ZONE.from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
    });
    match instant {
        Some(t) => t.to_utc(),
        // Unreachable for Europe/London, whose gaps last one hour; fall back to reading the
        // wall time as UTC rather than failing.
        None => naive.and_utc(),
    }
}

/// The next local midnight after `t`.
pub fn next_midnight(t: Ts) -> Ts {
    let date = t.with_timezone(&ZONE).date_naive();
    local(date + Duration::days(1), 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{fmt_ts, parse_ts};

    fn ts(s: &str) -> Ts {
        parse_ts(s).unwrap()
    }

    #[test]
    fn default_window_spans_ten_weeks_with_dst_inside() {
        let w = Window::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 10);
        assert_eq!(w.first_day, NaiveDate::from_ymd_opt(2026, 9, 14).unwrap());
        // Summer time at the start, winter time at the end.
        assert_eq!(fmt_ts(local(w.first_day, 0)), "2026-09-13T23:00:00Z");
        assert_eq!(fmt_ts(w.end), "2026-11-23T00:00:00Z");
        assert_eq!(w.holidays[0].to_string(), "2026-10-05");
        assert_eq!(w.holidays[1].to_string(), "2026-10-30");
        assert!(!w.is_workday(w.holidays[0]));
    }

    #[test]
    fn business_deadline_skips_nights_weekends_and_holidays() {
        let w = Window::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 10);
        // Friday 17:00 BST + 2h business = Monday 10:00 BST.
        let t = w.business_deadline(ts("2026-09-18T16:00:00Z"), 7200);
        assert_eq!(fmt_ts(t), "2026-09-21T09:00:00Z");
        // Friday 2 Oct 17:00 BST + 2h: Monday 5 Oct is a holiday, so Tuesday 10:00 BST.
        let t = w.business_deadline(ts("2026-10-02T16:00:00Z"), 7200);
        assert_eq!(fmt_ts(t), "2026-10-06T09:00:00Z");
        // Across the DST change: Friday 23 Oct 17:00 BST + 2h = Monday 26 Oct 10:00 GMT.
        let t = w.business_deadline(ts("2026-10-23T16:00:00Z"), 7200);
        assert_eq!(fmt_ts(t), "2026-10-26T10:00:00Z");
    }

    #[test]
    fn creation_times_are_ordered_by_day_and_inside_the_window() {
        let w = Window::new(NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(), 10);
        let mut rng = Rng::new(3, 0);
        let mut last_day = w.first_day;
        for i in 0..500 {
            let t = w.creation(i, 500, &mut rng);
            assert!(t >= local(w.first_day, 0) && t < w.end);
            let day = t.with_timezone(&ZONE).date_naive();
            assert!(day >= last_day);
            last_day = day;
        }
    }

    #[test]
    fn local_times_follow_the_zone() {
        let d = NaiveDate::from_ymd_opt(2026, 10, 25).unwrap();
        assert_eq!(fmt_ts(local(d, 0)), "2026-10-24T23:00:00Z");
        assert_eq!(fmt_ts(local(d, 12 * 3600)), "2026-10-25T12:00:00Z");
        assert_eq!(
            fmt_ts(next_midnight(ts("2026-10-25T12:00:00Z"))),
            "2026-10-26T00:00:00Z"
        );
    }
}
