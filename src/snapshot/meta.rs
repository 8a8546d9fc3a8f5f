//! `snapshot.json`'s description of the snapshot: where it came from, the resume point of
//! incremental exports, an export still unfinished, the tickets JIRA no longer returns, and
//! what each export cost. Fields added after the first layout default to empty, so older
//! snapshots read unchanged.

use serde::{Deserialize, Serialize};

use crate::model::Ts;

/// Exports kept in [`Meta::exports`]; older ones are dropped.
pub const EXPORTS_KEPT: usize = 100;

/// Where a snapshot came from and when; stored as `snapshot.json` in the data folder.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// `"files"` (import) or `"jira"` (export).
    pub source: String,
    /// The imported files, or the JIRA URL and JQL the export ran.
    pub inputs: Vec<String>,
    /// When the last completed JIRA export started (the resume point of the next
    /// incremental export; see [`Meta::read_whole_at`] for the default as-of); `None` for
    /// imported files.
    pub exported_at: Option<Ts>,
    /// When this snapshot was written.
    pub written_at: Ts,
    /// The supportlens version that wrote it.
    pub version: String,
    /// Set while an export has committed part of its tickets and not finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<Unfinished>,
    /// Tickets a full export no longer found in the JQL's results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gone: Vec<Gone>,
    /// The latest exports, oldest first (at most [`EXPORTS_KEPT`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exports: Vec<ExportRecord>,
    /// `[types] severity_field` of the run that wrote the snapshot: where the tickets'
    /// `severity` was read from, and the field the snapshot's index follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity_field: Option<String>,
}

impl Meta {
    /// The default as-of of a report from this snapshot: the start of the last export run
    /// when it completed and settled, else `exported_at`. A run that finished an export a killed run
    /// began read every ticket changed since, though `exported_at` (the resume point)
    /// stays at the killed run's start, which may be weeks before.
    pub fn read_whole_at(&self) -> Option<Ts> {
        let last = self
            .exports
            .last()
            .filter(|r| r.complete && r.settled && self.unfinished.is_none())
            .map(|r| r.started);
        self.exported_at.max(last)
    }

    /// Every instant the metadata holds, named, for the check of their years.
    pub fn instants(&self) -> Vec<(&'static str, Ts)> {
        let mut out = vec![("written_at", self.written_at)];
        out.extend(self.exported_at.map(|t| ("exported_at", t)));
        if let Some(u) = &self.unfinished {
            out.push(("unfinished.started", u.started));
            out.extend(u.resume.map(|t| ("unfinished.resume", t)));
        }
        for g in &self.gone {
            out.push(("gone.noticed", g.noticed));
            out.extend(g.last_seen.map(|t| ("gone.last_seen", t)));
        }
        for e in &self.exports {
            out.push(("exports.started", e.started));
            out.push(("exports.finished", e.finished));
        }
        out
    }
}

/// An export that committed part of its tickets; the next export continues it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unfinished {
    /// When the first run of this export started; it becomes `exported_at` once the
    /// export completes, so nothing updated since then is skipped by the next one.
    pub started: Ts,
    /// True when the export reads every ticket of the JQL (`--full` or a first export).
    pub full: bool,
    /// The `updated` bound to continue from: every ticket before it in the export's order
    /// (`updated`, then key) is committed. `None` reads from the beginning again.
    pub resume: Option<Ts>,
    /// Ids committed so far by a full export, to tell at its end which tickets are gone.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub seen: Vec<String>,
}

/// A ticket the JQL no longer returns (deleted, moved out of the JQL, or hidden from the
/// account); it stays in the snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Gone {
    pub id: String,
    pub key: String,
    /// The start of the last completed export before the full export that missed it.
    pub last_seen: Option<Ts>,
    /// The start of the full export that first missed it.
    pub noticed: Ts,
}

/// What one run of `export` read and cost.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExportRecord {
    pub started: Ts,
    pub finished: Ts,
    /// Read every ticket of the JQL.
    pub full: bool,
    /// False when the run stopped early (it left an unfinished export).
    pub complete: bool,
    /// The run completed and its paging settled: the snapshot then holds every ticket
    /// changed before its start. False for a run whose paging did not settle (later
    /// tickets may be missing), and in snapshots written before this was recorded.
    #[serde(default)]
    pub settled: bool,
    pub tickets_read: u64,
    /// HTTP requests sent, every try counted.
    pub requests: u64,
    /// Tries after the first of a request.
    pub retries: u64,
    /// Rate-limited answers (429/503), each followed by a wait.
    pub rate_limit_waits: u64,
}
