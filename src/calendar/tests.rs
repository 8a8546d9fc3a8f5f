//! Hand-worked answers for elapsed and deadline.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use super::Calendar;
use crate::model::Ts;

const H: i64 = 3600;

fn hm(h: u32, m: u32) -> u32 {
    h * 3600 + m * 60
}

fn weekdays(ranges: &[(u32, u32)]) -> [Vec<(u32, u32)>; 7] {
    let mut week: [Vec<(u32, u32)>; 7] = Default::default();
    for day in week.iter_mut().take(5) {
        *day = ranges.to_vec();
    }
    week
}

fn every_day(ranges: &[(u32, u32)]) -> [Vec<(u32, u32)>; 7] {
    std::array::from_fn(|_| ranges.to_vec())
}

fn cal(tz: Tz, week: [Vec<(u32, u32)>; 7]) -> Calendar {
    Calendar::new(tz, week, BTreeSet::new()).unwrap()
}

fn office(tz: Tz) -> Calendar {
    cal(tz, weekdays(&[(hm(9, 0), hm(18, 0))]))
}

/// A wall-clock time in `tz` that exists exactly once.
fn local(tz: Tz, s: &str) -> Ts {
    let naive = NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").unwrap();
    tz.from_local_datetime(&naive)
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(s: &str) -> Ts {
    local(Tz::UTC, s)
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn same_day_span_counts_only_open_hours() {
    let c = office(Tz::UTC);
    // Wednesday 2026-01-07.
    assert_eq!(
        c.elapsed(utc("2026-01-07 10:00:00"), utc("2026-01-07 15:30:00")),
        5 * H + 1800
    );
    assert_eq!(
        c.elapsed(utc("2026-01-07 07:00:00"), utc("2026-01-07 10:00:00")),
        H
    );
    assert_eq!(
        c.elapsed(utc("2026-01-07 17:00:00"), utc("2026-01-07 23:00:00")),
        H
    );
    assert_eq!(
        c.deadline(utc("2026-01-07 10:00:00"), 2 * H),
        Some(utc("2026-01-07 12:00:00"))
    );
}

#[test]
fn empty_or_reversed_span_is_zero() {
    let c = office(Tz::UTC);
    let t = utc("2026-01-07 10:00:00");
    assert_eq!(c.elapsed(t, t), 0);
    assert_eq!(c.elapsed(t, utc("2026-01-07 09:30:00")), 0);
}

#[test]
fn weekend_is_skipped() {
    let c = office(Tz::UTC);
    // Friday 17:00 to Monday 10:00: one hour on each side.
    assert_eq!(
        c.elapsed(utc("2026-01-09 17:00:00"), utc("2026-01-12 10:00:00")),
        2 * H
    );
    assert_eq!(
        c.deadline(utc("2026-01-09 17:00:00"), 2 * H),
        Some(utc("2026-01-12 10:00:00"))
    );
}

#[test]
fn clock_started_while_closed_begins_at_next_opening() {
    let c = office(Tz::UTC);
    let saturday = utc("2026-01-10 11:00:00");
    assert_eq!(
        c.deadline(saturday, 3 * H),
        Some(utc("2026-01-12 12:00:00"))
    );
    assert_eq!(c.deadline(saturday, 1), Some(utc("2026-01-12 09:00:01")));
    assert_eq!(c.deadline(saturday, 0), Some(saturday));
    assert_eq!(c.elapsed(saturday, utc("2026-01-12 09:00:00")), 0);
}

#[test]
fn deadline_is_the_earliest_instant_so_a_full_day_ends_at_closing() {
    let c = office(Tz::UTC);
    let monday = utc("2026-01-12 09:00:00");
    assert_eq!(c.deadline(monday, 9 * H), Some(utc("2026-01-12 18:00:00")));
    assert_eq!(
        c.deadline(monday, 9 * H + 1),
        Some(utc("2026-01-13 09:00:01"))
    );
    // A whole week of open hours from Monday morning ends on Friday evening.
    assert_eq!(c.deadline(monday, 45 * H), Some(utc("2026-01-16 18:00:00")));
    assert_eq!(c.elapsed(monday, utc("2026-01-26 09:00:00")), 90 * H);
}

#[test]
fn lunch_break_between_ranges_is_not_counted() {
    let c = cal(
        Tz::UTC,
        weekdays(&[(hm(8, 0), hm(12, 0)), (hm(13, 0), hm(17, 0))]),
    );
    assert_eq!(
        c.elapsed(utc("2026-01-07 11:00:00"), utc("2026-01-07 14:00:00")),
        2 * H
    );
    assert_eq!(
        c.elapsed(utc("2026-01-07 00:00:00"), utc("2026-01-08 00:00:00")),
        8 * H
    );
    assert_eq!(
        c.deadline(utc("2026-01-07 11:30:00"), H),
        Some(utc("2026-01-07 13:30:00"))
    );
    // Starting during lunch waits for the afternoon range.
    assert_eq!(
        c.deadline(utc("2026-01-07 12:10:00"), 1800),
        Some(utc("2026-01-07 13:30:00"))
    );
}

#[test]
fn holidays_close_their_whole_date() {
    let holidays = BTreeSet::from([date("2026-01-12"), date("2026-01-13")]);
    let c = Calendar::new(Tz::UTC, weekdays(&[(hm(9, 0), hm(18, 0))]), holidays).unwrap();
    // Friday 17:00 to Wednesday 10:00 with Monday and Tuesday off.
    assert_eq!(
        c.elapsed(utc("2026-01-09 17:00:00"), utc("2026-01-14 10:00:00")),
        2 * H
    );
    assert_eq!(
        c.deadline(utc("2026-01-09 17:00:00"), 2 * H),
        Some(utc("2026-01-14 10:00:00"))
    );
    assert_eq!(
        c.elapsed(utc("2026-01-12 00:00:00"), utc("2026-01-14 00:00:00")),
        0
    );
}

#[test]
fn holiday_dates_are_read_in_the_calendar_zone() {
    // 2026-01-12 in Kolkata (+05:30) runs from 2026-01-11 18:30Z to 2026-01-12 18:30Z.
    let holidays = BTreeSet::from([date("2026-01-12")]);
    let c = Calendar::new(Tz::Asia__Kolkata, every_day(&[(0, 86_400)]), holidays).unwrap();
    assert_eq!(
        c.elapsed(utc("2026-01-11 12:00:00"), utc("2026-01-13 00:00:00")),
        6 * H + 1800 + 5 * H + 1800
    );
}

#[test]
fn london_dst_days_follow_the_real_instants() {
    let tz = Tz::Europe__London;
    let c = cal(tz, every_day(&[(0, hm(4, 0))]));
    // 2026-03-29: 01:00 GMT jumps to 02:00 BST, so 00:00-04:00 lasts 3 h.
    let spring = (
        local(tz, "2026-03-29 00:00:00"),
        local(tz, "2026-03-30 00:00:00"),
    );
    assert_eq!(c.elapsed(spring.0, spring.1), 3 * H);
    assert_eq!(
        c.deadline(spring.0, 2 * H),
        Some(utc("2026-03-29 02:00:00"))
    );
    // 2026-10-25: 02:00 BST falls back to 01:00 GMT, so 00:00-04:00 lasts 5 h.
    let autumn = (
        local(tz, "2026-10-25 00:00:00"),
        local(tz, "2026-10-26 00:00:00"),
    );
    assert_eq!(c.elapsed(autumn.0, autumn.1), 5 * H);
    assert_eq!(
        c.deadline(autumn.0, 4 * H + 1800),
        Some(utc("2026-10-25 03:30:00"))
    );

    // Round the clock, the DST weekends are 47 h and 49 h long.
    let always = cal(tz, every_day(&[(0, 86_400)]));
    let (sat, mon) = (
        local(tz, "2026-03-28 00:00:00"),
        local(tz, "2026-03-30 00:00:00"),
    );
    assert_eq!(always.elapsed(sat, mon), 47 * H);
    let (sat, mon) = (
        local(tz, "2026-10-24 00:00:00"),
        local(tz, "2026-10-26 00:00:00"),
    );
    assert_eq!(always.elapsed(sat, mon), 49 * H);
}

#[test]
fn london_office_week_straddling_a_dst_weekend() {
    let tz = Tz::Europe__London;
    let c = office(tz);
    // Friday noon GMT to Monday noon BST: 6 h + 3 h.
    assert_eq!(
        c.elapsed(
            local(tz, "2026-03-27 12:00:00"),
            local(tz, "2026-03-30 12:00:00")
        ),
        9 * H
    );
    assert_eq!(
        c.deadline(local(tz, "2026-03-27 17:00:00"), 2 * H),
        Some(utc("2026-03-30 09:00:00"))
    );
    assert_eq!(
        c.deadline(local(tz, "2026-10-23 17:00:00"), 2 * H),
        Some(utc("2026-10-26 10:00:00"))
    );
}

#[test]
fn sydney_dst_days_follow_the_real_instants() {
    let tz = Tz::Australia__Sydney;
    let c = cal(tz, every_day(&[(0, hm(4, 0))]));
    // 2026-04-05: 03:00 AEDT falls back to 02:00 AEST, so 00:00-04:00 lasts 5 h.
    let autumn = (
        local(tz, "2026-04-05 00:00:00"),
        local(tz, "2026-04-06 00:00:00"),
    );
    assert_eq!(c.elapsed(autumn.0, autumn.1), 5 * H);
    // 2026-10-04: 02:00 AEST jumps to 03:00 AEDT, so 00:00-04:00 lasts 3 h.
    let spring = (
        local(tz, "2026-10-04 00:00:00"),
        local(tz, "2026-10-05 00:00:00"),
    );
    assert_eq!(c.elapsed(spring.0, spring.1), 3 * H);
    // 00:00 AEST is 14:00Z the day before; 2 h of business time skip the missing hour.
    assert_eq!(
        c.deadline(spring.0, 2 * H + 1800),
        Some(utc("2026-10-03 16:30:00"))
    );

    let office = office(tz);
    // Friday 17:00 AEDT to Monday 10:00 AEST; Monday 10:00 AEST is 00:00Z.
    let friday = local(tz, "2026-04-03 17:00:00");
    assert_eq!(
        office.elapsed(friday, local(tz, "2026-04-06 10:00:00")),
        2 * H
    );
    assert_eq!(
        office.deadline(friday, 2 * H),
        Some(utc("2026-04-06 00:00:00"))
    );
    // Friday 17:00 AEST (07:00Z) to Monday 10:00 AEDT (23:00Z Sunday).
    let friday = local(tz, "2026-10-02 17:00:00");
    assert_eq!(
        office.deadline(friday, 2 * H),
        Some(utc("2026-10-04 23:00:00"))
    );
}

#[test]
fn range_edges_inside_a_dst_change() {
    let tz = Tz::Europe__London;
    let sunday = |ranges: &[(u32, u32)]| {
        let mut week: [Vec<(u32, u32)>; 7] = Default::default();
        week[6] = ranges.to_vec();
        cal(tz, week)
    };
    let elapsed_on = |c: &Calendar, day: &str, next: &str| {
        c.elapsed(
            local(tz, &format!("{day} 00:00:00")),
            local(tz, &format!("{next} 00:00:00")),
        )
    };
    // Fall-back: an end in the repeated hour takes its second pass (23:00Z to 01:30Z) ...
    let c = sunday(&[(0, hm(1, 30))]);
    assert_eq!(elapsed_on(&c, "2026-10-25", "2026-10-26"), 2 * H + 1800);
    // ... a start takes its first pass (00:30Z to 03:00Z) ...
    let c = sunday(&[(hm(1, 30), hm(3, 0))]);
    assert_eq!(elapsed_on(&c, "2026-10-25", "2026-10-26"), 2 * H + 1800);
    // ... and the two ranges together overlap in instants, which count once: 23:00Z-03:00Z.
    let c = sunday(&[(0, hm(1, 30)), (hm(1, 30), hm(3, 0))]);
    assert_eq!(elapsed_on(&c, "2026-10-25", "2026-10-26"), 4 * H);
    assert_eq!(
        c.deadline(utc("2026-10-24 23:00:00"), 3 * H),
        Some(utc("2026-10-25 02:00:00"))
    );
    // An end exactly where the repeat begins stops before it (23:00Z-00:00Z); a range over
    // the repeated hour covers both passes (00:00Z-02:00Z).
    let c = sunday(&[(0, hm(1, 0))]);
    assert_eq!(elapsed_on(&c, "2026-10-25", "2026-10-26"), H);
    let c = sunday(&[(hm(1, 0), hm(2, 0))]);
    assert_eq!(elapsed_on(&c, "2026-10-25", "2026-10-26"), 2 * H);
    // Spring-forward: a start in the gap maps to the transition (01:00Z), a range inside the
    // gap is empty.
    let c = sunday(&[(hm(1, 30), hm(3, 0))]);
    assert_eq!(elapsed_on(&c, "2026-03-29", "2026-03-30"), H);
    assert_eq!(
        c.deadline(local(tz, "2026-03-29 00:00:00"), 60),
        Some(utc("2026-03-29 01:01:00"))
    );
    let c = sunday(&[(hm(1, 15), hm(1, 45)), (hm(5, 0), hm(6, 0))]);
    assert_eq!(elapsed_on(&c, "2026-03-29", "2026-03-30"), H);
}

#[test]
fn night_shift_joins_across_midnight() {
    let mut week: [Vec<(u32, u32)>; 7] = Default::default();
    week[0] = vec![(hm(22, 0), 86_400)];
    week[1] = vec![(0, hm(6, 0))];
    let c = cal(Tz::Europe__London, week);
    // Monday 2026-01-12 22:00 GMT to Tuesday 06:00.
    assert_eq!(
        c.deadline(utc("2026-01-12 23:00:00"), 3 * H),
        Some(utc("2026-01-13 02:00:00"))
    );
    assert_eq!(
        c.deadline(utc("2026-01-12 22:00:00"), 2 * H),
        Some(utc("2026-01-13 00:00:00"))
    );
    assert_eq!(
        c.elapsed(utc("2026-01-12 21:00:00"), utc("2026-01-13 07:00:00")),
        8 * H
    );
    // After Tuesday's 06:00 the next shift starts next Monday.
    assert_eq!(
        c.deadline(utc("2026-01-13 05:00:00"), 2 * H),
        Some(utc("2026-01-19 23:00:00"))
    );
}

#[test]
fn calendar_without_open_hours_never_reaches_a_deadline() {
    let c = cal(Tz::Europe__London, Default::default());
    let t = utc("2026-01-12 09:00:00");
    assert_eq!(c.deadline(t, 1), None);
    assert_eq!(c.deadline(t, 0), Some(t));
    assert_eq!(c.elapsed(t, utc("2027-12-31 00:00:00")), 0);
}

#[test]
fn milliseconds_count_exactly_and_seconds_round_down() {
    let c = cal(Tz::UTC, every_day(&[(0, 86_400)]));
    let (a, b) = (
        utc("2026-01-07 10:00:00.500"),
        utc("2026-01-07 10:00:02.400"),
    );
    assert_eq!(c.elapsed_ms(a, b), 1900);
    assert_eq!(c.elapsed(a, b), 1);
    assert_eq!(c.deadline(a, 60), Some(utc("2026-01-07 10:01:00.500")));
    // A clock started while closed still begins exactly at the opening.
    let c = office(Tz::UTC);
    assert_eq!(
        c.deadline(utc("2026-01-07 08:59:59.250"), 60),
        Some(utc("2026-01-07 09:01:00"))
    );
}

#[test]
fn absurd_target_gives_none_instead_of_overflowing() {
    let c = office(Tz::UTC);
    assert_eq!(c.deadline(utc("2026-01-07 10:00:00"), i64::MAX), None);
}
