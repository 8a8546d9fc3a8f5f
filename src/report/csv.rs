//! CSV bytes for every table of a report (SPEC §5): RFC 4180, header row, UTC timestamps,
//! numbers with at most 2 decimals, percentages with 1, formulas neutralised.

use rayon::prelude::*;

use crate::model::{Ts, fmt_ts};

/// One cell, typed so that numbers are formatted by the SPEC's rules and text is made inert.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Int(i64),
    /// At most 2 decimals; empty when None.
    Num(Option<f64>),
    /// A percentage with 1 decimal; empty when None.
    Pct(Option<f64>),
    Bool(bool),
    Time(Option<Ts>),
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn render(&self) -> String {
        match self {
            Cell::Text(s) => neutralise(s),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => x.map(num2).unwrap_or_default(),
            Cell::Pct(x) => x.map(|p| fix_zero(format!("{p:.1}"))).unwrap_or_default(),
            Cell::Bool(b) => b.to_string(),
            Cell::Time(t) => t.map(fmt_ts).unwrap_or_default(),
        }
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Int(n as i64)
    }
}

/// A number rounded to 2 decimals with trailing zeros dropped: 12.5, 12, 12.33.
pub fn num2(x: f64) -> String {
    let s = format!("{x:.2}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    fix_zero(s)
}

fn fix_zero(s: String) -> String {
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// A table: a header and rows of cells, rendered to CSV bytes.
pub fn table(header: &[&str], rows: impl IntoIterator<Item = Vec<Cell>>) -> Vec<u8> {
    let mut w = writer();
    w.write_record(header).expect("writing to memory");
    write_rows(&mut w, header.len(), rows);
    w.into_inner().expect("writing to memory")
}

/// Items rendered into rows at once on every core; large enough that joining the parts
/// costs little.
const ROWS_PER_TASK: usize = 4096;

/// [`table`] of one row per item, rendered on every core in runs of consecutive items and
/// joined in item order: the same bytes, sooner, for the tables with a row per clock or
/// ticket.
pub fn table_of<T: Sync>(
    header: &[&str],
    items: &[T],
    cells: impl Fn(&T) -> Vec<Cell> + Sync,
) -> Vec<u8> {
    let parts: Vec<Vec<u8>> = items
        .par_chunks(ROWS_PER_TASK)
        .map(|run| {
            let mut w = writer();
            write_rows(&mut w, header.len(), run.iter().map(&cells));
            w.into_inner().expect("writing to memory")
        })
        .collect();
    let mut w = writer();
    w.write_record(header).expect("writing to memory");
    let mut out = w.into_inner().expect("writing to memory");
    out.reserve(parts.iter().map(Vec::len).sum());
    for part in parts {
        out.extend_from_slice(&part);
    }
    out
}

fn writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn write_rows(
    w: &mut csv::Writer<Vec<u8>>,
    width: usize,
    rows: impl IntoIterator<Item = Vec<Cell>>,
) {
    for row in rows {
        debug_assert_eq!(row.len(), width);
        w.write_record(row.iter().map(Cell::render))
            .expect("writing to memory");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_spec() {
        assert_eq!(num2(12.5), "12.5");
        assert_eq!(num2(12.0), "12");
        assert_eq!(num2(12.3333), "12.33");
        assert_eq!(num2(-0.001), "0");
        assert_eq!(num2(-30.0), "-30");
        assert_eq!(Cell::Pct(Some(200.0 / 3.0)).render(), "66.7");
        assert_eq!(Cell::Pct(Some(100.0)).render(), "100.0");
        assert_eq!(Cell::Pct(None).render(), "");
    }

    #[test]
    fn formulas_are_neutralised_and_quoted() {
        let bytes = table(
            &["a", "b"],
            [vec![
                Cell::text("=HYPERLINK(\"x\")"),
                Cell::text("plain, with comma"),
            ]],
        );
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"plain, with comma\"\r\n"
        );
        assert_eq!(neutralise("-1+2"), "'-1+2");
        assert_eq!(neutralise("@sum"), "'@sum");
        assert_eq!(neutralise("ok"), "ok");
    }
}
