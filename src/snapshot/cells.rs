//! A snapshot table's columns read cell by cell through their chunked arrays (no per-cell
//! `AnyValue`): text, booleans, integers, millisecond timestamps and the person columns,
//! each error naming the column and row.

use anyhow::{Result, anyhow, bail};
use chrono::{Datelike, NaiveDate, NaiveTime};
use polars::prelude::*;

use crate::model::{Named, PersonRef, Short, Ts};
use crate::week::{MAX_YEAR, MIN_YEAR};

/// A column's cells as `Option`s, read straight from its arrays: `None` from the iterator
/// means the column ran short, `Some(None)` a null cell. Both are read as null by `owned`,
/// and rejected by `need`. (Not polars' own cell iterator: a large snapshot has tens of
/// millions of cells, and that one costs two dynamic calls and a chunk walk per cell.)
pub(super) struct Cells<'a, T: PolarsDataType> {
    /// The chunks after the one being read, each with its length.
    rest: std::vec::IntoIter<(&'a T::Array, usize)>,
    /// The chunk being read (none once all are), its length and the next cell in it.
    arr: Option<&'a T::Array>,
    len: usize,
    pos: usize,
}

impl<'a, T: PolarsDataType> Cells<'a, T> {
    pub(super) fn new(ca: &'a ChunkedArray<T>) -> Self {
        let chunks: Vec<(&'a T::Array, usize)> =
            ca.downcast_iter().zip(ca.chunk_lengths()).collect();
        Cells {
            rest: chunks.into_iter(),
            arr: None,
            len: 0,
            pos: 0,
        }
    }
}

/// The column types [`Cells`] reads, each through its array's own inlined accessor.
pub(super) trait CellType: PolarsDataType {
    type Cell<'a>;

    /// Cell `i` of `arr`, `None` when null.
    ///
    /// # Safety
    /// `i` is below `arr`'s length.
    unsafe fn cell(arr: &Self::Array, i: usize) -> Option<Self::Cell<'_>>;
}

impl CellType for StringType {
    type Cell<'a> = &'a str;

    #[inline]
    unsafe fn cell(arr: &Self::Array, i: usize) -> Option<&str> {
        // SAFETY: the caller keeps `i` in bounds.
        unsafe { arr.get_unchecked(i) }
    }
}

impl CellType for BooleanType {
    type Cell<'a> = bool;

    #[inline]
    unsafe fn cell(arr: &Self::Array, i: usize) -> Option<bool> {
        // SAFETY: the caller keeps `i` in bounds, of the values and of the validity alike.
        unsafe {
            (arr.validity().is_none_or(|v| v.get_bit_unchecked(i))).then(|| arr.value_unchecked(i))
        }
    }
}

impl CellType for Int64Type {
    type Cell<'a> = i64;

    #[inline]
    unsafe fn cell(arr: &Self::Array, i: usize) -> Option<i64> {
        // SAFETY: the caller keeps `i` in bounds, of the values and of the validity alike.
        unsafe {
            (arr.validity().is_none_or(|v| v.get_bit_unchecked(i)))
                .then(|| *arr.values().get_unchecked(i))
        }
    }
}

impl<'a, T: CellType> Iterator for Cells<'a, T> {
    type Item = Option<T::Cell<'a>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        if self.pos < self.len
            && let Some(arr) = self.arr
        {
            let i = self.pos;
            self.pos += 1;
            // SAFETY: `i` is below the chunk's length, checked just above.
            return Some(unsafe { T::cell(arr, i) });
        }
        self.next_chunk()
    }
}

impl<'a, T: CellType> Cells<'a, T> {
    /// The first cell of the next chunk with any, once the one being read is done.
    #[cold]
    fn next_chunk(&mut self) -> Option<Option<T::Cell<'a>>> {
        loop {
            let (arr, len) = self.rest.next()?;
            if len > 0 {
                (self.arr, self.len, self.pos) = (Some(arr), len, 1);
                // SAFETY: the chunk has a cell 0.
                return Some(unsafe { T::cell(arr, 0) });
            }
        }
    }
}

/// Text cells.
pub(super) type Strs<'a> = Cells<'a, StringType>;

/// Reads the person columns `<role>_id`, `<role>_name`, `<role>_app` and `<role>_email`
/// together. A snapshot written before emails were kept has no email column: its people
/// read with no address; so do all people when the reader is told to skip the addresses
/// (the column is still checked).
///
/// The rows that name a person alike share one [`PersonRef`]: a table names a few
/// thousand people on millions of rows.
pub(super) struct PersonIter<'a> {
    id: Strs<'a>,
    name: Strs<'a>,
    app: Cells<'a, BooleanType>,
    email: Option<Strs<'a>>,
    /// The person each id was last read as, and the last row's person (rows of one
    /// changelog history name theirs one after the other).
    met: PlHashMap<&'a str, PersonRef>,
    last: Option<PersonRef>,
}

impl<'a> PersonIter<'a> {
    pub(super) fn new(df: &'a DataFrame, role: &str, emails: bool) -> Result<Self> {
        let email_col = format!("{role}_email");
        let email = if df.schema().contains(&email_col) {
            Some(strs(df, &email_col)?).filter(|_| emails)
        } else {
            None
        };
        Ok(PersonIter {
            id: strs(df, &format!("{role}_id"))?,
            name: strs(df, &format!("{role}_name"))?,
            app: bools(df, &format!("{role}_app"))?,
            email,
            met: PlHashMap::default(),
            last: None,
        })
    }

    /// The next row's person; a null id means JIRA named nobody.
    pub(super) fn next(&mut self) -> Option<PersonRef> {
        let id = self.id.next().flatten();
        let name = self.name.next().flatten();
        let app = self.app.next().flatten();
        let email = self.email.as_mut().and_then(|e| e.next().flatten());
        let (id, name, app) = (id?, name.unwrap_or_default(), app.unwrap_or(false));
        let same = |p: &PersonRef| {
            p.id == id && p.name == name && p.app == app && p.email.as_deref() == email
        };
        if let Some(p) = self.last.as_ref().filter(|p| same(p)) {
            return Some(p.clone());
        }
        let person = match self.met.get(id).filter(|p| same(p)) {
            Some(p) => p.clone(),
            None => {
                let p = PersonRef::from(Named {
                    id: id.into(),
                    name: name.into(),
                    app,
                    email: email.map(Short::from),
                });
                self.met.insert(id, p.clone());
                p
            }
        };
        self.last = Some(person.clone());
        Some(person)
    }
}

pub(super) fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(|_| anyhow!("column `{name}` is missing"))
}

pub(super) fn strs<'a>(df: &'a DataFrame, name: &str) -> Result<Strs<'a>> {
    let ca = column(df, name)?
        .str()
        .map_err(|_| anyhow!("column `{name}` is not text"))?;
    Ok(Cells::new(ca))
}

pub(super) fn bools<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, BooleanType>> {
    let ca = column(df, name)?
        .bool()
        .map_err(|_| anyhow!("column `{name}` is not boolean"))?;
    Ok(Cells::new(ca))
}

pub(super) fn ints<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, Int64Type>> {
    let ca = column(df, name)?
        .i64()
        .map_err(|_| anyhow!("column `{name}` is not a 64-bit integer"))?;
    Ok(Cells::new(ca))
}

/// A timestamp column's physical milliseconds; any other unit or a zone is not ours.
pub(super) fn times<'a>(df: &'a DataFrame, name: &str) -> Result<Times<'a>> {
    let col = column(df, name)?;
    match col.dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, None) => {}
        other => bail!("column `{name}` is {other}, expected a millisecond UTC timestamp"),
    }
    Ok(Times {
        cells: Cells::new(col.datetime()?.physical()),
        day: None,
        years: false,
    })
}

/// [`times`] of a column of JIRA's instants: those outside the years the JSON readers take
/// (`week::MIN_YEAR` to `MAX_YEAR`) are out of range too. A table edited by hand may hold
/// any instant chrono does, and week arithmetic past those years panicked or ran on.
pub(super) fn data_times<'a>(df: &'a DataFrame, name: &str) -> Result<Times<'a>> {
    Ok(Times {
        years: true,
        ..times(df, name)?
    })
}

/// A timestamp column's cells as instants: `Err` holds the milliseconds of a cell out of
/// chrono's range (or of the years `data_times` takes).
pub(super) struct Times<'a> {
    cells: Cells<'a, Int64Type>,
    /// The last day converted (days since 1970-01-01) and its date: the instants of one
    /// column come a ticket at a time, mostly days apart at most, and finding a date from
    /// a day number is most of a conversion.
    day: Option<(i64, NaiveDate)>,
    /// Whether instants outside the years `MIN_YEAR` to `MAX_YEAR` are out of range.
    years: bool,
}

impl Iterator for Times<'_> {
    type Item = Option<std::result::Result<Ts, i64>>;

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        let cell = self.cells.next()?;
        Some(cell.map(|ms| self.instant(ms).ok_or(ms)))
    }
}

impl Times<'_> {
    /// `DateTime::from_timestamp_millis(ms)`, the date of the day before reused.
    fn instant(&mut self, ms: i64) -> Option<Ts> {
        /// Days from 0001-01-01 (day 1) to 1970-01-01, as chrono counts them.
        const UNIX_EPOCH_DAY: i64 = 719_163;
        let secs = ms.div_euclid(1000);
        let nanos = (ms.rem_euclid(1000) as u32) * 1_000_000;
        let days = secs.div_euclid(86_400);
        let date = match self.day {
            Some((d, date)) if d == days => date,
            _ => {
                let ce = i32::try_from(days.checked_add(UNIX_EPOCH_DAY)?).ok()?;
                let date = NaiveDate::from_num_days_from_ce_opt(ce)?;
                if self.years && !(MIN_YEAR..=MAX_YEAR).contains(&date.year()) {
                    return None;
                }
                self.day = Some((days, date));
                date
            }
        };
        let time =
            NaiveTime::from_num_seconds_from_midnight_opt(secs.rem_euclid(86_400) as u32, nanos)?;
        Some(date.and_time(time).and_utc())
    }
}

pub(super) fn need<T>(cell: Option<Option<T>>, name: &str, row: usize) -> Result<T> {
    cell.flatten()
        .ok_or_else(|| anyhow!("row {}: column `{name}` is empty", row + 1))
}

pub(super) fn owned(cell: Option<Option<&str>>) -> Option<String> {
    cell.flatten().map(str::to_owned)
}

pub(super) fn short(cell: Option<Option<&str>>) -> Option<Short> {
    cell.flatten().map(Short::from)
}

/// The instant a cell of [`Times`] holds.
pub(super) fn ts(
    cell: Option<Option<std::result::Result<Ts, i64>>>,
    name: &str,
    row: usize,
) -> Result<Ts> {
    need(cell, name, row)?
        .map_err(|ms| anyhow!("row {}: column `{name}` is out of range ({ms} ms)", row + 1))
}

/// A nullable timestamp cell: tickets may lack `created`/`updated`.
pub(super) fn opt_ts(
    cell: Option<Option<std::result::Result<Ts, i64>>>,
    name: &str,
    row: usize,
) -> Result<Option<Ts>> {
    match cell {
        Some(None) => Ok(None),
        other => ts(other, name, row).map(Some),
    }
}
