//! The one data contract after parsing: tickets with their comments, worklogs and
//! changelog items. Every reader (JSON files, the JIRA exporter, the Parquet snapshot)
//! produces these types, and every metric consumes them.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
/// Short text kept inline (up to 24 bytes, no allocation): person ids and names, object
/// ids, field names and changelog values are nearly all that short, and a large snapshot
/// holds millions of them.
pub use compact_str::CompactString as Short;
use rayon::prelude::*;

/// An instant, always kept in UTC; zones apply only when a week or a day is computed.
pub type Ts = DateTime<Utc>;

/// A person as JIRA names them on one object: the stable id plus the display name seen there
/// ([`Named`]), shared: a large snapshot names a few thousand people on millions of rows,
/// and a row holds one pointer to its person, read once per run of rows, instead of a copy
/// of every field. Fields read through it; a write copies the person first if shared.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct PersonRef(std::sync::Arc<Named>);

impl From<Named> for PersonRef {
    fn from(person: Named) -> PersonRef {
        PersonRef(std::sync::Arc::new(person))
    }
}

impl std::ops::Deref for PersonRef {
    type Target = Named;

    fn deref(&self) -> &Named {
        &self.0
    }
}

impl std::ops::DerefMut for PersonRef {
    fn deref_mut(&mut self) -> &mut Named {
        std::sync::Arc::make_mut(&mut self.0)
    }
}

#[cfg(test)]
impl PersonRef {
    /// True when both are the one shared person.
    pub fn shares(&self, other: &PersonRef) -> bool {
        std::sync::Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for PersonRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Named {
            id,
            name,
            app,
            email,
        } = &*self.0;
        f.debug_struct("PersonRef")
            .field("id", id)
            .field("name", name)
            .field("app", app)
            .field("email", email)
            .finish()
    }
}

/// What a [`PersonRef`] says of its person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Named {
    /// `accountId` (Cloud), else `name`, else `key` (Server/DC).
    pub id: Short,
    /// `displayName` as it appeared on this object (may be empty).
    pub name: Short,
    /// True when JIRA marks the account as an app (`accountType == "app"`).
    pub app: bool,
    /// `emailAddress` as it appeared on this object: where delivery mails the person when
    /// `[team] emails` does not name them. JIRA Cloud often hides it (privacy settings).
    pub email: Option<Short>,
}

/// One JIRA issue, normalized.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ticket {
    /// JIRA's numeric issue id, as a string.
    pub id: String,
    pub key: String,
    /// `fields.created`. None when the payload left it out (a search asked for a few
    /// fields only): such a ticket is kept but measured by no metric, and reported.
    pub created: Option<Ts>,
    /// `fields.updated`; None when the payload left it out.
    pub updated: Option<Ts>,
    /// `issuetype.name` now ("" when the payload left it out).
    pub issue_type: String,
    /// `status.name` now ("" when the payload left it out).
    pub status: String,
    /// `resolution.name` now, if resolved.
    pub resolution: Option<String>,
    /// The severity field's value now (`name`, else `value`, else the string), lower-cased.
    pub severity: Option<String>,
    /// Labels now, in JIRA's order.
    pub labels: Vec<String>,
    pub assignee: Option<PersonRef>,
    pub reporter: Option<PersonRef>,
    /// What arrived incomplete, e.g. "comments: 5 of 12"; empty when complete.
    pub truncated: Vec<String>,
    pub comments: Vec<Comment>,
    pub worklogs: Vec<Worklog>,
    pub changes: Vec<Change>,
}

/// A comment on a ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Comment {
    pub id: Short,
    pub author: Option<PersonRef>,
    pub created: Ts,
    pub updated: Ts,
    /// The body as plain text (ADF documents are flattened).
    pub body: String,
    /// No `visibility`, `jsdPublic` not false, no `sd.public.comment` saying internal.
    pub public: bool,
}

/// A worklog entry on a ticket.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Worklog {
    pub id: Short,
    pub author: Option<PersonRef>,
    pub started: Ts,
    pub created: Ts,
    pub updated: Ts,
    pub seconds: i64,
    /// The worklog comment as plain text.
    pub comment: Short,
}

/// One item of one changelog history.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Change {
    /// The history's id (all items of one history share it).
    pub history_id: Short,
    pub author: Option<PersonRef>,
    pub at: Ts,
    /// `fieldId` (Cloud sends it; Server/DC does not).
    pub field_id: Option<Short>,
    /// `field`: a system field's name, or a custom field's display name on Server/DC.
    pub field: Short,
    pub from: Option<Short>,
    pub from_string: Option<Short>,
    pub to: Option<Short>,
    pub to_string: Option<Short>,
}

impl Ticket {
    /// Drops the comments, worklogs and changes (and their memory) once every per-ticket
    /// measure has been taken; a large report keeps only what its tables name.
    pub fn release_events(&mut self) {
        self.comments = Vec::new();
        self.worklogs = Vec::new();
        self.changes = Vec::new();
    }
}

impl Change {
    /// True when this item changes `name`, matched against `fieldId` or `field`
    /// (case-insensitively, since Server/DC spells some system fields differently).
    pub fn is_field(&self, name: &str) -> bool {
        self.field_id
            .as_deref()
            .is_some_and(|f| f.eq_ignore_ascii_case(name))
            || self.field.eq_ignore_ascii_case(name)
    }
}

/// The winning copy of each ticket among several: by id, a later copy replaces the kept one
/// unless the kept one was updated strictly later (ties go to the later copy). Files read
/// and snapshot merges both follow this rule.
#[derive(Debug, Default)]
pub struct LatestById {
    by_id: std::collections::HashMap<String, Ticket>,
}

impl LatestById {
    pub fn with_capacity(n: usize) -> LatestById {
        LatestById {
            by_id: std::collections::HashMap::with_capacity(n),
        }
    }

    /// Offers a copy, later than every copy offered before.
    pub fn offer(&mut self, ticket: Ticket) {
        match self.by_id.get(&ticket.id) {
            Some(kept) if kept.updated > ticket.updated => {}
            _ => {
                self.by_id.insert(ticket.id.clone(), ticket);
            }
        }
    }

    /// The kept copies, sorted by numeric id.
    pub fn into_sorted(self) -> Vec<Ticket> {
        let mut tickets: Vec<Ticket> = self.by_id.into_values().collect();
        sort_by_id(&mut tickets);
        tickets
    }
}

/// Sorts tickets (or references to them) by [`id_order`] on every core, each ticket's key
/// computed once: comparing parsed both ids every time, and a large import sorts 200,000
/// tickets from hash order.
pub fn sort_by_id<T: std::borrow::Borrow<Ticket> + Send>(tickets: &mut [T]) {
    // A snapshot's tickets come stored in order: checking costs one comparison each.
    if !tickets.is_sorted_by(|a, b| id_order(id_of(a), id_of(b)).is_le()) {
        tickets.par_sort_by_cached_key(|t| id_key(id_of(t)));
    }
}

fn id_of<T: std::borrow::Borrow<Ticket>>(t: &T) -> &str {
    &t.borrow().id
}

/// The key [`id_order`] compares by: numeric ids first, by value, then every id by bytes.
fn id_key(id: &str) -> (bool, u64, Short) {
    match id.parse::<u64>() {
        Ok(n) => (false, n, id.into()),
        Err(_) => (true, 0, id.into()),
    }
}

/// Numeric-aware ordering for JIRA ids ("9" < "10"); non-numeric ids sort after, by bytes.
pub fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        // "10" and "010" read alike; bytes then decide, so the order never depends on
        // which came first.
        (Ok(x), Ok(y)) => x.cmp(&y).then_with(|| a.cmp(b)),
        (Ok(_), Err(_)) => std::cmp::Ordering::Less,
        (Err(_), Ok(_)) => std::cmp::Ordering::Greater,
        (Err(_), Err(_)) => a.cmp(b),
    }
}

/// Orders ticket keys by project, then by the number after the last `-` read as a number
/// (`SUP-9` before `SUP-10`); keys without a numeric part sort after, by bytes.
pub fn key_order(a: &str, b: &str) -> std::cmp::Ordering {
    let ((pa, na), (pb, nb)) = (split_key(a), split_key(b));
    pa.cmp(pb)
        .then_with(|| id_order(na, nb))
        .then_with(|| a.cmp(b))
}

/// A key's project and number parts, borrowed (`SUP-12` → `SUP`, `12`).
fn split_key(key: &str) -> (&str, &str) {
    key.rsplit_once('-').unwrap_or((key, ""))
}

/// Parses JIRA's timestamp forms: `2026-11-23T09:15:00.000+0000`, with or without
/// fraction, with `+hh:mm` or `Z` offsets too.
pub fn parse_ts(s: &str) -> Option<Ts> {
    let s = s.trim();
    if let Some(t) = parse_jira_ts(s.as_bytes()) {
        return Some(t);
    }
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%z"] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// The form every JIRA timestamp takes, read without a format string (an import reads
/// millions): `YYYY-MM-DDTHH:MM:SS`, an optional fraction, then `Z`, `±hhmm` or `±hh:mm`.
/// None for anything else, which [`parse_ts`] then hands to chrono's general parsers.
fn parse_jira_ts(b: &[u8]) -> Option<Ts> {
    let digits = |range: std::ops::Range<usize>| -> Option<u32> {
        b.get(range)?.iter().try_fold(0u32, |n, c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || b[10] != b'T'
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(digits(0..4)? as i32, digits(5..7)?, digits(8..10)?)?;
    let (h, min, sec) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let mut i = 19;
    let mut nanos = 0u32;
    if b[i] == b'.' {
        let start = i + 1;
        i = start;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        let frac = &b[start..i];
        if frac.is_empty() || frac.len() > 9 {
            return None;
        }
        nanos = digits(start..i)? * 10u32.pow(9 - frac.len() as u32);
    }
    let offset_secs: i32 = match &b[i..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), rest @ ..] => {
            let (oh, om) = match rest {
                [_, _, b':', _, _] | [_, _, _, _] => {
                    let o = i + 1;
                    let m = if rest.len() == 5 { o + 3 } else { o + 2 };
                    (digits(o..o + 2)?, digits(m..m + 2)?)
                }
                _ => return None,
            };
            if oh > 23 || om > 59 {
                return None;
            }
            let secs = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(h, min, sec, nanos)?;
    let utc = local.checked_sub_signed(chrono::Duration::seconds(i64::from(offset_secs)))?;
    Some(utc.and_utc())
}

/// Writes an instant as RFC 3339 UTC with a `Z`, to the second (the CSV form).
pub fn fmt_ts(t: Ts) -> String {
    let mut out = String::with_capacity(20);
    push_ts(t, &mut out);
    out
}

/// [`fmt_ts`] appended to `out`: the digits are pushed directly, without the formatting
/// machinery, since a large report writes millions of timestamps.
pub fn push_ts(t: Ts, out: &mut String) {
    let (y, n) = (t.year(), t.naive_utc());
    if !(0..=9999).contains(&y) {
        use std::fmt::Write;
        let _ = write!(out, "{}", t.format("%Y-%m-%dT%H:%M:%SZ"));
        return;
    }
    let digits = |v: u32, width: usize, out: &mut String| {
        let mut v = v;
        let mut buf = [b'0'; 4];
        for slot in buf[..width].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        // ASCII digits only.
        out.push_str(std::str::from_utf8(&buf[..width]).unwrap_or_default());
    };
    digits(y as u32, 4, out);
    out.push('-');
    digits(n.month(), 2, out);
    out.push('-');
    digits(n.day(), 2, out);
    out.push('T');
    digits(n.hour(), 2, out);
    out.push(':');
    digits(n.minute(), 2, out);
    out.push(':');
    digits(n.second(), 2, out);
    out.push('Z');
}

#[cfg(test)]
mod tests;
