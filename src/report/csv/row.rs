//! The bytes of CSV records (RFC 4180 as the `csv` crate writes them by default, CRLF
//! terminators), written straight into one buffer: each cell rendered in place, and quoted
//! only when its bytes need it. This replaced rendering each cell into a scratch string and
//! copying it through `csv::Writer`, a large share of a big report's table time; the tests
//! hold it to that writer's bytes.

use std::io::Write as _;

use chrono::{Datelike, NaiveDate, Timelike};

use super::Cell;
use crate::format::{int_bytes, num2_bytes, pct1_bytes};
use crate::model::{Ts, push_ts};
use crate::week::Week;

/// Records written one after the other into a growing buffer.
pub(super) struct Rows {
    out: Vec<u8>,
    /// Whether fields that need quotes get them (not for a cell's text on its own).
    quoting: bool,
    /// The last week label written, neutralised: consecutive rows mostly share one.
    week: Option<(Week, Vec<u8>)>,
    /// The last date written, `YYYY-MM-DD`: the times of a row mostly fall on one day.
    date: Option<(NaiveDate, [u8; 10])>,
}

impl Default for Rows {
    fn default() -> Rows {
        Rows {
            out: Vec::new(),
            quoting: true,
            week: None,
            date: None,
        }
    }
}

impl Rows {
    /// A writer of cells' text without the quotes a file puts around some.
    pub(super) fn unquoted() -> Rows {
        Rows {
            quoting: false,
            ..Rows::default()
        }
    }

    /// The text of `cell` alone, as a record holds it (before quoting, for an unquoted
    /// writer).
    pub(super) fn cell_text(mut self, cell: &Cell<'_>) -> String {
        self.cell(cell);
        // Only whole strings and ASCII are ever written.
        String::from_utf8(self.out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }

    /// The bytes written so far.
    pub(super) fn bytes(&self) -> &[u8] {
        &self.out
    }

    /// Forgets the bytes written so far (after they were copied out).
    pub(super) fn clear(&mut self) {
        self.out.clear();
    }

    /// The bytes written.
    pub(super) fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    /// A header record: the names as they are (quoted if need be, never neutralised).
    pub(super) fn header(&mut self, names: &[&str]) {
        let start = self.out.len();
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.text(name.as_bytes(), false);
        }
        self.end(start);
    }

    /// A record of `cells`.
    pub(super) fn record(&mut self, cells: &[Cell<'_>]) {
        let start = self.out.len();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            self.cell(cell);
        }
        self.end(start);
    }

    /// The terminator; a record of no bytes at all (one empty field) is written `""`, as the
    /// `csv` crate does, so that it still reads back as a record.
    fn end(&mut self, start: usize) {
        if self.out.len() == start {
            self.out.extend_from_slice(b"\"\"");
        }
        self.out.extend_from_slice(b"\r\n");
    }

    /// One cell. Only text can hold a byte that needs quoting: numbers, booleans, times and
    /// week labels are digits, letters, `-`, `+`, `.`, `:` and `'`.
    fn cell(&mut self, cell: &Cell<'_>) {
        match cell {
            Cell::Text(s) => self.text(s.as_bytes(), true),
            Cell::Words(words) => self.words(words),
            Cell::Int(n) => int_bytes(*n, &mut self.out),
            Cell::Num(x) => {
                if let Some(x) = x {
                    num2_bytes(*x, &mut self.out);
                }
            }
            Cell::Pct(x) => {
                if let Some(p) = x {
                    pct1_bytes(*p, &mut self.out);
                }
            }
            Cell::Bool(b) => self
                .out
                .extend_from_slice(if *b { b"true" } else { b"false" }),
            Cell::Time(t) => {
                if let Some(t) = t {
                    self.time(*t);
                }
            }
            Cell::Week(w) => self.week(*w),
        }
    }

    /// Text, with the formula guard of SPEC §5 when `neutralise`, quoted when it holds a
    /// comma, a quote, CR or LF (the guard's apostrophe never needs quoting).
    fn text(&mut self, s: &[u8], neutralise: bool) {
        let guard = neutralise && is_formula_start(s.first());
        if self.quoting && s.iter().any(|&b| needs_quotes(b)) {
            self.out.push(b'"');
            if guard {
                self.out.push(b'\'');
            }
            for piece in s.split_inclusive(|&b| b == b'"') {
                self.out.extend_from_slice(piece);
                if piece.last() == Some(&b'"') {
                    self.out.push(b'"');
                }
            }
            self.out.push(b'"');
        } else {
            if guard {
                self.out.push(b'\'');
            }
            self.out.extend_from_slice(s);
        }
    }

    /// Words joined by a space, as the text cell of the joined string: joined in place, and
    /// written again through [`Rows::text`] in the rare case it needs a guard or quotes.
    fn words(&mut self, words: &[String]) {
        let start = self.out.len();
        for (i, word) in words.iter().enumerate() {
            if i > 0 {
                self.out.push(b' ');
            }
            self.out.extend_from_slice(word.as_bytes());
        }
        let joined = &self.out[start..];
        if is_formula_start(joined.first()) || joined.iter().any(|&b| needs_quotes(b)) {
            let joined = self.out.split_off(start);
            self.text(&joined, true);
        }
    }

    /// A week label, neutralised like text (a label of a year before 0 starts with `-`).
    fn week(&mut self, w: Week) {
        match &self.week {
            Some((last, text)) if *last == w => self.out.extend_from_slice(text),
            _ => {
                let mut text = Vec::new();
                let _ = write!(text, "{w}");
                if text.first() == Some(&b'-') {
                    text.insert(0, b'\'');
                }
                self.out.extend_from_slice(&text);
                self.week = Some((w, text));
            }
        }
    }
}

/// A first character a spreadsheet would run as a formula (SPEC §5). All are ASCII, so the
/// first byte decides: a longer character's first byte is never ASCII.
fn is_formula_start(first: Option<&u8>) -> bool {
    matches!(first, Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r'))
}

/// The bytes for which the `csv` crate quotes a field: the delimiter, the quote, CR, LF.
fn needs_quotes(b: u8) -> bool {
    matches!(b, b',' | b'"' | b'\r' | b'\n')
}

impl Rows {
    /// [`push_ts`] of `t`: the date from the last time's when they fall on the same day,
    /// the time of day by integer arithmetic. Years outside 0..=9999 go to [`push_ts`].
    fn time(&mut self, t: Ts) {
        let n = t.naive_utc();
        let day = n.date();
        let date = match self.date {
            Some((last, text)) if last == day => text,
            _ => {
                let year = day.year();
                if !(0..=9999).contains(&year) {
                    let mut text = String::new();
                    push_ts(t, &mut text);
                    self.out.extend_from_slice(text.as_bytes());
                    return;
                }
                let mut text = *b"0000-00-00";
                let year = year as u32;
                two_digits(&mut text[0..2], year / 100);
                two_digits(&mut text[2..4], year % 100);
                two_digits(&mut text[5..7], day.month());
                two_digits(&mut text[8..10], day.day());
                self.date = Some((day, text));
                text
            }
        };
        self.out.extend_from_slice(&date);
        // A leap second counts as second 59, as `push_ts` writes it.
        let secs = n.time().num_seconds_from_midnight();
        let mut text = *b"T00:00:00Z";
        two_digits(&mut text[1..3], secs / 3600);
        two_digits(&mut text[4..6], secs / 60 % 60);
        two_digits(&mut text[7..9], secs % 60);
        self.out.extend_from_slice(&text);
    }
}

fn two_digits(slot: &mut [u8], v: u32) {
    slot[0] = b'0' + (v / 10) as u8;
    slot[1] = b'0' + (v % 10) as u8;
}
