//! The four tables → tickets. Columns are walked through their chunked arrays (no per-cell
//! `AnyValue`), and child rows find their ticket through a hash index, so reading a large
//! snapshot stays linear. Errors here describe the cell; the caller adds the file and what
//! to do.

use anyhow::{Result, anyhow, bail};
use polars::prelude::*;
use rayon::prelude::*;

use super::cells::{
    Cells, PersonIter, bools, column, data_times, ints, need, opt_ts, owned, short, strs, ts,
};
use super::encode::{LABEL_SEP, NOTE_SEP};
use crate::model::{Change, Comment, Ticket, Ts, Worklog};

pub(super) use super::ticket_index::TicketIndex;

/// One child table's rows as a list per ticket (in the tickets table's order), each list
/// in the child table's order.
pub(super) type PerTicket<T> = Vec<Vec<T>>;

/// Rebuilds the tickets (without children) in table order, plus the index children use;
/// people keep their addresses when `emails` (see [`Rows`]).
pub(super) fn tickets(df: &DataFrame, emails: bool) -> Result<(Vec<Ticket>, TicketIndex<'_>)> {
    let mut id = strs(df, "id")?;
    let mut key = strs(df, "key")?;
    let mut created = data_times(df, "created")?;
    let mut updated = data_times(df, "updated")?;
    let mut issue_type = strs(df, "issue_type")?;
    let mut status = strs(df, "status")?;
    let mut resolution = strs(df, "resolution")?;
    let mut severity = strs(df, "severity")?;
    let mut labels = strs(df, "labels")?;
    let mut assignee = PersonIter::new(df, "assignee", emails)?;
    let mut reporter = PersonIter::new(df, "reporter", emails)?;
    let mut truncated = strs(df, "truncated")?;
    let mut out = Vec::with_capacity(df.height());
    let mut index = TicketIndex::with_capacity(df.height());
    for row in 0..df.height() {
        let id = need(id.next(), "id", row)?;
        index.push(id, row)?;
        out.push(Ticket {
            id: id.into(),
            key: need(key.next(), "key", row)?.to_owned(),
            created: opt_ts(created.next(), "created", row)?,
            updated: opt_ts(updated.next(), "updated", row)?,
            issue_type: need(issue_type.next(), "issue_type", row)?.to_owned(),
            status: need(status.next(), "status", row)?.to_owned(),
            resolution: owned(resolution.next()),
            severity: owned(severity.next()),
            labels: split(need(labels.next(), "labels", row)?, LABEL_SEP),
            assignee: assignee.next(),
            reporter: reporter.next(),
            truncated: split(need(truncated.next(), "truncated", row)?, NOTE_SEP),
            comments: Vec::new(),
            worklogs: Vec::new(),
            changes: Vec::new(),
        });
    }
    Ok((out, index))
}

/// Every ticket id of the `tickets` table → its row (borrowed from the table), and the
/// latest `updated` of all tickets, read from the columns alone.
pub(super) fn ticket_ids(df: &DataFrame) -> Result<(TicketIndex<'_>, Option<Ts>)> {
    let mut id = strs(df, "id")?;
    let mut updated = data_times(df, "updated")?;
    let mut index = TicketIndex::with_capacity(df.height());
    let mut latest = None;
    for row in 0..df.height() {
        let id = need(id.next(), "id", row)?;
        index.push(id, row)?;
        latest = latest.max(opt_ts(updated.next(), "updated", row)?);
    }
    Ok((index, latest))
}

/// The table and a description of a comment or worklog id that appears twice in one
/// ticket. A snapshot is written with one row per JIRA object, so a repeat is a table
/// edited by hand (or damaged), and the object would count twice.
pub(super) fn repeated_child(ticket: &Ticket) -> Option<(&'static str, String)> {
    fn twice<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Option<&'a str> {
        // Most tickets have one comment or none: nothing to allocate.
        if ids.len() < 2 {
            return None;
        }
        let mut ids: Vec<&str> = ids.collect();
        ids.sort_unstable();
        ids.windows(2).find(|w| w[0] == w[1]).map(|w| w[0])
    }
    let said = |table, what, id: &str| {
        let (id, key) = (crate::error::shown(id), crate::error::shown(&ticket.key));
        Some((
            table,
            format!("{what} id {id} of ticket {key} appears twice"),
        ))
    };
    if let Some(id) = twice(ticket.comments.iter().map(|c| c.id.as_str())) {
        return said("comments", "comment", id);
    }
    if let Some(id) = twice(ticket.worklogs.iter().map(|w| w.id.as_str())) {
        return said("worklogs", "worklog", id);
    }
    None
}

/// Each ticket's comments.
pub(super) fn comments(
    df: &DataFrame,
    index: &TicketIndex,
    run_rows: usize,
    emails: bool,
) -> Result<PerTicket<Comment>> {
    per_ticket(df, index, run_rows, emails, comment_rows)
}

/// Decodes the comment rows of `df`, whose tickets are `owners` (indexes into `lists`, one
/// per row); `base` is the first row's number in the whole table, for messages.
pub(super) fn comment_rows(
    df: &DataFrame,
    owners: &[usize],
    base: usize,
    lists: &mut [Vec<Comment>],
    emails: bool,
) -> Result<()> {
    let mut id = strs(df, "id")?;
    let mut author = PersonIter::new(df, "author", emails)?;
    let mut created = data_times(df, "created")?;
    let mut updated = data_times(df, "updated")?;
    let mut public = bools(df, "public")?;
    let mut body = strs(df, "body")?;
    for (i, &owner) in owners.iter().enumerate() {
        let row = base + i;
        lists[owner].push(Comment {
            id: need(id.next(), "id", row)?.into(),
            author: author.next(),
            created: ts(created.next(), "created", row)?,
            updated: ts(updated.next(), "updated", row)?,
            public: need(public.next(), "public", row)?,
            body: need(body.next(), "body", row)?.to_owned(),
        });
    }
    Ok(())
}

/// Each ticket's worklogs.
pub(super) fn worklogs(
    df: &DataFrame,
    index: &TicketIndex,
    run_rows: usize,
    emails: bool,
) -> Result<PerTicket<Worklog>> {
    per_ticket(df, index, run_rows, emails, worklog_rows)
}

/// [`comment_rows`] for worklogs.
pub(super) fn worklog_rows(
    df: &DataFrame,
    owners: &[usize],
    base: usize,
    lists: &mut [Vec<Worklog>],
    emails: bool,
) -> Result<()> {
    let mut id = strs(df, "id")?;
    let mut author = PersonIter::new(df, "author", emails)?;
    let mut started = data_times(df, "started")?;
    let mut created = data_times(df, "created")?;
    let mut updated = data_times(df, "updated")?;
    let mut seconds = ints(df, "seconds")?;
    let mut comment = strs(df, "comment")?;
    for (i, &owner) in owners.iter().enumerate() {
        let row = base + i;
        lists[owner].push(Worklog {
            id: need(id.next(), "id", row)?.into(),
            author: author.next(),
            started: ts(started.next(), "started", row)?,
            created: ts(created.next(), "created", row)?,
            updated: ts(updated.next(), "updated", row)?,
            seconds: need(seconds.next(), "seconds", row)?,
            comment: need(comment.next(), "comment", row)?.into(),
        });
    }
    Ok(())
}

/// Each ticket's changelog items.
pub(super) fn changes(
    df: &DataFrame,
    index: &TicketIndex,
    run_rows: usize,
    emails: bool,
) -> Result<PerTicket<Change>> {
    per_ticket(df, index, run_rows, emails, change_rows)
}

/// [`comment_rows`] for changelog items.
pub(super) fn change_rows(
    df: &DataFrame,
    owners: &[usize],
    base: usize,
    lists: &mut [Vec<Change>],
    emails: bool,
) -> Result<()> {
    let mut history_id = strs(df, "history_id")?;
    let mut author = PersonIter::new(df, "author", emails)?;
    let mut at = data_times(df, "at")?;
    let mut field_id = strs(df, "field_id")?;
    let mut field = strs(df, "field")?;
    let mut from = strs(df, "from")?;
    let mut from_string = strs(df, "from_string")?;
    let mut to = strs(df, "to")?;
    let mut to_string = strs(df, "to_string")?;
    for (i, &owner) in owners.iter().enumerate() {
        let row = base + i;
        lists[owner].push(Change {
            history_id: need(history_id.next(), "history_id", row)?.into(),
            author: author.next(),
            at: ts(at.next(), "at", row)?,
            field_id: short(field_id.next()),
            field: need(field.next(), "field", row)?.into(),
            from: short(from.next()),
            from_string: short(from_string.next()),
            to: short(to.next()),
            to_string: short(to_string.next()),
        });
    }
    Ok(())
}

/// Rows decoded per run: large enough that a run's setup is noise, small enough that both
/// cores stay busy to the end.
pub(super) const ROWS_PER_RUN: usize = 1 << 16;

/// Decodes rows of a child table: `rows(df, owners, base, lists, emails)` decodes the rows
/// of a frame (or a slice of it) whose tickets are `owners` (indexes into `lists`, one per
/// row); `base` is the first row's number in the whole table, for messages. People keep
/// the address JIRA sent only when `emails`: a report that knows every address from the
/// snapshot's `people.parquet` reads none of theirs, and most are a heap copy each.
pub(super) type Rows<T> = fn(&DataFrame, &[usize], usize, &mut [Vec<T>], bool) -> Result<()>;

/// One child table's rows as a list per ticket, in runs of about `run_rows` rows (the
/// caller passes [`ROWS_PER_RUN`]; tests cut tiny tables finer).
///
/// A stored snapshot keeps each ticket's rows together, in the tickets table's order; then
/// runs of whole tickets are decoded on every core straight into their final lists. Rows in
/// any other order are decoded in one pass, with the same result.
fn per_ticket<T: Send>(
    df: &DataFrame,
    index: &TicketIndex,
    run_rows: usize,
    emails: bool,
    rows: Rows<T>,
) -> Result<PerTicket<T>> {
    // Every column is found and type-checked first, even for a table without rows, so a
    // damaged table is reported by its columns before its rows.
    rows(&df.slice(0, 0), &[], 0, &mut [], emails)?;
    let owners = owners(df, index, 0, run_rows)?;
    let tickets = index.len();
    if !owners.is_sorted() {
        let mut lists = sized(&owners, tickets);
        rows(df, &owners, 0, &mut lists, emails)?;
        return Ok(lists);
    }
    let mut out: PerTicket<T> = Vec::with_capacity(tickets);
    for (first, lists) in sorted_runs(df, &owners, 0, run_rows, emails, rows)? {
        out.resize_with(first, Vec::new);
        out.extend(lists);
    }
    out.resize_with(tickets, Vec::new);
    Ok(out)
}

/// The rows of `part`, rows `base..` of a child table whose rows are grouped by ticket in
/// the tickets table's order, as `(first, lists)`: the lists of the tickets `first..` up
/// to the last ticket the part has rows of (tickets without rows get empty lists).
/// `None` for a part without rows. Rows out of that order are an error naming the row.
/// `owners` are the part's [`owners`] when the caller found them already.
pub(super) fn span<T: Send>(
    part: &DataFrame,
    index: &TicketIndex,
    owners: Option<Vec<usize>>,
    base: usize,
    emails: bool,
    rows: Rows<T>,
) -> Result<Option<(usize, PerTicket<T>)>> {
    rows(&part.slice(0, 0), &[], base, &mut [], emails)?;
    let owners = match owners {
        Some(owners) => owners,
        None => self::owners(part, index, base, ROWS_PER_RUN)?,
    };
    if let Some(at) = owners.windows(2).position(|w| w[1] < w[0]) {
        bail!(
            "row {}: its ticket comes before the ticket of the row above in the tickets \
             table; rows must be grouped by ticket in the tickets table's order",
            base + at + 2
        );
    }
    let Some(&first) = owners.first() else {
        return Ok(None);
    };
    let mut out: PerTicket<T> = Vec::with_capacity(owners[owners.len() - 1] - first + 1);
    for (start, lists) in sorted_runs(part, &owners, base, ROWS_PER_RUN, emails, rows)? {
        out.resize_with(start - first, Vec::new);
        out.extend(lists);
    }
    Ok(Some((first, out)))
}

/// The rows of `df` (rows `base..` of their table), whose `owners` are sorted, decoded in
/// runs of whole tickets on every core: per run, its first ticket and the lists of its
/// tickets, in row order.
fn sorted_runs<T: Send>(
    df: &DataFrame,
    owners: &[usize],
    base: usize,
    run_rows: usize,
    emails: bool,
    rows: Rows<T>,
) -> Result<Vec<(usize, PerTicket<T>)>> {
    let runs = ticket_runs(owners, run_rows);
    let decoded: Vec<Result<(usize, PerTicket<T>)>> = runs
        .par_iter()
        .map(|&(start, end)| {
            let first = owners[start];
            let local: Vec<usize> = owners[start..end].iter().map(|o| o - first).collect();
            let mut lists = sized(&local, owners[end - 1] - first + 1);
            rows(
                &df.slice(start as i64, end - start),
                &local,
                base + start,
                &mut lists,
                emails,
            )?;
            Ok((first, lists))
        })
        .collect();
    // The first failing run in row order is the one reported.
    decoded.into_iter().collect()
}

/// Row ranges of about `size` rows over `owners` (sorted), each cut where a ticket starts.
fn ticket_runs(owners: &[usize], size: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < owners.len() {
        let mut end = (start + size).min(owners.len());
        while end < owners.len() && owners[end] == owners[end - 1] {
            end += 1;
        }
        runs.push((start, end));
        start = end;
    }
    runs
}

/// The ticket (row in the `tickets` table) each child row belongs to, looked up in runs of
/// rows on every core. Messages number the rows from `base + 1`.
pub(super) fn owners(
    df: &DataFrame,
    index: &TicketIndex,
    base: usize,
    run_rows: usize,
) -> Result<Vec<usize>> {
    let ids = column(df, "ticket_id")?
        .str()
        .map_err(|_| anyhow!("column `ticket_id` is not text"))?;
    let height = df.height();
    let runs: Vec<Result<Vec<usize>>> = (0..height.div_ceil(run_rows))
        .into_par_iter()
        .map(|run| {
            let start = run * run_rows;
            let len = run_rows.min(height - start);
            let slice = ids.slice(start as i64, len);
            let mut cells = Cells::new(&slice);
            // A ticket's rows are stored together, in the tickets table's order: the
            // previous row's ticket is looked up again only when the id changes, and then
            // first among the tickets after it.
            let mut last: Option<(&str, usize)> = None;
            (start..start + len)
                .map(|row| {
                    let id = need(cells.next(), "ticket_id", base + row)?;
                    if let Some((last_id, owner)) = last
                        && last_id == id
                    {
                        return Ok(owner);
                    }
                    let found = match last {
                        Some((_, owner)) => index.get_from(id, owner + 1),
                        None => index.get(id),
                    };
                    let owner = found.ok_or_else(|| {
                        anyhow!(
                            "row {}: ticket_id {id} is not in the tickets table",
                            base + row + 1
                        )
                    })?;
                    last = Some((id, owner));
                    Ok(owner)
                })
                .collect()
        })
        .collect();
    let mut owners = Vec::with_capacity(height);
    for run in runs {
        owners.extend(run?);
    }
    Ok(owners)
}

/// One empty list per ticket, each sized exactly for its rows: doubling growth would waste
/// up to half of every list across a large snapshot.
fn sized<T>(owners: &[usize], tickets: usize) -> PerTicket<T> {
    let mut counts = vec![0usize; tickets];
    for &owner in owners {
        counts[owner] += 1;
    }
    counts.into_iter().map(Vec::with_capacity).collect()
}

/// The inverse of `join`: an empty cell is an empty list.
fn split(joined: &str, sep: &str) -> Vec<String> {
    if joined.is_empty() {
        Vec::new()
    } else {
        joined.split(sep).map(str::to_owned).collect()
    }
}
