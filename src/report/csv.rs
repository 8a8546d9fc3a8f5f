//! CSV bytes for every table of a report (SPEC §5): RFC 4180, header row, UTC timestamps,
//! numbers with at most 2 decimals, percentages with 1, formulas neutralised.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

use rayon::prelude::*;

pub use crate::format::{num2, pct1};
use crate::format::{num2_into, pct1_into};
use crate::model::{Ts, push_ts};
use crate::week::Week;

/// One cell, typed so that numbers are formatted by the SPEC's rules and text is made inert.
/// Text borrows where it can: a large report writes millions of ids and keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    Int(i64),
    /// At most 2 decimals; empty when None.
    Num(Option<f64>),
    /// A percentage with 1 decimal; empty when None.
    Pct(Option<f64>),
    Bool(bool),
    Time(Option<Ts>),
    /// An ISO week label, `2026-W47`.
    Week(Week),
}

impl<'a> Cell<'a> {
    pub fn text(s: impl Into<Cow<'a, str>>) -> Cell<'a> {
        Cell::Text(s.into())
    }

    /// Appends the cell's CSV text (before quoting) to `out`.
    fn render_into(&self, out: &mut String) {
        match self {
            Cell::Text(s) => neutralise_into(s, out),
            Cell::Int(n) => {
                let _ = write!(out, "{n}");
            }
            Cell::Num(x) => {
                if let Some(x) = x {
                    num2_into(*x, out);
                }
            }
            Cell::Pct(x) => {
                if let Some(p) = x {
                    pct1_into(*p, out);
                }
            }
            Cell::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Cell::Time(t) => {
                if let Some(t) = t {
                    push_ts(*t, out);
                }
            }
            Cell::Week(w) => {
                // Written in place; a label is text, so it is neutralised like any other.
                let start = out.len();
                let _ = write!(out, "{w}");
                if out[start..].starts_with('-') {
                    out.insert(start, '\'');
                }
            }
        }
    }

    /// The cell's CSV text before quoting, neutralised as the file writes it.
    pub fn csv_text(&self) -> String {
        let mut out = String::new();
        self.render_into(&mut out);
        out
    }

    #[cfg(test)]
    fn render(&self) -> String {
        self.csv_text()
    }
}

impl From<u64> for Cell<'_> {
    fn from(n: u64) -> Self {
        Cell::Int(n as i64)
    }
}

/// Text a spreadsheet would run as a formula gets a leading apostrophe.
pub fn neutralise(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 1);
    neutralise_into(s, &mut out);
    out
}

fn neutralise_into(s: &str, out: &mut String) {
    if let Some('=' | '+' | '-' | '@' | '\t' | '\r') = s.chars().next() {
        out.push('\'');
    }
    out.push_str(s);
}

/// A table: a header and rows of cells, written as CSV into `out` as they come.
pub fn table<'a, W: Write + ?Sized>(
    out: &mut W,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell<'a>>>,
) -> io::Result<()> {
    let mut w = writer(out);
    w.write_record(header).map_err(io_error)?;
    write_rows(&mut w, header.len(), rows)?;
    w.flush()
}

/// Items rendered into rows at once on every core; large enough that joining the parts
/// costs little.
const ROWS_PER_TASK: usize = 4096;

/// Runs of rows rendered while the previous runs are written: enough to keep every core
/// busy, few enough that a table of millions of rows holds only a few megabytes at once.
const TASKS_PER_BATCH: usize = 16;

/// [`table`] of one row per item, rendered on every core in runs of consecutive items and
/// written in item order, one batch of runs while the next is rendered: the same bytes,
/// sooner, for the tables with a row per clock or ticket, never held whole.
pub fn table_of<'a, T: Sync, W: Write + Send + ?Sized>(
    out: &mut W,
    header: &[&str],
    items: &'a [T],
    cells: impl Fn(&'a T) -> Vec<Cell<'a>> + Sync,
) -> io::Result<()> {
    table(out, header, std::iter::empty())?;
    let render = |batch: &'a [T]| -> io::Result<Vec<Vec<u8>>> {
        batch
            .par_chunks(ROWS_PER_TASK)
            .map(|run| {
                let mut part = Vec::new();
                let mut w = writer(&mut part);
                write_rows(&mut w, header.len(), run.iter().map(&cells))?;
                w.flush()?;
                drop(w);
                Ok(part)
            })
            .collect()
    };
    let mut rendered: Vec<Vec<u8>> = Vec::new();
    for batch in items.chunks(ROWS_PER_TASK * TASKS_PER_BATCH) {
        let (written, next) = rayon::join(|| write_parts(out, &rendered), || render(batch));
        written?;
        rendered = next?;
    }
    write_parts(out, &rendered)
}

fn write_parts<W: Write + ?Sized>(out: &mut W, parts: &[Vec<u8>]) -> io::Result<()> {
    parts.iter().try_for_each(|part| out.write_all(part))
}

/// The bytes `render` writes: a table in memory, through the same code that writes it to
/// a file.
pub fn to_vec(render: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> Vec<u8> {
    let mut out = Vec::new();
    render(&mut out).expect("writing to memory cannot fail");
    out
}

fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// The writer's own error (never a CSV error: every record is written whole).
fn io_error(e: csv::Error) -> io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// Each cell is rendered into one reused buffer and quoted by the writer as it is copied
/// out, so a row allocates nothing beyond its cells.
fn write_rows<'a, W: Write>(
    w: &mut csv::Writer<W>,
    width: usize,
    rows: impl IntoIterator<Item = Vec<Cell<'a>>>,
) -> io::Result<()> {
    let mut buf = String::new();
    for row in rows {
        debug_assert_eq!(row.len(), width);
        for cell in &row {
            buf.clear();
            cell.render_into(&mut buf);
            w.write_field(buf.as_bytes()).map_err(io_error)?;
        }
        w.write_record(None::<&[u8]>).map_err(io_error)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How num2 writes a number is tested in `format.rs`; here the percentage cell.
    #[test]
    fn percentages_follow_the_spec() {
        assert_eq!(Cell::Pct(Some(200.0 / 3.0)).render(), "66.7");
        assert_eq!(Cell::Pct(Some(100.0)).render(), "100.0");
        assert_eq!(Cell::Pct(None).render(), "");
    }

    /// Rounding edges worked out by hand: 2.999 → 3.00 → "3"; -0.004 → -0.00 → "0";
    /// 1.005 is stored as 1.00499999… → "1"; percentages keep their one decimal.
    #[test]
    fn rounding_edges_and_cells_in_one_row() {
        assert_eq!(num2(2.999), "3");
        assert_eq!(num2(-0.004), "0");
        assert_eq!(num2(1.005), "1");
        assert_eq!(num2(-12.345_6), "-12.35");
        assert_eq!(Cell::Pct(Some(-0.04)).render(), "0.0");
        assert_eq!(Cell::Pct(Some(99.96)).render(), "100.0");
        assert_eq!(Cell::Pct(Some(-12.34)).render(), "-12.3");
        // Each cell of a row is rendered into the same reused buffer.
        let week: Week = "2026-W47".parse().unwrap();
        let bytes = to_vec(|out| {
            table(
                out,
                &["a", "b", "c", "d", "e"],
                [vec![
                    Cell::Num(Some(12.50)),
                    Cell::Num(Some(-0.001)),
                    Cell::Pct(Some(200.0 / 3.0)),
                    Cell::Week(week),
                    Cell::Num(None),
                ]],
            )
        });
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "a,b,c,d,e\r\n12.5,0,66.7,2026-W47,\r\n"
        );
    }

    #[test]
    fn formulas_are_neutralised_and_quoted() {
        let bytes = to_vec(|out| {
            table(
                out,
                &["a", "b"],
                [vec![
                    Cell::text("=HYPERLINK(\"x\")"),
                    Cell::text("plain, with comma"),
                ]],
            )
        });
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(
            text,
            "a,b\r\n\"'=HYPERLINK(\"\"x\"\")\",\"plain, with comma\"\r\n"
        );
        assert_eq!(neutralise("-1+2"), "'-1+2");
        assert_eq!(neutralise("@sum"), "'@sum");
        assert_eq!(neutralise("ok"), "ok");
    }

    /// A table of more rows than one batch renders at once, written through a file and
    /// into memory: the same bytes, each row once and in item order, worked out here row
    /// by row.
    #[test]
    fn a_table_streamed_to_a_file_is_the_table_in_memory() {
        let items: Vec<u64> = (0..(ROWS_PER_TASK * TASKS_PER_BATCH * 2 + 7) as u64).collect();
        let cells = |n: &u64| vec![Cell::Int(*n as i64), Cell::text(format!("=r{n}"))];
        let header = ["n", "text"];
        let mut expected = String::from("n,text\r\n");
        for n in &items {
            expected.push_str(&format!("{n},'=r{n}\r\n"));
        }
        let memory = to_vec(|out| table_of(out, &header, &items, cells));
        assert_eq!(String::from_utf8(memory).unwrap(), expected);

        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.csv");
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        table_of(&mut file, &header, &items, cells).unwrap();
        file.into_inner().unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), expected);

        // No items: the header alone, either way.
        let empty: [u64; 0] = [];
        assert_eq!(
            to_vec(|out| table_of(out, &header, &empty, cells)),
            b"n,text\r\n"
        );
    }
}
