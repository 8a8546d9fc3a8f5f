//! Business-calendar arithmetic: the elapsed time and deadline of one clock, as every SLA
//! clock and update gap of a report needs them.

use std::collections::BTreeSet;
use std::hint::black_box;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use criterion::{Criterion, criterion_group, criterion_main};
use supportlens::calendar::Calendar;

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

criterion_group!(benches, bench);
criterion_main!(benches);
