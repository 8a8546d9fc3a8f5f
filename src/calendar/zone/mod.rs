//! A zone's UTC offsets, looked up without chrono-tz's search per conversion. Weeks, local
//! dates and business calendars convert millions of instants between UTC and a team's wall
//! clock per report; chrono-tz answers each by a binary search over the zone's whole history
//! (hundreds of spans). This module learns the zone's offset changes once per thread, about
//! 48 days at a time over the years the conversions reach, from chrono-tz itself, and then
//! answers from the span of constant offset the last conversion fell in, or by a search
//! over the few changes of those years. The answers are chrono-tz's: same offset, same
//! local date, and the same single, repeated (fold) or missing (gap) instants for a local
//! time.
//!
//! # How changes are found
//!
//! A table of a zone is built by reading chrono-tz's offset every [`STEP`] (4 h 33 min) and,
//! where two readings differ, bisecting to the exact second of the change. So a zone that
//! changed its offset and back again within one step would be missed; chrono-tz 0.10's
//! tables have no such pair: its two closest offset changes since 1900 are 7 days apart
//! (Brazil in 2000, Gaza and Hebron in later years), and the business calendar already
//! assumes no zone changes its offset twice in a day. A local time that more than two
//! instants read (no zone has one) is answered by chrono-tz directly.

#[cfg(test)]
mod tests;

use std::cell::RefCell;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveDateTime, Offset, TimeZone,
};
use chrono_tz::Tz;

use crate::model::Ts;

/// Seconds of UTC one table covers (about 48.5 days).
const CHUNK: i64 = 1 << 22;
/// Seconds between two readings of chrono-tz while a table is built (4 h 33 min 4 s).
const STEP: i64 = CHUNK / 256;
/// A day: no zone's offset reaches it (chrono's offsets are below a day), so every instant
/// a wall-clock time reads lies within a day of that time taken as UTC.
const DAY: i64 = 86_400;
/// Instants within this many seconds of 1970 (about 190,000 years) use the tables; anything
/// further is answered by chrono-tz, so a table never reads outside chrono's dates (a
/// conversion reads up to two days either side).
const REACH: i64 = 6_000_000_000_000;
/// Chunks one zone's table spans at most (about 68 years); a lookup further away uses the
/// zone's other table, or starts one there.
const MAX_CHUNKS: i64 = 512;
/// Tables one thread keeps of one zone: two, so instants of two eras (a placeholder date
/// of 1900 among tickets of 2026) each keep theirs instead of rebuilding one in turn.
const TABLES_PER_ZONE: usize = 2;
/// Zones one thread keeps tables of.
const MAX_ZONES: usize = 16;
/// 1970-01-01 counted in days from 0001-01-01 as day 1, as chrono counts.
const EPOCH_DAYS_FROM_CE: i64 = 719_163;

/// The UTC seconds `[from, until)` during which a zone keeps the offset `offset`.
#[derive(Debug, Clone, Copy)]
struct Span {
    from: i64,
    until: i64,
    offset: i32,
}

/// One zone's offset changes over consecutive chunks `[lo, hi)`, read from chrono-tz.
struct Table {
    tz: Tz,
    lo: i64,
    hi: i64,
    /// The offset at the first second of chunk `lo`.
    first: i32,
    /// (the second a new offset starts, that offset), ascending.
    changes: Vec<(i64, i32)>,
    /// The span last looked up.
    last: Span,
}

/// One thread's tables, up to [`TABLES_PER_ZONE`] per zone met.
struct Cache {
    tables: Vec<Table>,
    /// The local date last computed, as days since 1970-01-01.
    last_date: (i64, NaiveDate),
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache {
            tables: Vec::new(),
            last_date: (0, NaiveDate::from_ymd_opt(1970, 1, 1).expect("a valid date")),
        })
    };
}

/// chrono-tz's own answer: the offset of `tz` at UTC second `secs`, in seconds east of UTC.
fn chrono_offset(tz: Tz, secs: i64) -> i32 {
    let Some(t) = DateTime::from_timestamp(secs, 0) else {
        unreachable!("only seconds within REACH are read, and chrono holds them all")
    };
    tz.offset_from_utc_datetime(&t.naive_utc())
        .fix()
        .local_minus_utc()
}

/// Reads chrono-tz over chunk `index` of `tz` (seconds `index * CHUNK ..`): the offset at
/// its first second and the changes within it.
fn read_chunk(tz: Tz, index: i64) -> (i32, Vec<(i64, i32)>) {
    let start = index * CHUNK;
    let last = start + CHUNK - 1;
    let first = chrono_offset(tz, start);
    let mut changes = Vec::new();
    let (mut at, mut offset) = (start, first);
    while at < last {
        let next = (at + STEP).min(last);
        let reading = chrono_offset(tz, next);
        // Each pass finds the first change after `at`; a second change before `next`
        // (none in chrono-tz's tables) is found by the pass after it.
        while reading != offset {
            let (mut same, mut other) = (at, next);
            while other - same > 1 {
                let mid = same + (other - same) / 2;
                if chrono_offset(tz, mid) == offset {
                    same = mid;
                } else {
                    other = mid;
                }
            }
            offset = chrono_offset(tz, other);
            changes.push((other, offset));
            at = other;
        }
        at = next;
    }
    (first, changes)
}

impl Table {
    fn new(tz: Tz, index: i64) -> Table {
        let (first, changes) = read_chunk(tz, index);
        Table {
            tz,
            lo: index,
            hi: index + 1,
            first,
            changes,
            last: Span {
                from: 0,
                until: 0,
                offset: 0,
            },
        }
    }

    /// Whether chunk `index` can join the table without it spanning more than
    /// [`MAX_CHUNKS`].
    #[inline]
    fn reaches(&self, index: i64) -> bool {
        self.lo.min(index) + MAX_CHUNKS > self.hi.max(index + 1)
    }

    /// Reads chunks until `index` is among them.
    fn extend_to(&mut self, index: i64) {
        while self.hi <= index {
            let (first, changes) = read_chunk(self.tz, self.hi);
            let before = self.changes.last().map_or(self.first, |&(_, o)| o);
            if first != before {
                self.changes.push((self.hi * CHUNK, first));
            }
            self.changes.extend(changes);
            self.hi += 1;
        }
        while self.lo > index {
            self.lo -= 1;
            let (first, mut changes) = read_chunk(self.tz, self.lo);
            let after = changes.last().map_or(first, |&(_, o)| o);
            if after != self.first {
                changes.push(((self.lo + 1) * CHUNK, self.first));
            }
            changes.append(&mut self.changes);
            self.changes = changes;
            self.first = first;
        }
    }

    /// The span of constant offset holding UTC second `t`, cut at the chunks read.
    #[inline]
    fn span(&mut self, t: i64) -> Span {
        if self.last.from <= t && t < self.last.until {
            return self.last;
        }
        self.look_up(t)
    }

    /// [`Table::span`] outside the last span: kept out of line so that the common case
    /// stays a comparison.
    #[cold]
    #[inline(never)]
    fn look_up(&mut self, t: i64) -> Span {
        let index = t.div_euclid(CHUNK);
        if self.reaches(index) {
            self.extend_to(index);
        } else {
            *self = Table::new(self.tz, index);
        }
        let i = self.changes.partition_point(|&(at, _)| at <= t);
        let (from, offset) = match i {
            0 => (self.lo * CHUNK, self.first),
            _ => self.changes[i - 1],
        };
        let until = self.changes.get(i).map_or(self.hi * CHUNK, |&(at, _)| at);
        self.last = Span {
            from,
            until,
            offset,
        };
        self.last
    }
}

impl Cache {
    /// The span of constant offset of `tz` holding UTC second `t`.
    #[inline]
    fn span(&mut self, tz: Tz, t: i64) -> Span {
        let index = t.div_euclid(CHUNK);
        let at = match self
            .tables
            .iter()
            .position(|table| table.tz == tz && table.reaches(index))
        {
            Some(at) => at,
            None => self.add(tz, index),
        };
        self.tables[at].span(t)
    }

    /// Starts a table of `tz` at chunk `index`, which no table of it reaches; its index.
    /// The zone's oldest table makes way when it has [`TABLES_PER_ZONE`].
    #[cold]
    #[inline(never)]
    fn add(&mut self, tz: Tz, index: i64) -> usize {
        let mut own = self.tables.iter().enumerate().filter(|(_, t)| t.tz == tz);
        if let (Some((oldest, _)), true) = (own.next(), own.count() + 1 >= TABLES_PER_ZONE) {
            self.tables.remove(oldest);
        }
        // A report meets one or two zones; a test that tours them all starts afresh.
        if self.tables.len() >= MAX_ZONES {
            self.tables.clear();
        }
        self.tables.push(Table::new(tz, index));
        self.tables.len() - 1
    }
}

fn within_reach(secs: i64) -> bool {
    (-REACH..REACH).contains(&secs)
}

/// The offset of `tz` at UTC second `secs`, in seconds east of UTC (chrono-tz's
/// `offset_from_utc_datetime`).
pub fn offset_at(tz: Tz, secs: i64) -> i32 {
    if !within_reach(secs) {
        return match DateTime::from_timestamp(secs, 0) {
            Some(t) => tz.offset_from_utc_datetime(&t.naive_utc()).fix(),
            None => tz.offset_from_utc_datetime(&NaiveDateTime::MAX).fix(),
        }
        .local_minus_utc();
    }
    CACHE.with_borrow_mut(|cache| cache.span(tz, secs).offset)
}

/// The day on `tz`'s wall clock at instant `t`, counted from 1970-01-01 (the day
/// [`local_date`] gives, as a number); `None` beyond the reach of the cached tables.
pub fn local_day(t: Ts, tz: Tz) -> Option<i64> {
    let secs = t.timestamp();
    within_reach(secs).then(|| {
        CACHE.with_borrow_mut(|cache| {
            (secs + i64::from(cache.span(tz, secs).offset)).div_euclid(DAY)
        })
    })
}

/// The UTC seconds `[from, until)` around instant `t` during which `tz` keeps one offset, and
/// that offset (seconds east of UTC); None for instants out of the tables' reach.
pub fn offset_span(t: Ts, tz: Tz) -> Option<(i64, i64, i32)> {
    let secs = t.timestamp();
    within_reach(secs).then(|| {
        CACHE.with_borrow_mut(|cache| {
            let span = cache.span(tz, secs);
            (span.from, span.until, span.offset)
        })
    })
}

/// The date `days` days after 1970-01-01 (as [`local_day`] counts); None past chrono's dates.
pub fn date_of_day(days: i64) -> Option<NaiveDate> {
    i32::try_from(days + EPOCH_DAYS_FROM_CE)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// The date on `tz`'s wall clock at instant `t`: `t.with_timezone(&tz).date_naive()`.
pub fn local_date(t: Ts, tz: Tz) -> NaiveDate {
    let secs = t.timestamp();
    if !within_reach(secs) {
        return t.with_timezone(&tz).date_naive();
    }
    CACHE.with_borrow_mut(|cache| {
        let days = (secs + i64::from(cache.span(tz, secs).offset)).div_euclid(DAY);
        if cache.last_date.0 != days {
            let date = date_of_day(days)
                .unwrap_or_else(|| unreachable!("a date within REACH fits chrono's dates"));
            cache.last_date = (days, date);
        }
        cache.last_date.1
    })
}

/// The instants whose wall clock in `tz` reads `local`, as chrono-tz's
/// `from_local_datetime` gives them: one, two in a repeated hour (earliest first), or none in
/// a skipped one.
pub fn from_local(tz: Tz, local: &NaiveDateTime) -> LocalResult<Ts> {
    let l = local.and_utc().timestamp();
    if !within_reach(l) {
        return tz.from_local_datetime(local).map(|t| t.to_utc());
    }
    local_to_utc(tz, l).map(|t| local.and_utc() - Duration::seconds(l - t))
}

/// [`from_local`] in whole seconds: the UTC seconds since 1970 whose wall clock in `tz`
/// reads `local`, a wall-clock time counted in seconds from 1970-01-01 00:00 on that clock
/// (see [`midnight_secs`]).
pub fn local_to_utc(tz: Tz, local: i64) -> LocalResult<i64> {
    if !within_reach(local) {
        let Some(wall) = DateTime::from_timestamp(local, 0) else {
            return LocalResult::None;
        };
        return tz
            .from_local_datetime(&wall.naive_utc())
            .map(|t| t.timestamp());
    }
    CACHE.with_borrow_mut(|cache| {
        let span = cache.span(tz, local);
        if span.from <= local - DAY && local + DAY < span.until {
            return LocalResult::Single(local - i64::from(span.offset));
        }
        // An instant t reads `local` when t + offset(t) == local, and lies within a day of
        // it: each span of that stretch offers one candidate, local - its offset.
        let mut found = Vec::with_capacity(2);
        let mut t = local - DAY;
        while t <= local + DAY {
            let s = cache.span(tz, t);
            let candidate = local - i64::from(s.offset);
            // From `t` on only: a span read again after the table grew may reach back over
            // the stretch already looked at.
            if s.from.max(t) <= candidate && candidate < s.until {
                found.push(candidate);
            }
            t = s.until;
        }
        match found[..] {
            [] => LocalResult::None,
            [one] => LocalResult::Single(one),
            [earlier, later] => LocalResult::Ambiguous(earlier, later),
            _ => {
                let wall = DateTime::from_timestamp(local, 0).map(|t| t.naive_utc());
                wall.map_or(LocalResult::None, |wall| {
                    tz.from_local_datetime(&wall).map(|t| t.timestamp())
                })
            }
        }
    })
}

/// Midnight of `date` as a wall-clock time in seconds, as [`local_to_utc`] takes it.
pub fn midnight_secs(date: NaiveDate) -> i64 {
    (i64::from(date.num_days_from_ce()) - EPOCH_DAYS_FROM_CE) * DAY
}
