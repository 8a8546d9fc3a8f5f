//! Business-calendar arithmetic: the elapsed time and deadline of one clock, as every SLA
//! clock and update gap of a report needs them; and the zone conversions under them, through
//! the cached offsets against chrono-tz's search.

use std::collections::BTreeSet;
use std::hint::black_box;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use supportlens::calendar::{Calendar, zone};

fn office() -> Calendar {
    let day = vec![(9 * 3600, 12 * 3600), (13 * 3600, 18 * 3600)];
    let week = [
        day.clone(),
        day.clone(),
        day.clone(),
        day.clone(),
        day,
        Vec::new(),
        Vec::new(),
    ];
    let holidays: BTreeSet<NaiveDate> = (1..=12)
        .map(|m| NaiveDate::from_ymd_opt(2026, m, 10).expect("valid date"))
        .collect();
    Calendar::new(chrono_tz::Europe::London, week, holidays).expect("valid hours")
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("valid instant")
}

fn bench(c: &mut Criterion) {
    let cal = office();
    // A Friday evening start, across a weekend, a holiday and the October DST change.
    let start = at("2026-10-23T17:30:00Z");
    c.bench_function("calendar/elapsed 1 day", |b| {
        b.iter(|| cal.elapsed(black_box(start), black_box(start + Duration::days(1))))
    });
    c.bench_function("calendar/elapsed 30 days", |b| {
        b.iter(|| cal.elapsed(black_box(start), black_box(start + Duration::days(30))))
    });
    c.bench_function("calendar/deadline 48h business", |b| {
        b.iter(|| cal.deadline(black_box(start), black_box(48 * 3600)))
    });
    c.bench_function("calendar/deadline 15m business", |b| {
        b.iter(|| cal.deadline(black_box(start), black_box(15 * 60)))
    });
}

/// 1,000 instants 7 hours apart from 2026-01-01 (about 10 months, one DST change each way).
fn instants() -> Vec<DateTime<Utc>> {
    let first = at("2026-01-01T00:00:00Z");
    (0..1000).map(|k| first + Duration::hours(7 * k)).collect()
}

fn zones(c: &mut Criterion) {
    let tz = chrono_tz::Europe::London;
    let ts = instants();
    c.bench_function("zone/1000 local dates, chrono-tz", |b| {
        b.iter(|| {
            ts.iter()
                .map(|t| black_box(t).with_timezone(&tz).date_naive())
                .max()
        })
    });
    c.bench_function("zone/1000 local dates, cached", |b| {
        b.iter(|| ts.iter().map(|t| zone::local_date(*black_box(t), tz)).max())
    });
    let walls: Vec<_> = ts.iter().map(|t| t.naive_utc()).collect();
    c.bench_function("zone/1000 wall-clock times to instants, chrono-tz", |b| {
        b.iter(|| {
            walls
                .iter()
                .filter_map(|l| tz.from_local_datetime(black_box(l)).earliest())
                .count()
        })
    });
    c.bench_function("zone/1000 wall-clock times to instants, cached", |b| {
        b.iter(|| {
            walls
                .iter()
                .filter_map(|l| zone::from_local(tz, black_box(l)).earliest())
                .count()
        })
    });
    let secs: Vec<i64> = walls.iter().map(|l| l.and_utc().timestamp()).collect();
    c.bench_function("zone/1000 wall-clock seconds to UTC seconds, cached", |b| {
        b.iter(|| {
            secs.iter()
                .filter_map(|l| zone::local_to_utc(tz, *black_box(l)).earliest())
                .count()
        })
    });
}

criterion_group!(benches, bench, zones);
criterion_main!(benches);
