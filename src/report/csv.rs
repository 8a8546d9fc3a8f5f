//! CSV bytes for every table of a report (SPEC §5): RFC 4180, header row, UTC timestamps,
//! numbers with at most 2 decimals, percentages with 1, formulas neutralised.

use std::borrow::Cow;
use std::io::{self, Write};

use rayon::prelude::*;

pub use crate::format::{num2, pct1};
use crate::model::Ts;
use crate::week::Week;

mod row;

use row::Rows;

/// One cell, typed so that numbers are formatted by the SPEC's rules and text is made inert.
/// Text borrows where it can: a large report writes millions of ids and keys.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    Text(Cow<'a, str>),
    /// Words joined by a space, written as the text of the joined string (without joining
    /// them into a string of their own first).
    Words(&'a [String]),
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

    /// The cell's CSV text before quoting, neutralised as the file writes it.
    pub fn csv_text(&self) -> String {
        Rows::unquoted().cell_text(self)
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
    Cell::text(s).csv_text()
}

/// Bytes of a table gathered before they are handed to the writer: few, large writes.
const WRITE_AT: usize = 64 * 1024;

/// A table: a header and rows of cells, written as CSV into `out` as they come.
pub fn table<'a, W: Write + ?Sized>(
    out: &mut W,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<Cell<'a>>>,
) -> io::Result<()> {
    let mut w = Rows::default();
    w.header(header);
    for row in rows {
        debug_assert_eq!(row.len(), header.len());
        w.record(&row);
        if w.bytes().len() >= WRITE_AT {
            out.write_all(w.bytes())?;
            w.clear();
        }
    }
    out.write_all(w.bytes())?;
    out.flush()
}

/// Items rendered into rows at once on every core; large enough that joining the parts
/// costs little.
const ROWS_PER_TASK: usize = 4096;

/// Runs of rows rendered while the previous runs are written: enough to keep every core
/// busy, few enough that a table of millions of rows holds only a few megabytes at once.
const TASKS_PER_BATCH: usize = 16;

/// [`table`] of one row per item (a fixed-size array of cells or a `Vec`), rendered on every core in runs of consecutive items and
/// written in item order, one batch of runs while the next is rendered: the same bytes,
/// sooner, for the tables with a row per clock or ticket, never held whole.
pub fn table_of<'a, T: Sync, W: Write + Send + ?Sized, R: AsRef<[Cell<'a>]>>(
    out: &mut W,
    header: &[&str],
    items: &'a [T],
    cells: impl Fn(&'a T) -> R + Sync,
) -> io::Result<()> {
    table(out, header, std::iter::empty())?;
    let render = |batch: &'a [T]| -> Vec<Vec<u8>> {
        batch
            .par_chunks(ROWS_PER_TASK)
            .map(|run| {
                let mut w = Rows::default();
                for item in run {
                    let row = cells(item);
                    debug_assert_eq!(row.as_ref().len(), header.len());
                    w.record(row.as_ref());
                }
                w.into_bytes()
            })
            .collect()
    };
    let mut rendered: Vec<Vec<u8>> = Vec::new();
    for batch in items.chunks(ROWS_PER_TASK * TASKS_PER_BATCH) {
        let (written, next) = rayon::join(|| write_parts(out, &rendered), || render(batch));
        written?;
        rendered = next;
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

    /// A cell's text as the writer before this one rendered it: `format!`-based numbers
    /// (through `num2`/`pct1`, tested against `format!` in `format.rs`), chrono's calendar
    /// fields for times, the week's `Display`.
    fn reference_text(cell: &Cell) -> String {
        let guard = |s: String| {
            if let Some('=' | '+' | '-' | '@' | '\t' | '\r') = s.chars().next() {
                format!("'{s}")
            } else {
                s
            }
        };
        match cell {
            Cell::Text(s) => guard(s.to_string()),
            Cell::Words(w) => guard(w.join(" ")),
            Cell::Int(n) => n.to_string(),
            Cell::Num(x) => x.map(num2).unwrap_or_default(),
            Cell::Pct(x) => x.map(pct1).unwrap_or_default(),
            Cell::Bool(b) => b.to_string(),
            Cell::Time(t) => t.map(crate::model::fmt_ts).unwrap_or_default(),
            Cell::Week(w) => {
                let text = w.to_string();
                if text.starts_with('-') {
                    format!("'{text}")
                } else {
                    text
                }
            }
        }
    }

    /// The table as the `csv` crate writes it (RFC 4180, CRLF), cells by `reference_text`.
    fn reference_table(header: &[&str], rows: &[Vec<Cell>]) -> Vec<u8> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .flexible(true)
            .from_writer(Vec::new());
        w.write_record(header).unwrap();
        for row in rows {
            for cell in row {
                w.write_field(reference_text(cell)).unwrap();
            }
            w.write_record(None::<&[u8]>).unwrap();
        }
        w.into_inner().unwrap()
    }

    /// Pieces of hostile text: formula starts, quotes, delimiters, line breaks, a BOM,
    /// multi-byte characters (one starting with a byte that is not a formula start).
    const PIECES: &[&str] = &[
        "",
        "=",
        "+",
        "-",
        "@",
        "\t",
        "\r",
        "\n",
        "\r\n",
        ",",
        "\"",
        "\"\"",
        "'",
        " ",
        "a",
        "SUP-1",
        "é",
        "日本",
        "\u{feff}",
        "#",
        "\\",
        ";",
        "=HYPERLINK(\"x\")",
        "\u{2212}",
        "－",
        "0",
        "1.5",
    ];

    fn hostile(rng: &mut fastrand::Rng) -> String {
        (0..rng.usize(0..5))
            .map(|_| PIECES[rng.usize(..PIECES.len())])
            .collect()
    }

    /// Any instant chrono can hold, now and then a leap second.
    fn instant(rng: &mut fastrand::Rng) -> Ts {
        let secs = match rng.u8(..4) {
            0 => rng.i64(-8_210_298_412_800..8_210_298_412_800),
            1 => rng.i64(-62_167_219_300..-62_167_219_100),
            2 => rng.i64(253_402_300_700..253_402_300_900),
            _ => rng.i64(-100_000_000_000..300_000_000_000),
        };
        let nanos = if secs.rem_euclid(60) == 59 && rng.bool() {
            1_500_000_000
        } else {
            0
        };
        Ts::from_timestamp(secs, nanos)
            .or_else(|| Ts::from_timestamp(secs, 0))
            .unwrap_or_default()
    }

    fn any_cell(rng: &mut fastrand::Rng, words: &'static [Vec<String>]) -> Cell<'static> {
        match rng.u8(..9) {
            0 | 1 => Cell::text(hostile(rng)),
            2 => Cell::Words(&words[rng.usize(..words.len())]),
            3 => Cell::Int(rng.i64(..) >> rng.u32(0..64)),
            4 => Cell::Num(
                rng.bool()
                    .then(|| rng.i64(-1 << 40..1 << 40) as f64 / 60_000.0),
            ),
            5 => Cell::Pct(rng.bool().then(|| f64::from_bits(rng.u64(..)))),
            6 => Cell::Bool(rng.bool()),
            7 => Cell::Time(rng.bool().then(|| instant(rng))),
            _ => {
                let day = rng.i32(-20_000..20_000) * rng.i32(1..40);
                let date = chrono::NaiveDate::from_num_days_from_ce_opt(day).unwrap_or_default();
                Cell::Week(Week::of_date(date))
            }
        }
    }

    /// Every kind of cell, hostile text and words, any instant and week, in tables of one
    /// to five columns (one empty field is a record of its own, `""`): the bytes of the
    /// `csv` crate's writer over the reference text, header included.
    #[test]
    fn the_writer_writes_what_the_csv_crate_writes() {
        let mut rng = fastrand::Rng::with_seed(5);
        let words: &'static [Vec<String>] = Vec::leak(
            (0..200)
                .map(|_| (0..rng.usize(0..4)).map(|_| hostile(&mut rng)).collect())
                .collect(),
        );
        for width in 1..=5 {
            let header: Vec<String> = (0..width).map(|_| hostile(&mut rng)).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let rows: Vec<Vec<Cell>> = (0..20_000)
                .map(|_| (0..width).map(|_| any_cell(&mut rng, words)).collect())
                .collect();
            let expected = reference_table(&header, &rows);
            let got = to_vec(|out| table(out, &header, rows.clone()));
            assert_eq!(
                String::from_utf8_lossy(&got),
                String::from_utf8_lossy(&expected)
            );
            let items: Vec<usize> = (0..rows.len()).collect();
            let got = to_vec(|out| table_of(out, &header, &items, |i| rows[*i].clone()));
            assert_eq!(got, expected);
            for cell in rows.iter().flatten() {
                assert_eq!(cell.csv_text(), reference_text(cell), "{cell:?}");
            }
        }
    }

    /// Hand-worked records: quotes doubled inside quotes, the guard inside the quotes, a
    /// lone empty field, joined words that start a formula or need quotes.
    #[test]
    fn hostile_text_by_hand() {
        let words = ["=a".to_string(), "b,c".to_string()];
        let bytes = to_vec(|out| {
            table(
                out,
                &["h,1", "h"],
                [
                    vec![Cell::text("a\"b"), Cell::text("-\r\n")],
                    vec![Cell::text("\tx"), Cell::Words(&words)],
                    vec![Cell::Words(&words[1..]), Cell::Words(&[])],
                ],
            )
        });
        assert_eq!(
            String::from_utf8(bytes).unwrap(),
            "\"h,1\",h\r\n\"a\"\"b\",\"'-\r\n\"\r\n'\tx,\"'=a b,c\"\r\n\"b,c\",\r\n"
        );
        let one = to_vec(|out| table(out, &["x"], [vec![Cell::Num(None)], vec![Cell::Int(-3)]]));
        assert_eq!(one, b"x\r\n\"\"\r\n-3\r\n");
    }

    /// Times written by one writer (the date of the last time reused when the day is the
    /// same) against `push_ts`: any instant, runs of instants minutes apart across
    /// midnights, both ends of the years 0 to 9999 and a leap second.
    #[test]
    fn times_are_push_ts() {
        let leap = Ts::from_timestamp(1_483_228_799, 1_000_000_000).unwrap();
        assert_eq!(Cell::Time(Some(leap)).csv_text(), "2016-12-31T23:59:59Z");
        let mut times = vec![leap, leap + chrono::TimeDelta::seconds(1)];
        for secs in [
            -62_167_219_201,
            -62_167_219_200,
            253_402_300_799,
            253_402_300_800,
            -1,
            0,
        ] {
            times.push(Ts::from_timestamp(secs, 0).unwrap());
        }
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..200_000 {
            let t = instant(&mut rng);
            times.push(t);
            for _ in 0..rng.usize(0..4) {
                let step = chrono::TimeDelta::seconds(rng.i64(-7_200..7_200));
                times.push(t.checked_add_signed(step).unwrap_or(t));
            }
        }
        let rows: Vec<Vec<Cell>> = times.iter().map(|t| vec![Cell::Time(Some(*t))]).collect();
        let expected: String = times
            .iter()
            .map(|t| format!("{}\r\n", crate::model::fmt_ts(*t)))
            .collect();
        let got = to_vec(|out| table(out, &["t"], rows));
        assert_eq!(String::from_utf8(got).unwrap(), format!("t\r\n{expected}"));
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
