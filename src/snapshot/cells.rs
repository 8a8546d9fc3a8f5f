//! A snapshot table's columns read cell by cell through their chunked arrays (no per-cell
//! `AnyValue`): text, booleans, integers, millisecond timestamps and the person columns,
//! each error naming the column and row.

use anyhow::{Result, anyhow, bail};
use chrono::DateTime;
use polars::prelude::*;

use crate::model::{PersonRef, Short, Ts};

/// A column's cells as `Option`s: `None` from the iterator means the column ran short,
/// `Some(None)` a null cell. Both are read as null by `owned`, and rejected by `need`.
pub(super) type Cells<'a, T> = Box<dyn Iterator<Item = Option<T>> + 'a>;

/// Reads the person columns `<role>_id`, `<role>_name`, `<role>_app` and `<role>_email`
/// together. A snapshot written before emails were kept has no email column: its people
/// read with no address.
pub(super) struct PersonIter<'a> {
    id: Cells<'a, &'a str>,
    name: Cells<'a, &'a str>,
    app: Cells<'a, bool>,
    email: Cells<'a, &'a str>,
}

impl<'a> PersonIter<'a> {
    pub(super) fn new(df: &'a DataFrame, role: &str) -> Result<Self> {
        let email_col = format!("{role}_email");
        let email: Cells<'a, &'a str> = if df.schema().contains(&email_col) {
            strs(df, &email_col)?
        } else {
            Box::new(std::iter::repeat(None))
        };
        Ok(PersonIter {
            id: strs(df, &format!("{role}_id"))?,
            name: strs(df, &format!("{role}_name"))?,
            app: bools(df, &format!("{role}_app"))?,
            email,
        })
    }

    /// The next row's person; a null id means JIRA named nobody.
    pub(super) fn next(&mut self) -> Option<PersonRef> {
        let id = self.id.next().flatten();
        let name = self.name.next().flatten();
        let app = self.app.next().flatten();
        let email = self.email.next().flatten();
        id.map(|id| PersonRef {
            id: id.into(),
            name: name.unwrap_or_default().into(),
            app: app.unwrap_or(false),
            email: email.map(Short::from),
        })
    }
}

pub(super) fn column<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column> {
    df.column(name)
        .map_err(|_| anyhow!("column `{name}` is missing"))
}

pub(super) fn strs<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, &'a str>> {
    let ca = column(df, name)?
        .str()
        .map_err(|_| anyhow!("column `{name}` is not text"))?;
    Ok(Box::new(ca.iter()))
}

pub(super) fn bools<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, bool>> {
    let ca = column(df, name)?
        .bool()
        .map_err(|_| anyhow!("column `{name}` is not boolean"))?;
    Ok(Box::new(ca.iter()))
}

pub(super) fn ints<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, i64>> {
    let ca = column(df, name)?
        .i64()
        .map_err(|_| anyhow!("column `{name}` is not a 64-bit integer"))?;
    Ok(Box::new(ca.iter()))
}

/// A timestamp column's physical milliseconds; any other unit or a zone is not ours.
pub(super) fn times<'a>(df: &'a DataFrame, name: &str) -> Result<Cells<'a, i64>> {
    let col = column(df, name)?;
    match col.dtype() {
        DataType::Datetime(TimeUnit::Milliseconds, None) => {}
        other => bail!("column `{name}` is {other}, expected a millisecond UTC timestamp"),
    }
    let ca = col.datetime()?;
    Ok(Box::new(ca.physical().iter()))
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

pub(super) fn ts(cell: Option<Option<i64>>, name: &str, row: usize) -> Result<Ts> {
    let ms = need(cell, name, row)?;
    DateTime::from_timestamp_millis(ms)
        .ok_or_else(|| anyhow!("row {}: column `{name}` is out of range ({ms} ms)", row + 1))
}

/// A nullable timestamp cell: tickets may lack `created`/`updated`.
pub(super) fn opt_ts(cell: Option<Option<i64>>, name: &str, row: usize) -> Result<Option<Ts>> {
    match cell {
        Some(None) => Ok(None),
        other => ts(other, name, row).map(Some),
    }
}
