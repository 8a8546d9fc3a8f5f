//! The cached conversions against chrono-tz's own: every 15 minutes of several years in zones
//! with DST, half-hour DST, odd offsets and changed standard offsets, random instants of
//! every zone, and hand-worked DST edges.

use chrono::{DateTime, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone};
use chrono_tz::{TZ_VARIANTS, Tz};
use proptest::prelude::*;

use super::{CACHE, from_local, local_date, local_to_utc, midnight_secs, offset_at};
use crate::model::{Ts, parse_ts};

fn chrono_from_local(tz: Tz, local: &NaiveDateTime) -> LocalResult<Ts> {
    tz.from_local_datetime(local).map(|t| t.to_utc())
}

fn local(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S").unwrap()
}

fn utc(s: &str) -> Ts {
    parse_ts(s).unwrap()
}

fn year_start(year: i32) -> i64 {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp()
}

/// Compares both directions at every `step` seconds of `[from, to)` years, starting `skew`
/// seconds past each step so that odd-second offsets are met at odd seconds too.
fn compare_every(tz: Tz, years: std::ops::Range<i32>, step: i64, skew: i64) {
    let (from, to) = (year_start(years.start), year_start(years.end));
    let mut secs = from + skew;
    while secs < to {
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        let theirs = tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        assert_eq!(offset_at(tz, secs), theirs.local_minus_utc(), "{tz} at {t}");
        assert_eq!(
            local_date(t, tz),
            t.with_timezone(&tz).date_naive(),
            "{tz} {t}"
        );
        // The same number read as a wall-clock time.
        let wall = t.naive_utc();
        assert_eq!(
            from_local(tz, &wall),
            chrono_from_local(tz, &wall),
            "{tz} local {wall}"
        );
        secs += step;
    }
}

#[test]
fn every_quarter_hour_matches_chrono_tz() {
    let cases: [(Tz, std::ops::Range<i32>); 9] = [
        (Tz::Europe__London, 2024..2029),
        (Tz::America__New_York, 2024..2029),
        (Tz::Australia__Sydney, 2024..2029),
        // DST of 30 minutes.
        (Tz::Australia__Lord_Howe, 2024..2029),
        // +05:30 until 1986, +05:45 since.
        (Tz::Asia__Kathmandu, 1984..1988),
        // Standard offset moved: -04:30 in 2007, -04:00 in 2016.
        (Tz::America__Caracas, 2006..2008),
        // Skipped 2011-12-30 moving from -11 to +13 (and kept DST around it).
        (Tz::Pacific__Apia, 2010..2013),
        // Standard +03 and DST +04 until 2011, +04 all year to 2014, then +03.
        (Tz::Europe__Moscow, 2010..2015),
        // +09:00, +08:30 from 2015-08-15, +09:00 again from 2018-05-05.
        (Tz::Asia__Pyongyang, 2015..2019),
    ];
    for (tz, years) in cases {
        compare_every(tz, years, 900, 0);
    }
}

#[test]
fn walking_back_in_time_matches_chrono_tz() {
    // Lookups that go back in time make the table read earlier chunks and join them on.
    for tz in [
        Tz::Europe__London,
        Tz::Australia__Lord_Howe,
        Tz::America__Sao_Paulo,
    ] {
        let mut secs = year_start(2030) - 1;
        while secs > year_start(2012) {
            let t = DateTime::from_timestamp(secs, 0).unwrap();
            assert_eq!(
                local_date(t, tz),
                t.with_timezone(&tz).date_naive(),
                "{tz} {t}"
            );
            let wall = t.naive_utc();
            assert_eq!(
                from_local(tz, &wall),
                chrono_from_local(tz, &wall),
                "{tz} {wall}"
            );
            secs -= 6_301;
        }
    }
}

#[test]
fn odd_second_offsets_before_standard_time_match_chrono_tz() {
    // Local mean times of the 19th century have offsets in odd seconds (Amsterdam +00:19:32
    // to 1937, Dublin -00:25:21 to 1916): stepping by a prime meets them at odd seconds.
    compare_every(Tz::Europe__Amsterdam, 1935..1939, 997, 13);
    compare_every(Tz::Europe__Dublin, 1915..1918, 997, 7);
    compare_every(Tz::Asia__Kolkata, 1940..1946, 1009, 0);
}

#[test]
fn dst_edges_worked_by_hand() {
    let london = Tz::Europe__London;
    // 2026-03-29: 01:00 GMT becomes 02:00 BST; 01:00-02:00 does not exist.
    assert_eq!(
        from_local(london, &local("2026-03-29T00:59:59")),
        LocalResult::Single(utc("2026-03-29T00:59:59Z"))
    );
    assert_eq!(
        from_local(london, &local("2026-03-29T01:00:00")),
        LocalResult::None
    );
    assert_eq!(
        from_local(london, &local("2026-03-29T01:59:59")),
        LocalResult::None
    );
    assert_eq!(
        from_local(london, &local("2026-03-29T02:00:00")),
        LocalResult::Single(utc("2026-03-29T01:00:00Z"))
    );
    // 2026-10-25: 02:00 BST becomes 01:00 GMT; 01:00-02:00 happens twice.
    assert_eq!(
        from_local(london, &local("2026-10-25T00:59:59")),
        LocalResult::Single(utc("2026-10-24T23:59:59Z"))
    );
    assert_eq!(
        from_local(london, &local("2026-10-25T01:00:00")),
        LocalResult::Ambiguous(utc("2026-10-25T00:00:00Z"), utc("2026-10-25T01:00:00Z"))
    );
    assert_eq!(
        from_local(london, &local("2026-10-25T01:59:59")),
        LocalResult::Ambiguous(utc("2026-10-25T00:59:59Z"), utc("2026-10-25T01:59:59Z"))
    );
    assert_eq!(
        from_local(london, &local("2026-10-25T02:00:00")),
        LocalResult::Single(utc("2026-10-25T02:00:00Z"))
    );
    assert_eq!(
        offset_at(london, utc("2026-10-25T00:59:59Z").timestamp()),
        3600
    );
    assert_eq!(
        offset_at(london, utc("2026-10-25T01:00:00Z").timestamp()),
        0
    );

    // Lord Howe: +10:30, and +11:00 in summer. 2026-04-05 02:00 goes back to 01:30.
    let howe = Tz::Australia__Lord_Howe;
    assert_eq!(
        from_local(howe, &local("2026-04-05T01:45:00")),
        LocalResult::Ambiguous(utc("2026-04-04T14:45:00Z"), utc("2026-04-04T15:15:00Z"))
    );
    // 2026-10-04 02:00 goes forward to 02:30.
    assert_eq!(
        from_local(howe, &local("2026-10-04T02:15:00")),
        LocalResult::None
    );
    assert_eq!(
        from_local(howe, &local("2026-10-04T02:30:00")),
        LocalResult::Single(utc("2026-10-03T15:30:00Z"))
    );

    // Kathmandu, +05:45: the local date turns at 18:15 UTC.
    let kathmandu = Tz::Asia__Kathmandu;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        local_date(utc("2026-11-22T18:14:59.999Z"), kathmandu),
        day(2026, 11, 22)
    );
    assert_eq!(
        local_date(utc("2026-11-22T18:15:00Z"), kathmandu),
        day(2026, 11, 23)
    );

    // Apia went from -10 (DST) to +14 (DST) at the end of 2011-12-29: no 2011-12-30 at all.
    let apia = Tz::Pacific__Apia;
    assert_eq!(
        from_local(apia, &local("2011-12-30T12:00:00")),
        LocalResult::None
    );
    assert_eq!(
        local_date(utc("2011-12-30T09:59:59Z"), apia),
        day(2011, 12, 29)
    );
    assert_eq!(
        local_date(utc("2011-12-30T10:00:00Z"), apia),
        day(2011, 12, 31)
    );
}

#[test]
fn whole_seconds_read_the_same_instants() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(midnight_secs(day(1970, 1, 1)), 0);
    assert_eq!(midnight_secs(day(2026, 11, 23)), 1_795_392_000);
    assert_eq!(midnight_secs(day(1900, 1, 1)), -2_208_988_800);
    let london = Tz::Europe__London;
    // 2026-10-25 01:30 on the clock, twice: 00:30Z and 01:30Z.
    let wall = midnight_secs(day(2026, 10, 25)) + 5400;
    assert_eq!(
        local_to_utc(london, wall),
        LocalResult::Ambiguous(
            utc("2026-10-25T00:30:00Z").timestamp(),
            utc("2026-10-25T01:30:00Z").timestamp()
        )
    );
    assert_eq!(
        local_to_utc(london, midnight_secs(day(2026, 3, 29)) + 5400),
        LocalResult::None
    );
    assert_eq!(
        local_to_utc(Tz::Asia__Kathmandu, midnight_secs(day(2026, 11, 23))),
        LocalResult::Single(utc("2026-11-22T18:15:00Z").timestamp())
    );
}

/// Instants of two eras more than a table apart, in turn (a placeholder date of 1900 among
/// tickets of 2026): chrono-tz's answers, each era from a table of its own that stays, not
/// one table rebuilt at every turn.
#[test]
fn two_eras_in_turn_keep_a_table_each() {
    let tz: Tz = "Europe/London".parse().unwrap();
    let tables = || CACHE.with_borrow(|c| c.tables.iter().filter(|t| t.tz == tz).count());
    let eras = [year_start(1900) + 13_000_000, year_start(2026) + 11_000_000];
    for turn in 0..400i64 {
        let secs = eras[(turn % 2) as usize] + turn * 3_607;
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        let theirs = tz.offset_from_utc_datetime(&t.naive_utc()).fix();
        assert_eq!(offset_at(tz, secs), theirs.local_minus_utc(), "{t}");
        assert_eq!(local_date(t, tz), t.with_timezone(&tz).date_naive(), "{t}");
        assert!(tables() <= 2, "{} tables of one zone", tables());
    }
    assert_eq!(tables(), 2);
    // Both tables still hold their first chunk: neither was started afresh.
    let firsts: Vec<i64> = CACHE.with_borrow(|c| {
        c.tables
            .iter()
            .filter(|t| t.tz == tz)
            .map(|t| t.lo)
            .collect()
    });
    let chunk = |secs: i64| secs.div_euclid(super::CHUNK);
    let mut want = vec![chunk(eras[0]), chunk(eras[1])];
    want.sort();
    let mut got = firsts;
    got.sort();
    assert!(got[0] <= want[0] && got[1] <= want[1], "{got:?} {want:?}");
}

#[test]
fn instants_before_1970_and_far_away_match_chrono_tz() {
    for tz in [Tz::Europe__London, Tz::America__Sao_Paulo, Tz::UTC] {
        for s in [
            "1900-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "2100-06-01T12:00:00Z",
            "9999-12-31T23:59:59Z",
        ] {
            let t = utc(s);
            assert_eq!(
                local_date(t, tz),
                t.with_timezone(&tz).date_naive(),
                "{tz} {s}"
            );
            let wall = t.naive_utc();
            assert_eq!(from_local(tz, &wall), chrono_from_local(tz, &wall));
        }
        for wall in [NaiveDateTime::MIN, NaiveDateTime::MAX] {
            assert_eq!(from_local(tz, &wall), chrono_from_local(tz, &wall), "{tz}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any zone, any second from 1850 to 2150, both directions.
    #[test]
    fn any_zone_any_second_matches_chrono_tz(
        zone in 0..TZ_VARIANTS.len(),
        secs in -3_786_825_600i64..5_680_281_600,
    ) {
        let tz = TZ_VARIANTS[zone];
        let t = DateTime::from_timestamp(secs, 0).unwrap();
        let theirs = tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc();
        prop_assert_eq!(offset_at(tz, secs), theirs);
        prop_assert_eq!(local_date(t, tz), t.with_timezone(&tz).date_naive());
        let wall = t.naive_utc();
        prop_assert_eq!(from_local(tz, &wall), chrono_from_local(tz, &wall));
    }
}
