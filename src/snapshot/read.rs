//! Reading the snapshot back into tickets: every ticket, or for a report only those its
//! window can see (see `prune`); all at once, or for a large snapshot a chunk at a time
//! (see `chunks`).
//!
//! A read is three steps: [`open`] checks the manifest and reads the tickets table (and the
//! index) as columns; [`Opened::select`] decides, from the window, which tickets are read
//! whole and whether in chunks; [`Selected::read_all`] or [`Selected::chunks`] builds them.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;
use polars::prelude::{BooleanChunked, DataFrame};
use rayon::prelude::*;

use super::chunks::Chunks;
use super::store::{Manifest, TableEntry};
use super::{
    INDEX, MANIFEST, Meta, PEOPLE, Table, Whole, Window, damaged, decode, index, prune,
    read_manifest, store, unread,
};
use crate::metrics::People;
use crate::metrics::people::Seen;
use crate::model::{Ticket, Ts, sort_by_id};
use crate::progress::Progress;
use crate::timeline::Timeline;

/// Reads the snapshot in `dir`: tickets sorted by id, each with its comments, worklogs and
/// changes in stored order, and the snapshot's [`Meta`]. A missing, incomplete or damaged
/// snapshot is a `Failure::input` (exit 3) saying which command rebuilds it.
pub fn read(dir: &Path) -> Result<(Vec<Ticket>, Meta)> {
    read_window(dir, |_, _| None, &mut Progress::quiet()).map(|(tickets, meta, _)| (tickets, meta))
}

/// [`read`] for a report: `window` is shown the snapshot's meta and the latest `updated`
/// and names the window the report covers. When it does and the snapshot has an index for
/// the settings' severity field, only the tickets that window can see are read in full
/// (see `prune`), and [`Whole`] says what the others tell about people; otherwise every
/// ticket is read and `Whole` is `None`. Every ticket read is returned at once.
pub fn read_window<'s>(
    dir: &Path,
    window: impl FnOnce(&Meta, Option<Ts>) -> Option<Window<'s>>,
    progress: &mut Progress,
) -> Result<(Vec<Ticket>, Meta, Option<Whole>)> {
    let opened = open(dir, progress)?;
    let w = window(opened.meta(), opened.latest_update());
    let mut selected = opened.select(w, true, usize::MAX, progress)?;
    let whole = selected.whole.take();
    let meta = selected.manifest.meta.clone();
    Ok((selected.read_all()?, meta, whole))
}

/// A snapshot whose manifest was checked and whose tickets table (and index) was read.
pub struct Opened {
    dir: PathBuf,
    manifest: Manifest,
    tickets: DataFrame,
    /// `index.parquet` and `people.parquet`, when the snapshot has a current index.
    side: Option<(DataFrame, DataFrame)>,
    latest: Option<Ts>,
}

/// Opens the snapshot in `dir` for reading: the manifest, the tickets table and the index
/// are read and checked; the child tables are read by [`Selected::read_all`] or
/// [`Selected::chunks`].
pub fn open(dir: &Path, progress: &mut Progress) -> Result<Opened> {
    let manifest = read_manifest(dir)?;
    let indexed = manifest
        .index
        .as_ref()
        .is_some_and(|i| i.version == index::VERSION);
    let mut first: Vec<&str> = vec![Table::Tickets.name()];
    if indexed {
        first.extend([INDEX, PEOPLE]);
    }
    // The tickets table and the index are read side by side.
    let frames: Vec<Result<DataFrame>> = first
        .par_iter()
        .map(|name| load(dir, &manifest, name))
        .collect();
    // The first failing table in table order is the one reported.
    let frames: Vec<DataFrame> = frames.into_iter().collect::<Result<_>>()?;
    let mut frames = frames.into_iter();
    let tickets = frames.next().expect("the tickets table");
    let side = frames.next().zip(frames.next());
    let (_, latest) = decode::ticket_ids(&tickets).map_err(|e| bad_rows(dir, "tickets", e))?;
    progress.step(&format!(
        "read the snapshot's {} tickets{}",
        tickets.height(),
        if indexed { " and its index" } else { "" }
    ));
    Ok(Opened {
        dir: dir.to_path_buf(),
        manifest,
        tickets,
        side,
        latest,
    })
}

impl Opened {
    pub fn meta(&self) -> &Meta {
        &self.manifest.meta
    }

    /// The latest `updated` of every ticket.
    pub fn latest_update(&self) -> Option<Ts> {
        self.latest
    }

    /// Decides which tickets are read whole and how: when `prune` and the snapshot has an
    /// index for the severity field of `window`, only the tickets `window` can see (see
    /// `prune`); when more than `chunk` tickets are read, they are read a chunk at a time,
    /// and who is who is known first, across the snapshot: from its `people.parquet`, or
    /// for a snapshot without one, from a first pass over its chunks.
    pub fn select(
        self,
        window: Option<Window>,
        prune: bool,
        chunk: usize,
        progress: &mut Progress,
    ) -> Result<Selected> {
        let Opened {
            dir,
            manifest,
            tickets,
            side,
            latest: _,
        } = self;
        let same_field = |w: &Window| {
            manifest
                .index
                .as_ref()
                .is_some_and(|i| i.severity_field == w.settings.types.severity_field)
        };
        // A window whose first week starts before every ticket, or after as-of, can leave
        // nothing out: the index is not even read then.
        let can_prune = |w: &Window| {
            let start = w.start.timestamp_millis();
            w.as_of >= w.start
                && tickets
                    .column("created")
                    .ok()
                    .and_then(|c| c.datetime().ok())
                    .is_some_and(|c| c.physical().iter().flatten().any(|ms| ms < start))
        };
        let mut whole = None;
        let mut keep = None;
        if let (Some(w), Some((index_df, people_df))) = (window, &side) {
            let pruning = prune && same_field(&w) && can_prune(&w);
            let found = || index::people(people_df).map_err(|e| bad_rows(&dir, PEOPLE, e));
            if pruning {
                let found = found()?;
                let people = prune::people(found.seen, &found.assignee_since, &w);
                let k = prune::keep(&tickets, index_df, &people, &w)
                    .map_err(|e| bad_rows(&dir, INDEX, e))?;
                whole = Some(Whole {
                    people,
                    addresses: found.addresses,
                    left_out: k.iter().filter(|k| !**k).count(),
                });
                keep = Some(k);
            } else if tickets.height() > chunk {
                let found = found()?;
                whole = Some(Whole {
                    people: prune::people(found.seen, &found.assignee_since, &w),
                    addresses: found.addresses,
                    left_out: 0,
                });
            }
        }
        drop(side);
        if let Some(w) = whole.as_ref().filter(|w| w.left_out > 0) {
            progress.step(&format!(
                "found {} tickets the window cannot see",
                w.left_out
            ));
        }
        let kept = tickets.height() - whole.as_ref().map_or(0, |w| w.left_out);
        // Chunks need who is who first; without a window (no as-of) nothing is measured,
        // so everything is read at once.
        let chunk = if kept > chunk && window.is_some() {
            chunk
        } else {
            usize::MAX
        };
        let mut selected = Selected {
            dir,
            manifest,
            tickets,
            keep,
            emails: whole.is_none(),
            whole,
            kept,
            chunk,
            part_rows: store::ROWS_PER_PART,
        };
        if let (true, None, Some(w)) = (selected.is_chunked(), &selected.whole, window) {
            selected.whole = Some(selected.people_pass(&w, progress)?);
            selected.emails = false;
        }
        Ok(selected)
    }
}

/// A snapshot opened, with the tickets a report reads whole chosen.
pub struct Selected {
    pub(super) dir: PathBuf,
    pub(super) manifest: Manifest,
    /// The whole tickets table.
    pub(super) tickets: DataFrame,
    /// Per row of the tickets table, whether it is read whole; `None`: every row.
    pub(super) keep: Option<Vec<bool>>,
    /// Whether the tickets read keep the addresses JIRA sent for their people: only while
    /// [`Selected::whole`] does not give every address (nothing else reads them, and most
    /// are a heap copy each, millions in a large snapshot).
    pub(super) emails: bool,
    whole: Option<Whole>,
    kept: usize,
    /// Rows of the tickets table per chunk; `usize::MAX` reads all at once.
    pub(super) chunk: usize,
    /// Rows of a child table read at once ([`store::ROWS_PER_PART`]; tests cut finer).
    pub(super) part_rows: usize,
}

impl Selected {
    pub fn meta(&self) -> &Meta {
        &self.manifest.meta
    }

    /// Who is who across the whole snapshot, and the addresses JIRA sent, when the tickets
    /// read whole do not tell it alone (some are left out, or they come in chunks).
    pub fn whole(&self) -> Option<&Whole> {
        self.whole.as_ref()
    }

    /// Takes [`Selected::whole`] out.
    pub fn take_whole(&mut self) -> Option<Whole> {
        self.whole.take()
    }

    /// How many tickets are read whole.
    pub fn len(&self) -> usize {
        self.kept
    }

    /// Whether no ticket is read whole.
    pub fn is_empty(&self) -> bool {
        self.kept == 0
    }

    /// Whether the tickets come in more than one chunk ([`Selected::chunks`]).
    pub fn is_chunked(&self) -> bool {
        self.chunk != usize::MAX
    }

    /// The tickets read whole, in chunks of about `chunk` tickets, in id order.
    pub fn chunks(&self) -> Result<Chunks<'_>> {
        Chunks::new(self)
    }

    pub(super) fn entry(&self, name: &str) -> Result<&TableEntry> {
        entry(&self.dir, &self.manifest, name)
    }

    pub(super) fn damaged(&self, detail: &str) -> anyhow::Error {
        damaged(&self.dir, detail)
    }

    pub(super) fn unread(&self, m: super::store::Unread) -> anyhow::Error {
        super::unread(&self.dir, m)
    }

    pub(super) fn bad_rows(&self, name: &str, e: anyhow::Error) -> anyhow::Error {
        bad_rows(&self.dir, name, e)
    }

    /// Every ticket read whole at once, sorted by id.
    pub fn read_all(self) -> Result<Vec<Ticket>> {
        let pruned = self.keep.as_ref().is_some_and(|k| k.iter().any(|k| !k));
        const CHILDREN: [&str; 3] = ["comments", "worklogs", "changes"];
        let children: Vec<Result<DataFrame>> = if let (true, Some(keep)) = (pruned, &self.keep) {
            // Child rows find their ticket's row among all tickets, kept or not.
            let (all, _) =
                decode::ticket_ids(&self.tickets).map_err(|e| self.bad_rows("tickets", e))?;
            // Each child table is read a row group at a time, and only the rows of tickets
            // read whole are kept, so no table is ever held whole. A part's ticket ids are
            // read first, and the rest of it only when one of its rows is kept: the rows of
            // tickets done long before the window (most of a long snapshot's, stored
            // together since tickets are in id order) are not decoded at all. (Row numbers
            // in messages about these rows count the kept rows.)
            CHILDREN
                .par_iter()
                .map(|&name| {
                    let mut parts =
                        store::Parts::open(&self.dir, self.entry(name)?, self.part_rows)
                            .map_err(|m| self.unread(m))?
                            .by_group();
                    let mut kept: Option<DataFrame> = None;
                    let mut any_part = false;
                    while let Some((offset, ids)) = parts
                        .next_part_of(Some(&["ticket_id"]))
                        .map_err(|m| self.unread(m))?
                    {
                        any_part = true;
                        let owners = decode::owners(&ids, &all, 0, decode::ROWS_PER_RUN)
                            .map_err(|e| self.bad_rows(name, e))?;
                        if !owners.iter().any(|&o| keep[o]) {
                            continue;
                        }
                        let part = parts.part_at(offset).map_err(|m| self.unread(m))?;
                        if part.height() != ids.height() {
                            return Err(self.damaged(&format!(
                                "{name}.parquet gave {} rows from row {offset}, then {}",
                                ids.height(),
                                part.height()
                            )));
                        }
                        let mask: BooleanChunked = owners.iter().map(|&o| keep[o]).collect();
                        let part = part.filter(&mask)?;
                        match &mut kept {
                            Some(df) => {
                                df.vstack_mut_owned(part)?;
                            }
                            None => kept = Some(part),
                        }
                    }
                    match kept {
                        Some(df) => Ok(df),
                        // No row kept: the table's columns with no rows.
                        None if any_part => {
                            Ok(parts.part_at(0).map_err(|m| self.unread(m))?.slice(0, 0))
                        }
                        None => Err(self.damaged(&format!("{name}.parquet holds no part"))),
                    }
                })
                .collect()
        } else {
            CHILDREN
                .par_iter()
                .map(|name| load(&self.dir, &self.manifest, name))
                .collect()
        };
        let mut children = children.into_iter().collect::<Result<Vec<DataFrame>>>()?;
        let changes_df = children.pop().expect("three child tables");
        let worklogs_df = children.pop().expect("three child tables");
        let comments_df = children.pop().expect("three child tables");
        // The tickets read whole, and the index their child rows find them by.
        let kept_df;
        let ticket_df = match (&self.keep, pruned) {
            (Some(keep), true) => {
                let mask: BooleanChunked = keep.iter().copied().collect();
                kept_df = self
                    .tickets
                    .filter(&mask)
                    .map_err(|e| self.bad_rows("tickets", e.into()))?;
                &kept_df
            }
            _ => &self.tickets,
        };
        let (mut tickets, index) =
            decode::tickets(ticket_df, self.emails).map_err(|e| self.bad_rows("tickets", e))?;
        let (comments, (worklogs, changes)) = rayon::join(
            || {
                decode::comments(&comments_df, &index, decode::ROWS_PER_RUN, self.emails)
                    .map_err(|e| self.bad_rows("comments", e))
            },
            || {
                rayon::join(
                    || {
                        decode::worklogs(&worklogs_df, &index, decode::ROWS_PER_RUN, self.emails)
                            .map_err(|e| self.bad_rows("worklogs", e))
                    },
                    || {
                        decode::changes(&changes_df, &index, decode::ROWS_PER_RUN, self.emails)
                            .map_err(|e| self.bad_rows("changes", e))
                    },
                )
            },
        );
        let (comments, worklogs, changes) = (comments?, worklogs?, changes?);
        drop(index);
        for (ticket, ((c, w), ch)) in tickets
            .iter_mut()
            .zip(comments.into_iter().zip(worklogs).zip(changes))
        {
            ticket.comments = c;
            ticket.worklogs = w;
            ticket.changes = ch;
            if let Some((table, what)) = decode::repeated_child(ticket) {
                return Err(self.bad_rows(table, anyhow::anyhow!(what)));
            }
        }
        sort_by_id(&mut tickets);
        Ok(tickets)
    }

    /// Who is who across the snapshot, found as `People::new` finds it over every ticket,
    /// for a snapshot without `people.parquet` read in chunks: one pass over the chunks
    /// before the one that measures them.
    fn people_pass(&self, window: &Window, progress: &mut Progress) -> Result<Whole> {
        let settings = window.settings;
        let mut chunks = self.chunks()?;
        let mut seen = Seen::default();
        let mut assignees = BTreeSet::new();
        let mut addresses = crate::delivery::LatestAddresses::default();
        while let Some(tickets) = chunks.next_chunk()? {
            let timelines: Vec<Timeline> = tickets
                .par_iter()
                .map(|t| Timeline::build(t, &settings.types.severity_field, window.as_of))
                .collect();
            assignees.extend(People::assignees(&timelines));
            seen = seen.merge(Seen::of(&tickets));
            addresses.see(&tickets);
        }
        progress.step(&format!(
            "found who is who across {} tickets (the snapshot has no people.parquet)",
            self.kept
        ));
        Ok(Whole {
            people: People::from_seen(settings, seen, || assignees),
            addresses: addresses.into_map(),
            left_out: 0,
        })
    }
}

fn entry<'m>(dir: &Path, manifest: &'m Manifest, name: &str) -> Result<&'m TableEntry> {
    manifest
        .tables
        .iter()
        .find(|e| e.name == name)
        .ok_or_else(|| damaged(dir, &format!("{MANIFEST} lists no {name} table")))
}

fn load(dir: &Path, manifest: &Manifest, name: &str) -> Result<DataFrame> {
    store::load_table(dir, entry(dir, manifest, name)?).map_err(|m| unread(dir, m))
}

fn bad_rows(dir: &Path, name: &str, e: anyhow::Error) -> anyhow::Error {
    damaged(
        dir,
        &format!("{}: {e:#}", dir.join(format!("{name}.parquet")).display()),
    )
}
