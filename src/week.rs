//! ISO 8601 weeks in the team's zone: labels, bounds, and the report window (SPEC §1).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;

use crate::calendar::zone;
use crate::error::shown;
use crate::model::Ts;

/// Seconds in a day.
const DAY_SECS: i64 = 86_400;

thread_local! {
    /// The week [`Week::of`] found last on this thread, with its zone and the UTC seconds
    /// `[lo, hi)` it holds at one offset of that zone.
    static LAST_WEEK: std::cell::Cell<Option<(Tz, i64, i64, Week)>> =
        const { std::cell::Cell::new(None) };
}

/// Week starts a thread keeps ([`Week::start`]): more than the weeks of a two-year report.
const START_SLOTS: usize = 256;

thread_local! {
    /// Week starts found on this thread, by slot: (week, zone, start).
    static WEEK_STARTS: [std::cell::Cell<Option<(Week, Tz, Ts)>>; START_SLOTS] =
        const { [const { std::cell::Cell::new(None) }; START_SLOTS] };
}

/// The earliest year a week, a timestamp or `--as-of` may fall in.
pub const MIN_YEAR: i32 = 1900;
/// The latest year a week, a timestamp or `--as-of` may fall in. With [`MAX_WEEKS`] and the
/// longest configured duration (a year) every date the report computes stays far inside
/// what chrono can hold, so no week or deadline arithmetic can overflow.
pub const MAX_YEAR: i32 = 9999;
/// The most weeks one report covers (`--weeks`): ten years. Each week adds a column to
/// every sheet and a row per engineer, so a window of 100,000 weeks wrote a 1.3 GB page.
pub const MAX_WEEKS: u32 = 520;

/// Ok when `t` falls in the years [`MIN_YEAR`]..=[`MAX_YEAR`] (UTC); else a message
/// naming the limits.
pub fn check_year(t: Ts) -> Result<(), String> {
    if (MIN_YEAR..=MAX_YEAR).contains(&t.year()) {
        Ok(())
    } else {
        Err(format!(
            "is in the year {}, outside the years {MIN_YEAR} to {MAX_YEAR} supportlens reads",
            t.year()
        ))
    }
}

/// An ISO week, ordered by time; printed `YYYY-Www` with the ISO week-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Week {
    year: i32,
    week: u32,
}

impl Week {
    /// The week containing instant `t` in zone `tz`.
    pub fn of(t: Ts, tz: Tz) -> Week {
        // Items are measured ticket by ticket, and one ticket's instants mostly fall in a
        // few weeks: the UTC seconds of the week last found on this thread over which the
        // zone kept one offset answer most lookups with two comparisons, no zone lookup.
        let secs = t.timestamp();
        LAST_WEEK.with(|last| {
            if let Some((zone, lo, hi, week)) = last.get()
                && zone == tz
                && lo <= secs
                && secs < hi
            {
                return week;
            }
            let Some((from, until, offset)) = zone::offset_span(t, tz) else {
                return Week::of_date(zone::local_date(t, tz));
            };
            let offset = i64::from(offset);
            // The local day (as `zone::local_day` counts) and its week's Monday: 1970-01-01
            // was a Thursday, three days after a Monday.
            let day = (secs + offset).div_euclid(DAY_SECS);
            let monday = day - (day + 3).rem_euclid(7);
            let date = zone::date_of_day(day).unwrap_or_else(|| zone::local_date(t, tz));
            let week = Week::of_date(date);
            // Within the offset's span every second of these seven local days is this week.
            let lo = from.max(monday * DAY_SECS - offset);
            let hi = until.min((monday + 7) * DAY_SECS - offset);
            last.set(Some((tz, lo, hi, week)));
            week
        })
    }

    pub fn of_date(d: NaiveDate) -> Week {
        let w = d.iso_week();
        Week {
            year: w.year(),
            week: w.week(),
        }
    }

    /// The Monday that starts the week.
    pub fn monday(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("a Week is always a valid ISO week")
    }

    /// The instant the week starts: Monday 00:00 local (the first instant at or after it
    /// when midnight falls into a DST gap).
    pub fn start(self, tz: Tz) -> Ts {
        // Items ask for the bounds of the same few hundred weeks millions of times (each
        // week a ticket is owned, each clock's week): the starts this thread found are
        // kept, one per slot.
        let i = (self.year.unsigned_abs() as usize * 53 + self.week as usize) % START_SLOTS;
        let kept = WEEK_STARTS.with(|s| s[i].get());
        if let Some((week, zone, start)) = kept
            && week == self
            && zone == tz
        {
            return start;
        }
        let start = local_midnight(self.monday(), tz);
        WEEK_STARTS.with(|s| s[i].set(Some((self, tz, start))));
        start
    }

    /// The instant the week ends (the next week's start).
    pub fn end(self, tz: Tz) -> Ts {
        self.next().start(tz)
    }

    pub fn next(self) -> Week {
        // Every ISO year has 52 or 53 weeks: only the last two need the calendar.
        if self.week < 52 {
            return Week {
                year: self.year,
                week: self.week + 1,
            };
        }
        Week::of_date(self.monday() + chrono::Days::new(7))
    }

    pub fn prev(self) -> Week {
        if self.week > 1 {
            return Week {
                year: self.year,
                week: self.week - 1,
            };
        }
        Week::of_date(self.monday() - chrono::Days::new(7))
    }
}

/// The bounds of consecutive weeks in a zone, found once: which week an instant falls in,
/// and where a week starts and ends, by a search over the starts instead of the date
/// arithmetic of [`Week::of`], [`Week::start`] and [`Week::end`] per question (the same
/// answers: a week holds the instants from its start up to the next week's start).
#[derive(Debug, Clone)]
pub struct WeekBounds {
    weeks: Vec<Week>,
    /// `starts[i]` is the start of `weeks[i]`; the last is the end of the last week.
    starts: Vec<Ts>,
}

impl WeekBounds {
    /// The weeks `first..=last` (none when `last` is before `first`) in zone `tz`.
    pub fn new(first: Week, last: Week, tz: Tz) -> WeekBounds {
        let mut weeks = Vec::new();
        let mut week = first;
        while week <= last {
            weeks.push(week);
            week = week.next();
        }
        let mut starts: Vec<Ts> = weeks.iter().map(|w| w.start(tz)).collect();
        starts.push(week.start(tz));
        WeekBounds { weeks, starts }
    }

    /// How many weeks there are.
    pub fn len(&self) -> usize {
        self.weeks.len()
    }

    /// True when there are no weeks.
    pub fn is_empty(&self) -> bool {
        self.weeks.is_empty()
    }

    /// The `i`-th week.
    pub fn week(&self, i: usize) -> Week {
        self.weeks[i]
    }

    /// The start of the `i`-th week; `i == len()` gives the end of the last week.
    pub fn start(&self, i: usize) -> Ts {
        self.starts[i]
    }

    /// The position of the week holding `t`; `None` before the first week or from the end
    /// of the last one on.
    pub fn index_of(&self, t: Ts) -> Option<usize> {
        let after = self.starts.partition_point(|s| *s <= t);
        (after > 0 && after < self.starts.len()).then(|| after - 1)
    }
}

/// Local midnight of `d` as an instant; a midnight inside a DST gap maps to the gap's end.
pub fn local_midnight(d: NaiveDate, tz: Tz) -> Ts {
    let midnight = zone::midnight_secs(d);
    // A midnight in a gap: the first whole minute after it that exists.
    let mut probe = midnight;
    let secs = loop {
        match zone::local_to_utc(tz, probe) {
            chrono::LocalResult::Single(t) | chrono::LocalResult::Ambiguous(t, _) => break t,
            chrono::LocalResult::None => probe += 60,
        }
    };
    Ts::from_timestamp(secs, 0).expect("a week's Monday is within chrono's dates")
}

impl fmt::Display for Week {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-W{:02}", self.year, self.week)
    }
}

impl FromStr for Week {
    type Err = String;
    fn from_str(s: &str) -> Result<Week, String> {
        let bad = || format!("{} is not an ISO week; write it like 2026-W47", shown(s));
        let (y, w) = s.trim().split_once("-W").ok_or_else(bad)?;
        // Four digits, no sign: `+2026` and `-262143` are not years a report is about.
        if y.len() != 4 || !y.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let week: u32 = w.parse().map_err(|_| bad())?;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(format!(
                "{} is outside the years {MIN_YEAR} to {MAX_YEAR}; write a week like 2026-W47",
                shown(s)
            ));
        }
        NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)?;
        Ok(Week { year, week })
    }
}

/// The weeks a report covers, oldest first.
pub fn window(last: Week, weeks: u32) -> Vec<Week> {
    let mut out = vec![last];
    for _ in 1..weeks {
        let prev = out.last().expect("non-empty").prev();
        out.push(prev);
    }
    out.reverse();
    out
}

/// The last week that ended at or before `as_of`.
pub fn last_complete_week(as_of: Ts, tz: Tz) -> Week {
    // The week holding as-of ends after it, so the one before is the last that ended
    // (at or before as-of, when as-of is exactly a Monday 00:00).
    Week::of(as_of, tz).prev()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_ts;

    #[test]
    fn iso_week_year_at_year_end() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
        assert_eq!(Week::of_date(d).to_string(), "2026-W53");
        let d = NaiveDate::from_ymd_opt(2027, 1, 3).unwrap();
        assert_eq!(Week::of_date(d).to_string(), "2026-W53");
        let d = NaiveDate::from_ymd_opt(2027, 1, 4).unwrap();
        assert_eq!(Week::of_date(d).to_string(), "2027-W01");
    }

    #[test]
    fn weeks_follow_the_team_zone() {
        // Sunday 23:30 UTC is already Monday in Colombo (+05:30).
        let t = parse_ts("2026-11-22T23:30:00Z").unwrap();
        assert_eq!(Week::of(t, chrono_tz::UTC).to_string(), "2026-W47");
        assert_eq!(
            Week::of(t, chrono_tz::Asia::Colombo).to_string(),
            "2026-W48"
        );
    }

    #[test]
    fn parse_window_and_last_complete_week() {
        let w: Week = "2026-W47".parse().unwrap();
        assert_eq!(w.monday(), NaiveDate::from_ymd_opt(2026, 11, 16).unwrap());
        assert!("2026-47".parse::<Week>().is_err());
        assert!("2026-W54".parse::<Week>().is_err());
        let labels: Vec<String> = window(w, 3).iter().map(|w| w.to_string()).collect();
        assert_eq!(labels, ["2026-W45", "2026-W46", "2026-W47"]);
        let labels: Vec<String> = window("2027-W01".parse().unwrap(), 2)
            .iter()
            .map(|w| w.to_string())
            .collect();
        assert_eq!(labels, ["2026-W53", "2027-W01"]);
        // Monday 00:00 exactly: the previous week has just ended.
        let t = parse_ts("2026-11-23T00:00:00Z").unwrap();
        assert_eq!(
            last_complete_week(t, chrono_tz::UTC).to_string(),
            "2026-W47"
        );
        let t = parse_ts("2026-11-22T23:59:59Z").unwrap();
        assert_eq!(
            last_complete_week(t, chrono_tz::UTC).to_string(),
            "2026-W46"
        );
    }

    #[test]
    fn week_years_are_bounded() {
        for bad in [
            "262143-W01",
            "-262143-W02",
            "+2026-W47",
            "1899-W52",
            "10000-W01",
            "2026-W0",
            "2026-W",
        ] {
            assert!(bad.parse::<Week>().is_err(), "{bad}");
        }
        assert_eq!(
            "1899-W52".parse::<Week>().unwrap_err(),
            "\"1899-W52\" is outside the years 1900 to 9999; write a week like 2026-W47"
        );
        let long = format!("2026-W{}", "1".repeat(100_000));
        assert!(long.parse::<Week>().unwrap_err().len() < 200);
        // The extremes allowed still give a whole window of the most weeks.
        let first: Week = "1900-W01".parse().unwrap();
        let last: Week = "9999-W52".parse().unwrap();
        assert_eq!(window(first, MAX_WEEKS).len(), 520);
        assert_eq!(window(last, MAX_WEEKS).len(), 520);
        assert!(last.end(chrono_tz::Pacific::Kiritimati) > last.start(chrono_tz::UTC));
        assert!(check_year(parse_ts("9999-12-31T23:59:59Z").unwrap()).is_ok());
        assert!(check_year(parse_ts("1899-12-31T23:59:59Z").unwrap()).is_err());
    }

    /// The bounds found once answer as the date arithmetic does, for instants around every
    /// week start of two years in zones with and without DST (gaps and repeats at midnight
    /// included).
    #[test]
    fn week_bounds_match_the_date_arithmetic() {
        let zones = [
            chrono_tz::UTC,
            chrono_tz::Europe::London,
            chrono_tz::America::Havana,
            chrono_tz::America::Santiago,
            chrono_tz::Asia::Colombo,
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::America::St_Johns,
        ];
        for tz in zones {
            let first: Week = "2025-W50".parse().unwrap();
            let last: Week = "2027-W03".parse().unwrap();
            let bounds = WeekBounds::new(first, last, tz);
            assert_eq!(
                bounds.len(),
                window(last, 200).iter().filter(|w| **w >= first).count()
            );
            assert_eq!(bounds.week(0), first);
            assert_eq!(bounds.week(bounds.len() - 1), last);
            assert_eq!(bounds.start(bounds.len()), last.end(tz));
            for i in 0..bounds.len() {
                let week = bounds.week(i);
                assert_eq!(bounds.start(i), week.start(tz));
                for probe in [-3_600_001, -1, 0, 1, 3_600_000, 86_400_000 * 3 + 7] {
                    let t = week.start(tz) + chrono::Duration::milliseconds(probe);
                    let want = Week::of(t, tz);
                    let got = bounds.index_of(t).map(|k| bounds.week(k));
                    let inside = want >= first && want <= last;
                    assert_eq!(got, inside.then_some(want), "{tz} {week} {probe}");
                }
            }
            assert_eq!(
                bounds.index_of(first.start(tz) - chrono::Duration::milliseconds(1)),
                None
            );
            assert_eq!(bounds.index_of(last.end(tz)), None);
        }
        let empty = WeekBounds::new(
            "2026-W02".parse().unwrap(),
            "2026-W01".parse().unwrap(),
            chrono_tz::UTC,
        );
        assert!(empty.is_empty());
        assert_eq!(
            empty.index_of(parse_ts("2026-01-05T00:00:00Z").unwrap()),
            None
        );
    }

    /// The week found from the day number, or remembered from the last lookup, is the ISO
    /// week of the local date: instants every 7 h 13 min over two years, forward, then
    /// backward, then alternating between far-apart weeks, in zones with and without DST.
    #[test]
    fn week_of_an_instant_is_the_week_of_its_local_date() {
        let zones = [
            chrono_tz::UTC,
            chrono_tz::Europe::London,
            chrono_tz::America::Santiago,
            chrono_tz::Pacific::Kiritimati,
            chrono_tz::America::St_Johns,
        ];
        let start = parse_ts("2025-12-20T00:00:00Z").unwrap();
        let step = chrono::Duration::minutes(433);
        let instants: Vec<Ts> = (0..2_500).map(|k| start + step * k).collect();
        let far = parse_ts("2031-06-01T12:00:00Z").unwrap();
        for tz in zones {
            let by_date = |t: Ts| Week::of_date(zone::local_date(t, tz));
            for t in instants.iter().chain(instants.iter().rev()) {
                assert_eq!(Week::of(*t, tz), by_date(*t), "{tz} {t}");
            }
            for t in &instants {
                assert_eq!(Week::of(*t, tz), by_date(*t), "{tz} {t}");
                assert_eq!(Week::of(far, tz), by_date(far), "{tz} {far}");
            }
        }
        // Minute by minute across offset changes (Santiago's at local midnight), forward,
        // backward, and in two zones asked in turn.
        let changes = [
            ("2026-03-29T01:00:00Z", chrono_tz::Europe::London),
            ("2026-10-25T01:00:00Z", chrono_tz::Europe::London),
            ("2026-04-05T03:00:00Z", chrono_tz::America::Santiago),
            ("2026-09-06T04:00:00Z", chrono_tz::America::Santiago),
        ];
        for (at, tz) in changes {
            let at = parse_ts(at).unwrap();
            let minutes: Vec<Ts> = (-3_000..3_000)
                .map(|m| at + chrono::Duration::minutes(m) + chrono::Duration::milliseconds(m))
                .collect();
            let by_date = |t: Ts, tz: Tz| Week::of_date(t.with_timezone(&tz).date_naive());
            for t in minutes.iter().chain(minutes.iter().rev()) {
                assert_eq!(Week::of(*t, tz), by_date(*t, tz), "{tz} {t}");
                assert_eq!(Week::of(*t, chrono_tz::UTC), by_date(*t, chrono_tz::UTC));
            }
        }
        // The last instant a report may hold.
        let t = parse_ts("9999-12-31T23:59:59Z").unwrap();
        assert_eq!(Week::of(t, chrono_tz::UTC).to_string(), "9999-W52");
    }

    /// The next and previous weeks by counting are the ones seven days away, and the
    /// starts kept per thread are the local midnights of the Mondays, over every week of
    /// the years 1900-2400 and at the limits, in two zones asked in turn (so slots are
    /// taken over by another zone and by weeks 256 slots apart).
    #[test]
    fn counted_weeks_and_kept_starts_match_the_date_arithmetic() {
        let mut week: Week = "1900-W01".parse().unwrap();
        let last: Week = "2400-W52".parse().unwrap();
        let zones = [chrono_tz::Europe::London, chrono_tz::America::Santiago];
        let (mut n, mut long_years) = (0, 0);
        while week <= last {
            if week.week == 53 && (2000..2400).contains(&week.year) {
                long_years += 1;
            }
            let next = Week::of_date(week.monday() + chrono::Days::new(7));
            assert_eq!(week.next(), next, "{week}");
            assert_eq!(next.prev(), week, "{next}");
            if (1990..2040).contains(&week.year) || n % 97 == 0 {
                for tz in zones {
                    assert_eq!(
                        week.start(tz),
                        local_midnight(week.monday(), tz),
                        "{week} {tz}"
                    );
                    assert_eq!(
                        week.end(tz),
                        local_midnight(next.monday(), tz),
                        "{week} {tz}"
                    );
                }
            }
            week = next;
            n += 1;
        }
        let first: Week = "1900-W01".parse().unwrap();
        assert_eq!(first.prev().to_string(), "1899-W52");
        assert_eq!(
            "9999-W52".parse::<Week>().unwrap().next().to_string(),
            "10000-W01"
        );
        assert_eq!(
            "2026-W53".parse::<Week>().unwrap().next().to_string(),
            "2027-W01"
        );
        assert_eq!(
            "2027-W01".parse::<Week>().unwrap().prev().to_string(),
            "2026-W53"
        );
        // The ISO calendar repeats every 400 years, 71 of which have a week 53.
        assert_eq!(long_years, 71);
        assert!(n > 26_000);
    }

    #[test]
    fn week_bounds_in_a_dst_zone() {
        let w: Week = "2026-W43".parse().unwrap(); // 2026-10-19 .. 2026-10-26, London
        let tz = chrono_tz::Europe::London;
        assert_eq!(w.start(tz), parse_ts("2026-10-18T23:00:00Z").unwrap());
        assert_eq!(w.end(tz), parse_ts("2026-10-26T00:00:00Z").unwrap());
    }
}
