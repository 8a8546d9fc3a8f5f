//! Reading the snapshot back into tickets: every ticket, or for a report only those its
//! window can see (see `prune`), with the child tables then read a row group at a time.

use std::path::Path;

use anyhow::Result;
use polars::prelude::{BooleanChunked, DataFrame};
use rayon::prelude::*;

use super::{
    INDEX, MANIFEST, Meta, PEOPLE, Table, Whole, Window, damaged, decode, index, prune,
    read_manifest, store,
};
use crate::model::{Ticket, Ts, sort_by_id};
use crate::progress::Progress;

/// Reads the snapshot in `dir`: tickets sorted by id, each with its comments, worklogs and
/// changes in stored order, and the snapshot's [`Meta`]. A missing, incomplete or damaged
/// snapshot is a `Failure::input` (exit 3) saying which command rebuilds it.
pub fn read(dir: &Path) -> Result<(Vec<Ticket>, Meta)> {
    read_window(dir, |_, _| None, &mut Progress::quiet()).map(|(tickets, meta, _)| (tickets, meta))
}

/// [`read`] for a report: `window` is shown the snapshot's meta and every ticket (without
/// its comments, worklogs and changes) and names the window the report covers. When it
/// does and the snapshot has an index for the settings' severity field, only the tickets
/// that window can see are read in full (see `prune`), and [`Whole`] says what the others
/// tell about people; otherwise every ticket is read and `Whole` is `None`.
pub fn read_window<'s>(
    dir: &Path,
    window: impl FnOnce(&Meta, Option<Ts>) -> Option<Window<'s>>,
    progress: &mut Progress,
) -> Result<(Vec<Ticket>, Meta, Option<Whole>)> {
    let manifest = read_manifest(dir)?;
    let entry = |name: &str| {
        manifest
            .tables
            .iter()
            .find(|e| e.name == name)
            .ok_or_else(|| damaged(dir, &format!("{MANIFEST} lists no {name} table")))
    };
    let load = |name: &str| store::load_table(dir, entry(name)?).map_err(|m| damaged(dir, &m));
    let bad_rows = |name: &str, e: anyhow::Error| {
        damaged(
            dir,
            &format!("{}: {e:#}", dir.join(format!("{name}.parquet")).display()),
        )
    };
    let indexed = manifest
        .index
        .as_ref()
        .is_some_and(|i| i.version == index::VERSION);
    let mut first: Vec<&str> = vec![Table::Tickets.name()];
    if indexed {
        first.extend([INDEX, PEOPLE]);
    }
    const CHILDREN: [&str; 3] = ["comments", "worklogs", "changes"];

    // The tickets table (and the index) are read first, side by side; the window then
    // decides which tickets are read whole, and the three child tables are read and
    // decoded side by side into per-ticket lists, which are moved onto their tickets.
    let frames: Vec<Result<DataFrame>> = first.par_iter().map(|name| load(name)).collect();
    // The first failing table in table order is the one reported.
    let mut frames: Vec<DataFrame> = frames.into_iter().collect::<Result<_>>()?;
    let side = frames.split_off(1);
    let ticket_df = frames.pop().expect("the tickets table");
    let (all, latest) = decode::ticket_ids(&ticket_df).map_err(|e| bad_rows("tickets", e))?;
    progress.step(&format!(
        "read the snapshot's {} tickets{}",
        all.len(),
        if indexed { " and its index" } else { "" }
    ));
    let window = window(&manifest.meta, latest);
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
            && ticket_df
                .column("created")
                .ok()
                .and_then(|c| c.datetime().ok())
                .is_some_and(|c| c.physical().iter().flatten().any(|ms| ms < start))
    };
    let mut whole = None;
    let mut keep = Vec::new();
    let window = window.filter(|w| same_field(w) && can_prune(w));
    if let (Some(w), [index_df, people_df]) = (window, side.as_slice()) {
        let found = index::people(people_df).map_err(|e| bad_rows(PEOPLE, e))?;
        let people = prune::people(found.seen, &found.assignee_since, &w);
        keep = prune::keep(&ticket_df, index_df, &people, &w).map_err(|e| bad_rows(INDEX, e))?;
        whole = Some(Whole {
            people,
            addresses: found.addresses,
            left_out: keep.iter().filter(|k| !**k).count(),
        });
    }
    drop(side);
    if let Some(w) = &whole {
        progress.step(&format!(
            "found {} tickets the window cannot see",
            w.left_out
        ));
    }
    let children: Vec<Result<DataFrame>> = if whole.as_ref().is_some_and(|w| w.left_out > 0) {
        // Each child table is read a row group at a time, and only the rows of tickets
        // read whole are kept, so no table is ever held whole. (Row numbers in messages
        // about these rows count the kept rows.)
        CHILDREN
            .par_iter()
            .map(|&name| {
                let mut kept: Option<DataFrame> = None;
                let mut keep_rows = |part: DataFrame| -> Result<()> {
                    let owners = decode::owners(&part, &all, decode::ROWS_PER_RUN)
                        .map_err(|e| bad_rows(name, e))?;
                    let mask: BooleanChunked = owners.iter().map(|&o| keep[o]).collect();
                    let part = part.filter(&mask)?;
                    match &mut kept {
                        Some(df) => {
                            df.vstack_mut_owned(part)?;
                        }
                        None => kept = Some(part),
                    }
                    Ok(())
                };
                let mut failed = None;
                store::load_table_parts(dir, entry(name)?, store::ROWS_PER_PART, |part| {
                    keep_rows(part).map_err(|e| {
                        let text = format!("{e:#}");
                        failed = Some(e);
                        text
                    })
                })
                .map_err(|m| failed.take().unwrap_or_else(|| damaged(dir, &m)))?;
                kept.ok_or_else(|| damaged(dir, &format!("{name}.parquet holds no part")))
            })
            .collect()
    } else {
        CHILDREN.par_iter().map(|name| load(name)).collect()
    };
    let mut children = children.into_iter().collect::<Result<Vec<DataFrame>>>()?;
    let changes_df = children.pop().expect("three child tables");
    let worklogs_df = children.pop().expect("three child tables");
    let comments_df = children.pop().expect("three child tables");
    // The tickets read whole, and the index their child rows find them by.
    let kept_df;
    let ticket_df = if whole.as_ref().is_some_and(|w| w.left_out > 0) {
        let mask: BooleanChunked = keep.iter().copied().collect();
        kept_df = ticket_df
            .filter(&mask)
            .map_err(|e| bad_rows("tickets", e.into()))?;
        &kept_df
    } else {
        &ticket_df
    };
    let (mut tickets, index) = decode::tickets(ticket_df).map_err(|e| bad_rows("tickets", e))?;
    progress.step(&format!(
        "read the comments, worklogs and changes of {} tickets",
        tickets.len()
    ));
    let (comments, (worklogs, changes)) = rayon::join(
        || {
            decode::comments(&comments_df, &index, decode::ROWS_PER_RUN)
                .map_err(|e| bad_rows("comments", e))
        },
        || {
            rayon::join(
                || {
                    decode::worklogs(&worklogs_df, &index, decode::ROWS_PER_RUN)
                        .map_err(|e| bad_rows("worklogs", e))
                },
                || {
                    decode::changes(&changes_df, &index, decode::ROWS_PER_RUN)
                        .map_err(|e| bad_rows("changes", e))
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
    }
    sort_by_id(&mut tickets);
    Ok((tickets, manifest.meta, whole))
}
