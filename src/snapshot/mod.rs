//! The Parquet snapshot: the data folder every command reads or writes (SPEC §6).
//!
//! It owns four normalized tables, each `<table>.parquet` in the data folder:
//!
//! - `tickets`: one row per issue (`id, key, created, updated, issue_type, status,
//!   resolution, severity, labels, assignee_id, assignee_name, assignee_app,
//!   assignee_email, reporter_id, reporter_name, reporter_app, reporter_email, truncated`);
//! - `comments`: one row per comment (`id, ticket_id, author_id, author_name, author_app,
//!   author_email, created, updated, public, body`);
//! - `worklogs`: one row per worklog (`id, ticket_id, author_id, author_name, author_app,
//!   author_email, started, created, updated, seconds, comment`);
//! - `changes`: one row per changelog item (`history_id, ticket_id, author_id, author_name,
//!   author_app, author_email, at, field_id, field, from, from_string, to, to_string`).
//!
//! Ids are strings. Timestamps are `Datetime(ms)` without a zone and hold UTC instants, so
//! sub-millisecond precision is not kept. `labels` is space-separated (JIRA labels contain
//! no spaces) and `truncated` joins its notes with `"; "`; both are `""` when empty. A
//! person is four columns, all null when JIRA named nobody; `_email` is also null when
//! JIRA sent no `emailAddress` (a snapshot written before emails were kept has no such
//! column and still reads). Child rows keep their ticket's order, and tickets are stored
//! sorted by id.
//!
//! Beside them, two side files of our own (`index.parquet`, `people.parquet`; see `index`)
//! let a report read whole only the tickets its window can see (`prune`, `read`).
//!
//! `snapshot.json` ([`Meta`] plus each table's size, row count and SHA-256) is written last,
//! under a rollback journal: taking the [`lock`] (which keeps two runs from using one folder
//! at once) puts back the previous snapshot if a crash stopped a commit midway.

mod cells;
mod chunks;
mod decode;
mod encode;
mod index;
mod lock;
mod meta;
mod partial;
mod prune;
mod read;
mod store;
#[cfg(test)]
mod tests;
mod ticket_index;

use std::path::Path;

use anyhow::{Context, Result, bail};
use rayon::prelude::*;

pub use chunks::Chunks;
pub use lock::{Lock, lock, lock_existing, lock_out};
pub use meta::{EXPORTS_KEPT, ExportRecord, Gone, Meta, Unfinished};
pub use partial::{COMMIT_EVERY, Committer};
pub use prune::{Whole, Window};
pub use read::{Opened, Selected, open, read, read_window};
pub use store::ROWS_PER_GROUP;

use crate::error::{Failure, cut};
use crate::model::{LatestById, Ticket, id_order, sort_by_id};
use store::{FORMAT, MANIFEST, Manifest};

/// Table `name` (`tickets`, `comments`, `worklogs` or `changes`) of the snapshot in `dir`
/// as stored, checked against `snapshot.json` (size, SHA-256, rows): what `query` shows of
/// the snapshot itself. A missing or damaged table is a `Failure::input` (exit 3).
pub fn load_table(dir: &Path, name: &str) -> Result<polars::prelude::DataFrame> {
    let manifest = read_manifest(dir)?;
    let entry = manifest
        .tables
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| damaged(dir, &format!("{MANIFEST} lists no {name} table")))?;
    store::load_table(dir, entry).map_err(|m| unread(dir, m))
}

/// Tickets a report reads whole at once; a snapshot with more is read a chunk of this many
/// at a time (issue 17): `SUPPORTLENS_CHUNK_TICKETS` sets another size (README "Large
/// snapshots").
pub const TICKETS_PER_CHUNK: usize = 100_000;

/// [`TICKETS_PER_CHUNK`], or the size `SUPPORTLENS_CHUNK_TICKETS` gives; a value that is
/// not a whole number of at least 1 is a usage error (exit 2).
pub fn tickets_per_chunk() -> Result<usize> {
    match std::env::var("SUPPORTLENS_CHUNK_TICKETS") {
        Err(_) => Ok(TICKETS_PER_CHUNK),
        Ok(v) => match v.trim().parse::<usize>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => Err(Failure::usage(format!(
                "SUPPORTLENS_CHUNK_TICKETS={} is not a whole number of tickets (at least 1); \
                 unset it for the default of {TICKETS_PER_CHUNK}",
                crate::error::shown(&v)
            ))
            .into()),
        },
    }
}

/// The side files of the snapshot's index (see `index`), written after the tables.
const INDEX: &str = "index";
const PEOPLE: &str = "people";

/// The snapshot's tables, in the order they are written and renamed into place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Table {
    Tickets,
    Comments,
    Worklogs,
    Changes,
}

impl Table {
    const ALL: [Table; 4] = [
        Table::Tickets,
        Table::Comments,
        Table::Worklogs,
        Table::Changes,
    ];

    /// The table's name, and its file's name without `.parquet`.
    fn name(self) -> &'static str {
        match self {
            Table::Tickets => "tickets",
            Table::Comments => "comments",
            Table::Worklogs => "worklogs",
            Table::Changes => "changes",
        }
    }
}

/// Replaces the snapshot in `dir` (created if needed) with `tickets` and `meta`, atomically:
/// after a failure, or a crash and the next [`lock`], the folder holds the previous snapshot
/// or the new one, never a mix. The caller should hold the folder's [`Lock`].
pub fn write(dir: &Path, tickets: &[Ticket], meta: &Meta) -> Result<()> {
    let (staged, unwritable) = stage(dir, tickets, meta)?;
    store::commit(dir, staged).map_err(unwritable)
}

/// [`write`] stopping dead at the commit's checkpoint `stop`, as a crash would; false if it
/// stopped.
#[cfg(test)]
fn write_until(dir: &Path, tickets: &[Ticket], meta: &Meta, stop: usize) -> Result<bool> {
    let (staged, _) = stage(dir, tickets, meta)?;
    store::commit_until(dir, staged, Some(stop))
}

/// Every file of the new snapshot, written beside the current ones; with the mapping of a
/// write error to the run's exit.
#[allow(clippy::type_complexity)]
fn stage(
    dir: &Path,
    tickets: &[Ticket],
    meta: &Meta,
) -> Result<(Vec<store::Staged>, impl Fn(anyhow::Error) -> anyhow::Error)> {
    // A folder that cannot be written (missing rights, a full disk) is the run's setting,
    // not a bug: exit 2, naming the folder, like an unwritable report folder.
    let unwritable = |e: anyhow::Error| -> anyhow::Error {
        // Too many open files or no memory is this machine's limit, not the folder's.
        let limited = e
            .chain()
            .filter_map(|c| c.downcast_ref::<std::io::Error>())
            .any(crate::input_file::is_machine_limit);
        let what = if limited {
            format!(
                "the data folder {} is not at fault: raise the limit on open files (`ulimit \
                 -n`) or free memory, then run again",
                dir.display()
            )
        } else {
            format!(
                "check that the data folder {} is writable and has free space",
                dir.display()
            )
        };
        Failure::usage(format!("{e:#}; {what}")).into()
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the data folder {}", dir.display()))
        .map_err(unwritable)?;
    let mut sorted: Vec<&Ticket> = tickets.iter().collect();
    sort_by_id(&mut sorted);
    if let Some(pair) = sorted.windows(2).find(|w| w[0].id == w[1].id) {
        bail!(
            "two tickets share the id {} ({} and {}); merge them before writing the snapshot",
            pair[0].id,
            pair[0].key,
            pair[1].key
        );
    }
    // The tables are built and written side by side, one per core.
    let written: Vec<(store::Staged, store::TableEntry)> = Table::ALL
        .par_iter()
        .map(|&table| {
            let mut df = encode::frame(table, &sorted)
                .with_context(|| format!("cannot build the {} table", table.name()))?;
            store::stage_table(dir, table.name(), &mut df).map_err(unwritable)
        })
        .collect::<Result<_>>()?;
    let (mut staged, mut entries): (Vec<_>, Vec<_>) = written.into_iter().unzip();
    // The index a report prunes by, over the tickets exactly as this snapshot stores them.
    let severity_field = meta.severity_field.as_deref().unwrap_or("priority");
    let index = match index::frames(&sorted, severity_field) {
        Some(frames) => {
            let (mut tickets_df, mut people_df) =
                frames.context("cannot build the snapshot's index")?;
            for (name, df) in [(INDEX, &mut tickets_df), (PEOPLE, &mut people_df)] {
                let (file, entry) = store::stage_table(dir, name, df).map_err(unwritable)?;
                staged.push(file);
                entries.push(entry);
            }
            Some(index::IndexInfo {
                version: index::VERSION,
                severity_field: severity_field.to_string(),
            })
        }
        None => None,
    };
    let manifest = Manifest {
        format: FORMAT,
        meta: meta.clone(),
        tables: entries,
        index,
    };
    staged.push(store::stage_manifest(dir, &manifest).map_err(unwritable)?);
    Ok((staged, unwritable))
}

/// Merges a new batch into stored tickets by id: an incoming ticket replaces the stored one
/// whole, unless the stored one was updated strictly later. The result is sorted by id.
pub fn merge(existing: Vec<Ticket>, incoming: Vec<Ticket>) -> Vec<Ticket> {
    // One side empty and the other one copy of each ticket in order (a first import, an
    // export that found nothing new): nothing to merge.
    let unique_sorted = |ts: &[Ticket]| ts.is_sorted_by(|a, b| id_order(&a.id, &b.id).is_lt());
    if existing.is_empty() && unique_sorted(&incoming) {
        return incoming;
    }
    if incoming.is_empty() && unique_sorted(&existing) {
        return existing;
    }
    let mut latest = LatestById::with_capacity(existing.len() + incoming.len());
    for t in existing.into_iter().chain(incoming) {
        latest.offer(t);
    }
    latest.into_sorted()
}

/// Removes the temporary files stopped writes left in the data folder `dir`, never the
/// snapshot or a commit's journal; only for a run holding its lock alone.
pub fn sweep_temporary(dir: &Path) {
    store::sweep(dir);
}

/// True when the folder holds a snapshot, or the remains of one (so a damaged snapshot is
/// reported by `read` instead of being silently replaced).
pub fn exists(dir: &Path) -> bool {
    dir.join(MANIFEST).exists()
        || Table::ALL
            .iter()
            .any(|t| dir.join(format!("{}.parquet", t.name())).exists())
}

fn read_manifest(dir: &Path) -> Result<Manifest> {
    if store::interrupted(dir) {
        return Err(Failure::input(format!(
            "an import or export stopped midway in {}: run `supportlens export` (or \
             `import`, or `report`) again; it puts the previous snapshot back first",
            dir.display()
        ))
        .into());
    }
    let path = dir.join(MANIFEST);
    let text = match crate::input_file::read_own_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let has_tables = Table::ALL
                .iter()
                .any(|t| dir.join(format!("{}.parquet", t.name())).exists());
            return Err(if has_tables {
                damaged(dir, &format!("{MANIFEST} is missing"))
            } else {
                Failure::input(format!(
                    "no snapshot in the data folder {}: run `supportlens import FILES…` or \
                     `supportlens export` first",
                    dir.display()
                ))
                .into()
            });
        }
        Err(e) => {
            let unread = store::Unread::io(format!("cannot read {}", path.display()), &e);
            if unread.machine {
                return Err(self::unread(dir, unread));
            }
            return Err(Failure::input(format!(
                "cannot read {}: {e}; check the data folder's permissions",
                path.display()
            ))
            .into());
        }
    };
    // serde's message quotes a wrong value whole (a megabyte string gave a megabyte line).
    let manifest: Manifest = serde_json::from_str(&text).map_err(|e| {
        let e = e.to_string();
        damaged(dir, &format!("{}: {}", path.display(), cut(&e, 300)))
    })?;
    if manifest.format != FORMAT {
        return Err(Failure::input(format!(
            "the snapshot in {} has layout {} but this supportlens reads layout {FORMAT}: \
             move the folder aside, then re-run `supportlens import FILES…` or \
             `supportlens export` to rebuild it (both read an existing snapshot first)",
            dir.display(),
            manifest.format
        ))
        .into());
    }
    // An instant past the years read (written by hand) ran week arithmetic without end.
    for (name, at) in manifest.meta.instants() {
        crate::week::check_year(at)
            .map_err(|e| damaged(dir, &format!("{}: {name} {e}", path.display())))?;
    }
    Ok(manifest)
}

/// The error for a table file that could not be read: damage (see [`damaged`]), or, when
/// this machine refused (open files, memory, rights), a usage error (exit 2) saying so: the
/// snapshot is sound, and rebuilding it would not help.
fn unread(dir: &Path, m: store::Unread) -> anyhow::Error {
    if !m.machine {
        return damaged(dir, &m.text);
    }
    Failure::usage(format!(
        "{}; the snapshot in {} is not at fault: raise the limit on open files (`ulimit -n`) \
         or free memory, or let this user read the data folder, then run again",
        m.text,
        dir.display()
    ))
    .into()
}

/// The error for a snapshot whose files do not fit together or cannot be read.
fn damaged(dir: &Path, detail: &str) -> anyhow::Error {
    Failure::input(format!(
        "the snapshot in {} is incomplete or damaged ({detail}); an import or export may have \
         stopped midway: move the folder aside, then re-run `supportlens import FILES…` or \
         `supportlens export` to rebuild it (both read an existing snapshot first)",
        dir.display()
    ))
    .into()
}
