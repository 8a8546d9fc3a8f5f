//! Commits an export's tickets while it runs, so a killed or failed export keeps what it
//! read: tickets wait in memory until a commit merges them into the stored ones and writes
//! the whole snapshot atomically (see [`super::write`]), with `snapshot.json` saying where
//! the export stands ([`Unfinished`]).
//!
//! A commit happens once [`COMMIT_EVERY`] tickets wait, or once the time since the last
//! commit reaches [`COMMIT_AFTER`] and [`WRITE_SHARE`] times what the last write took (at
//! the end of a search page: once it reaches what the last write took), so a small snapshot
//! is committed every fraction of a second and a large one spends a bounded part of the
//! export writing, instead of rewriting a snapshot of 200,000 tickets after every page.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Result;

use super::{Meta, Unfinished};
use crate::model::{Ticket, Ts};

/// Most complete tickets left uncommitted.
pub const COMMIT_EVERY: usize = 1000;
/// Shortest time between two commits of fewer tickets than [`COMMIT_EVERY`].
pub const COMMIT_AFTER: Duration = Duration::from_millis(10);
/// Time between commits, as a multiple of what the last write took.
pub const WRITE_SHARE: u32 = 3;
/// A first write quicker than this is mostly starting up, and sets no pace.
const WARM_UP: Duration = Duration::from_millis(200);

/// The stored tickets plus those waiting, and where the export stands.
pub struct Committer<'a> {
    dir: &'a Path,
    tickets: Vec<Ticket>,
    pending: Vec<Ticket>,
    /// Ids committed by this export (all its runs), kept for a full export's end.
    seen: HashSet<String>,
    unfinished: Unfinished,
    last_commit: Instant,
    last_write: Duration,
    writes: u32,
}

impl<'a> Committer<'a> {
    /// A committer over the stored `tickets` for the export `unfinished` describes;
    /// `seen` holds the ids earlier runs of it committed.
    pub fn new(dir: &'a Path, tickets: Vec<Ticket>, unfinished: Unfinished) -> Committer<'a> {
        let seen = unfinished.seen.iter().cloned().collect();
        super::store::sweep(dir);
        Committer {
            dir,
            tickets,
            pending: Vec::new(),
            seen,
            unfinished: Unfinished {
                seen: Vec::new(),
                ..unfinished
            },
            last_commit: Instant::now(),
            last_write: Duration::ZERO,
            writes: 0,
        }
    }

    /// Takes one complete ticket; `resume` is where a later run would continue once it is
    /// committed. Commits when it is time; `meta` describes the snapshot if it does.
    pub fn offer(
        &mut self,
        ticket: Ticket,
        resume: Option<Ts>,
        meta: impl FnOnce() -> Meta,
    ) -> Result<()> {
        self.seen.insert(ticket.id.clone());
        self.pending.push(ticket);
        self.advance(resume, meta)
    }

    /// Notes that ticket `id` was listed unchanged: the stored copy stays, and the export
    /// moves on to `resume` as [`Committer::offer`] does.
    pub fn offer_unchanged(
        &mut self,
        id: String,
        resume: Option<Ts>,
        meta: impl FnOnce() -> Meta,
    ) -> Result<()> {
        self.seen.insert(id);
        self.advance(resume, meta)
    }

    /// The end of a search page: commits what waits once the time since the last commit
    /// reaches what the last write took (a looser pace than between page ends).
    pub fn page_end(&mut self, meta: impl FnOnce() -> Meta) -> Result<()> {
        let due = self.last_commit.elapsed() >= COMMIT_AFTER.max(self.last_write);
        if !self.pending.is_empty() && due {
            self.commit(&meta())?;
        }
        Ok(())
    }

    fn advance(&mut self, resume: Option<Ts>, meta: impl FnOnce() -> Meta) -> Result<()> {
        self.unfinished.resume = resume;
        let due = self.last_commit.elapsed() >= COMMIT_AFTER.max(self.last_write * WRITE_SHARE);
        if self.pending.len() >= COMMIT_EVERY || due {
            self.commit(&meta())?;
        }
        Ok(())
    }

    /// Writes the snapshot with every waiting ticket merged in and the export marked
    /// unfinished (resuming from the last offered point).
    pub fn commit(&mut self, meta: &Meta) -> Result<()> {
        let mut meta = meta.clone();
        let mut state = self.unfinished.clone();
        if state.full {
            let mut seen: Vec<String> = self.seen.iter().cloned().collect();
            seen.sort_unstable();
            state.seen = seen;
        }
        meta.unfinished = Some(state);
        self.write(&meta)
    }

    /// Merges the waiting tickets into the stored ones, so [`Committer::tickets`] shows all.
    pub fn merge_waiting(&mut self) {
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            self.tickets = super::merge(std::mem::take(&mut self.tickets), pending);
        }
    }

    /// Writes the snapshot with every waiting ticket merged in, described by `meta` as is
    /// (the export's end: `meta.unfinished` is the caller's).
    pub fn finish(&mut self, meta: &Meta) -> Result<()> {
        self.write(meta)
    }

    fn write(&mut self, meta: &Meta) -> Result<()> {
        let started = Instant::now();
        self.merge_waiting();
        super::write(self.dir, &self.tickets, meta)?;
        // A run's first write also starts the thread pool and the Parquet writer (some
        // 50 ms): when that is most of it, it says little about the next ones and sets no
        // pace; a longer one is mostly the snapshot's size, and paces the commits after it.
        let took = started.elapsed();
        self.last_write = if self.writes == 0 && took < WARM_UP {
            Duration::ZERO
        } else {
            took
        };
        self.writes += 1;
        self.last_commit = Instant::now();
        Ok(())
    }

    /// True when this export has committed or holds ticket `id`.
    pub fn saw(&self, id: &str) -> bool {
        self.seen.contains(id)
    }

    /// The stored tickets, whole, by id with their `updated`, that an export may take as
    /// they are when JIRA lists them with the same `updated`: all of them for an
    /// incremental export, and for a full one only those it committed itself.
    pub fn known(&self) -> std::collections::HashMap<String, Ts> {
        self.tickets
            .iter()
            .filter(|t| {
                t.truncated.is_empty() && (!self.unfinished.full || self.seen.contains(&t.id))
            })
            .filter_map(|t| Some((t.id.clone(), t.updated?)))
            .collect()
    }

    /// The stored tickets (waiting ones only after [`Committer::merge_waiting`]).
    pub fn tickets(&self) -> &[Ticket] {
        &self.tickets
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_export_sweeps_what_a_stopped_commit_left() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir(p.join(".supportlens-backup-x1")).unwrap();
        std::fs::write(p.join(".supportlens-backup-x1/0"), "old").unwrap();
        for leftover in [".tickets.parquet.a1.tmp", ".snapshot.json.b2.tmp"] {
            std::fs::write(p.join(leftover), "half").unwrap();
        }
        for kept in ["notes.tmp", ".lock", "tickets.parquet", ".other.tmp"] {
            std::fs::write(p.join(kept), "mine").unwrap();
        }
        let unfinished = Unfinished {
            started: chrono::Utc::now(),
            full: true,
            resume: None,
            seen: vec!["7".into()],
        };
        let store = Committer::new(p, Vec::new(), unfinished);
        assert!(store.saw("7"), "ids an earlier run committed count as seen");
        let mut left: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            [".lock", ".other.tmp", "notes.tmp", "tickets.parquet"]
        );
    }
}
