//! Properties of elapsed and deadline over random calendars, zones and instants in 2026-2027,
//! biased towards DST changes, plus a slot-by-slot oracle for whole-hour calendars.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Tz;
use proptest::prelude::*;

use super::Calendar;
use super::index::Span;
use crate::model::Ts;

const ZONES: [Tz; 5] = [
    Tz::Europe__London,
    Tz::Australia__Sydney,
    Tz::America__New_York,
    Tz::Asia__Kolkata,
    Tz::UTC,
];

/// 2026-01-01T00:00:00Z and 2028-01-01T00:00:00Z in ms.
const FROM_MS: i64 = 1_767_225_600_000;
const TO_MS: i64 = 1_830_297_600_000;

/// DST changes of London, Sydney and New York in 2026-2027 (UTC, ms).
const CHANGES_MS: [(Tz, i64); 12] = [
    (Tz::Europe__London, 1_774_746_000_000), // 2026-03-29T01:00Z
    (Tz::Europe__London, 1_792_890_000_000), // 2026-10-25T01:00Z
    (Tz::Europe__London, 1_806_195_600_000), // 2027-03-28T01:00Z
    (Tz::Europe__London, 1_824_944_400_000), // 2027-10-31T01:00Z
    (Tz::Australia__Sydney, 1_775_318_400_000), // 2026-04-04T16:00Z
    (Tz::Australia__Sydney, 1_791_043_200_000), // 2026-10-03T16:00Z
    (Tz::Australia__Sydney, 1_806_768_000_000), // 2027-04-03T16:00Z
    (Tz::Australia__Sydney, 1_822_492_800_000), // 2027-10-02T16:00Z
    (Tz::America__New_York, 1_772_953_200_000), // 2026-03-08T07:00Z
    (Tz::America__New_York, 1_793_512_800_000), // 2026-11-01T06:00Z
    (Tz::America__New_York, 1_805_007_600_000), // 2027-03-14T07:00Z
    (Tz::America__New_York, 1_825_567_200_000), // 2027-11-07T06:00Z
];

fn ts(ms: i64) -> Ts {
    DateTime::from_timestamp_millis(ms).unwrap()
}

/// An instant in 2026-2027, often within two days of a DST change of `tz` (of any zone when
/// `tz` has none); whole seconds unless `with_ms`.
fn instant(tz: Tz, with_ms: bool) -> impl Strategy<Value = i64> {
    let unit = if with_ms { 1 } else { 1000 };
    let near = 2 * 86_400_000 / unit;
    let own: Vec<i64> = CHANGES_MS
        .iter()
        .filter(|(z, _)| *z == tz)
        .map(|&(_, c)| c)
        .collect();
    let changes = if own.is_empty() {
        CHANGES_MS.iter().map(|&(_, c)| c).collect()
    } else {
        own
    };
    prop_oneof![
        (FROM_MS / unit..TO_MS / unit).prop_map(move |u| u * unit),
        (prop::sample::select(changes), -near..near).prop_map(move |(c, d)| c + d * unit),
    ]
}

/// One day's ranges, from distinct sorted boundaries taken in pairs; `step` is the grain of
/// the boundaries in seconds.
fn day(step: u32) -> impl Strategy<Value = Vec<(u32, u32)>> {
    // The hours around 01:00-03:00 are where the zones here change their clocks.
    let boundary = prop_oneof![
        Just(0),
        Just(86_400),
        prop::sample::select(vec![3600, 7200, 10_800]),
        (0..=86_400 / step).prop_map(move |k| k * step),
    ];
    prop::collection::btree_set(boundary, 0..=6).prop_map(|set| {
        let v: Vec<u32> = set.into_iter().collect();
        v.chunks_exact(2).map(|pair| (pair[0], pair[1])).collect()
    })
}

fn date_in_range() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    (0u64..730).prop_map(move |d| first + chrono::Days::new(d))
}

fn calendar(step: u32) -> impl Strategy<Value = Calendar> {
    (
        prop::sample::select(&ZONES[..]),
        prop::array::uniform7(day(step)),
        prop::collection::btree_set(date_in_range(), 0..=8),
    )
        .prop_map(|(tz, week, holidays)| Calendar::new(tz, week, holidays).unwrap())
}

/// Any calendar: boundaries on quarter hours or on arbitrary seconds.
fn any_calendar() -> impl Strategy<Value = Calendar> {
    prop_oneof![calendar(900), calendar(1)]
}

fn weekly_open_secs(cal: &Calendar) -> i64 {
    let ranges = cal.week.iter().flatten();
    ranges.map(|&(s, e)| i64::from(e - s)).sum()
}

/// The first instant of `date` in the calendar's zone (none of ZONES changes at midnight).
fn midnight(cal: &Calendar, date: NaiveDate) -> Ts {
    let local = date.and_hms_opt(0, 0, 0).unwrap();
    cal.tz
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

/// A calendar with `N` instants in 2026-2027, biased towards its own zone's DST changes.
fn with_instants<const N: usize>(
    calendars: impl Strategy<Value = Calendar>,
    with_ms: bool,
) -> impl Strategy<Value = (Calendar, [i64; N])> {
    calendars.prop_flat_map(move |cal| {
        let tz = cal.tz;
        (Just(cal), prop::array::uniform(instant(tz, with_ms)))
    })
}

/// Whether `t` is open by reading its wall clock: valid for calendars whose boundaries avoid
/// the inside of repeated hours.
fn open_at(cal: &Calendar, t: Ts) -> bool {
    let local = t.with_timezone(&cal.tz);
    let secs = local.num_seconds_from_midnight();
    !cal.holidays.contains(&local.date_naive())
        && cal.week[local.weekday().num_days_from_monday() as usize]
            .iter()
            .any(|&(s, e)| s <= secs && secs < e)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn deadline_is_the_earliest_instant_reaching_the_target(
        (cal, [start]) in with_instants(any_calendar(), true),
        fraction in 0.0..3.0f64,
    ) {
        let start = ts(start);
        let weekly = weekly_open_secs(&cal);
        let target = (fraction * weekly as f64) as i64;
        match cal.deadline(start, target) {
            None => prop_assert!(weekly == 0 && target > 0),
            Some(end) => {
                prop_assert_eq!(cal.elapsed(start, end), target);
                prop_assert_eq!(cal.elapsed_ms(start, end), target * 1000);
                if target > 0 {
                    prop_assert!(cal.elapsed(start, end - Duration::seconds(1)) < target);
                    let just_before = end - Duration::milliseconds(1);
                    prop_assert!(cal.elapsed_ms(start, just_before) < target * 1000);
                } else {
                    prop_assert_eq!(end, start);
                }
            }
        }
    }

    #[test]
    fn deadline_of_the_elapsed_time_is_no_later_than_the_end(
        (cal, [a, b]) in with_instants(any_calendar(), false),
    ) {
        // When b falls while closed, the deadline is the last closing, not the next opening.
        let (a, b) = (ts(a.min(b)), ts(a.max(b)));
        let spent = cal.elapsed(a, b);
        let deadline = cal.deadline(a, spent);
        prop_assert!(deadline.is_some_and(|d| d <= b && cal.elapsed(a, d) == spent));
    }

    #[test]
    fn elapsed_is_additive_in_seconds((cal, mut points) in with_instants::<3>(any_calendar(), false)) {
        points.sort();
        let [a, b, c] = points.map(ts);
        prop_assert_eq!(cal.elapsed(a, c), cal.elapsed(a, b) + cal.elapsed(b, c));
    }

    #[test]
    fn elapsed_is_additive_in_milliseconds((cal, mut points) in with_instants::<3>(any_calendar(), true)) {
        points.sort();
        let [a, b, c] = points.map(ts);
        prop_assert_eq!(cal.elapsed_ms(a, c), cal.elapsed_ms(a, b) + cal.elapsed_ms(b, c));
    }

    #[test]
    fn a_holiday_takes_away_at_most_its_own_date(
        (cal, [a, b]) in with_instants(any_calendar(), true),
        holiday in date_in_range(),
    ) {
        let (a, b) = (ts(a.min(b)), ts(a.max(b)));
        let mut closed = cal.clone();
        closed.holidays.insert(holiday);
        let next = holiday.succ_opt().unwrap();
        let (day_start, day_end) = (midnight(&cal, holiday), midnight(&cal, next));
        prop_assert_eq!(closed.elapsed(day_start, day_end), 0);
        let (before, after) = (cal.elapsed_ms(a, b), closed.elapsed_ms(a, b));
        prop_assert!(after <= before);
        prop_assert!(before - after <= cal.elapsed_ms(day_start, day_end));
    }

    #[test]
    fn whole_hour_calendars_match_the_wall_clock_slot_by_slot(
        (cal, [start]) in with_instants(calendar(3600), false),
        slots in 0i64..480,
    ) {
        // Every zone here changes offset on the hour and Kolkata sits on a half hour, so
        // with whole-hour ranges openness is constant over each half hour of UTC.
        let slot = 1_800_000;
        let a = start.div_euclid(slot) * slot;
        let expected: i64 = (0..slots)
            .filter(|k| open_at(&cal, ts(a + k * slot)))
            .map(|_| 1800)
            .sum();
        prop_assert_eq!(cal.elapsed(ts(a), ts(a + slots * slot)), expected);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// A span answers as the walk over the dates does, wherever it answers: here spans of a
    /// few days around an instant of their own, so that questions start before, end after,
    /// or fall wholly outside them, and deadlines run past their end. The span the calendar
    /// keeps (years around its first question) answers every question of these years.
    #[test]
    fn a_span_answers_as_the_walk(
        (cal, [a, b]) in with_instants::<2>(any_calendar(), true),
        half_days in 0i64..6,
        shift in -1.5..1.5f64,
        fraction in 0.0..2.0f64,
        days in 0.0..4.0f64,
    ) {
        // Mostly a few days apart, so both often fall in the span.
        let (a, b) = (a.min(b), a.max(b).min(a.min(b) + (days * 86_400_000.0) as i64));
        let half = half_days * 86_400_000 + 3_600_000;
        let span = Span::within(&cal, a + (shift * half as f64) as i64, half).unwrap();
        let walked = if a < b { cal.walk_elapsed_ms(a, b) } else { 0 };
        if a < b && let Some(ms) = span.elapsed_ms(a, b) {
            prop_assert_eq!(ms, walked);
        }
        // The calendar's own answers, through the span it keeps.
        prop_assert_eq!(cal.elapsed_ms(ts(a), ts(b)), walked);
        let kept = cal.span(a).unwrap();
        prop_assert!(a == b || kept.elapsed_ms(a, b).is_some());
        // A calendar never open has no deadline (and its walk would run to the horizon).
        let weekly = weekly_open_secs(&cal);
        if weekly > 0 {
            let need = 1 + (fraction * weekly as f64 * 1000.0) as i64;
            let walked_deadline = cal.walk_deadline(ts(a), need);
            if let Some(ms) = span.deadline_ms(a, need) {
                prop_assert_eq!(Some(ts(ms)), walked_deadline);
            }
            prop_assert_eq!(kept.deadline_ms(a, need).map(ts), walked_deadline);
            let target = need / 1000 + 1;
            prop_assert_eq!(cal.deadline(ts(a), target), cal.walk_deadline(ts(a), target * 1000));
        }
    }
}
