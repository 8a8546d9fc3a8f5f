//! A large snapshot read a chunk of tickets at a time (issue 17): the tickets table is
//! held as columns, and each chunk's tickets are decoded whole — with their comments,
//! worklogs and changes — only when the measure stage asks for them, so the row objects
//! of one chunk are in memory at a time, never those of the whole snapshot.
//!
//! The child tables are read a part (a row group) at a time, in step with the chunks: a
//! stored snapshot keeps each ticket's child rows together, in the tickets table's order
//! (see `decode::span`), so the rows of a chunk's tickets are the next rows of each table.
//! Tickets must be stored sorted by id, as every snapshot supportlens writes is; a table
//! out of that order is reported as damaged.

use std::collections::VecDeque;

use anyhow::Result;
use polars::prelude::BooleanChunked;

use super::decode::{self, PerTicket, Rows, TicketIndex};
use super::read::Selected;
use super::store::Parts;
use crate::model::{Change, Comment, Ticket, Worklog, id_order};

/// The tickets of a [`Selected`] snapshot, a chunk at a time, in stored (id) order.
pub struct Chunks<'s> {
    selected: &'s Selected,
    /// Every ticket id of the tickets table → its row.
    all: TicketIndex<'s>,
    /// The next row of the tickets table to read.
    next: usize,
    comments: Child<Comment>,
    worklogs: Child<Worklog>,
    changes: Child<Change>,
    /// The id of the last ticket handed out, to check the stored order.
    last_id: Option<String>,
}

impl<'s> Chunks<'s> {
    pub(super) fn new(selected: &'s Selected) -> Result<Chunks<'s>> {
        let (all, _) =
            decode::ticket_ids(&selected.tickets).map_err(|e| selected.bad_rows("tickets", e))?;
        let child = |name: &'static str| -> Result<Parts> {
            Parts::open(&selected.dir, selected.entry(name)?, selected.part_rows)
                .map_err(|m| selected.unread(m))
        };
        Ok(Chunks {
            selected,
            all,
            next: 0,
            comments: Child::new("comments", child("comments")?, decode::comment_rows),
            worklogs: Child::new("worklogs", child("worklogs")?, decode::worklog_rows),
            changes: Child::new("changes", child("changes")?, decode::change_rows),
            last_id: None,
        })
    }

    /// The next chunk's tickets read whole (about `Selected::chunk` rows of the tickets
    /// table, less the tickets the window cannot see), or `None` after the last chunk.
    pub fn next_chunk(&mut self) -> Result<Option<Vec<Ticket>>> {
        let sel = self.selected;
        let height = sel.tickets.height();
        if self.next >= height {
            return Ok(None);
        }
        let (lo, hi) = (self.next, self.next.saturating_add(sel.chunk).min(height));
        self.next = hi;
        let keep = |row: usize| sel.keep.as_ref().is_none_or(|k| k[row]);
        let mut part = sel.tickets.slice(lo as i64, hi - lo);
        if let Some(k) = &sel.keep {
            let mask: BooleanChunked = k[lo..hi].iter().copied().collect();
            part = part
                .filter(&mask)
                .map_err(|e| sel.bad_rows("tickets", e.into()))?;
        }
        let index = &self.all;
        // The chunk's tickets and its three child tables are decoded side by side.
        let (tickets, (comments, (worklogs, changes))) = rayon::join(
            || decode::tickets(&part, sel.emails).map_err(|e| sel.bad_rows("tickets", e)),
            || {
                rayon::join(
                    || self.comments.take(index, lo, hi, sel),
                    || {
                        rayon::join(
                            || self.worklogs.take(index, lo, hi, sel),
                            || self.changes.take(index, lo, hi, sel),
                        )
                    },
                )
            },
        );
        let (mut out, _) = tickets?;
        drop(part);
        let (mut comments, mut worklogs, mut changes) = (comments?, worklogs?, changes?);
        let rows = (lo..hi).filter(|&row| keep(row));
        // The children are moved into the tickets where they are: a second vector of
        // tickets would be as many fresh pages again, and every ticket copied into it.
        for (ticket, row) in out.iter_mut().zip(rows) {
            ticket.comments = std::mem::take(&mut comments[row - lo]);
            ticket.worklogs = std::mem::take(&mut worklogs[row - lo]);
            ticket.changes = std::mem::take(&mut changes[row - lo]);
            if let Some((table, what)) = decode::repeated_child(ticket) {
                return Err(sel.damaged(&format!("{table}.parquet: {what}")));
            }
        }
        // Items refer to tickets by their place in the whole list, which must be id order,
        // as a whole read sorts them; the snapshot stores them so.
        let mut previous = self.last_id.as_deref();
        for t in &out {
            if let Some(p) = previous.filter(|p| id_order(p, &t.id).is_ge()) {
                return Err(sel.damaged(&format!(
                    "tickets.parquet is not sorted by ticket id ({} comes after {})",
                    crate::error::cut(&t.id, 40),
                    crate::error::cut(p, 40)
                )));
            }
            previous = Some(&t.id);
        }
        if let Some(t) = out.last() {
            self.last_id = Some(t.id.clone());
        }
        Ok(Some(out))
    }
}

/// One child table, read a part at a time, with the rows read but not yet handed out.
struct Child<T> {
    name: &'static str,
    parts: Parts,
    rows: Rows<T>,
    /// Decoded lists of tickets (rows of the tickets table) not yet handed out, in order.
    pending: VecDeque<(usize, Vec<T>)>,
    /// The last ticket any row read so far belongs to.
    last: Option<usize>,
    done: bool,
}

impl<T: Send> Child<T> {
    fn new(name: &'static str, parts: Parts, rows: Rows<T>) -> Child<T> {
        Child {
            name,
            parts,
            rows,
            pending: VecDeque::new(),
            last: None,
            done: false,
        }
    }

    /// The lists of the tickets in rows `lo..hi` of the tickets table (empty for tickets
    /// the window cannot see), reading parts until a row of a later ticket, or the end.
    fn take(
        &mut self,
        index: &TicketIndex,
        lo: usize,
        hi: usize,
        sel: &Selected,
    ) -> Result<PerTicket<T>> {
        let bad = |e: anyhow::Error| sel.bad_rows(self.name, e);
        while !self.done && self.last.is_none_or(|last| last < hi) {
            let Some((base, part)) = self.parts.next_part().map_err(|m| sel.unread(m))? else {
                self.done = true;
                break;
            };
            let (part, owners) = match &sel.keep {
                Some(keep) => {
                    let owners =
                        decode::owners(&part, index, base, decode::ROWS_PER_RUN).map_err(bad)?;
                    if owners.iter().all(|&o| keep[o]) {
                        // Nothing to leave out (every part of a report reading every
                        // ticket): the part is not copied.
                        (part, Some(owners))
                    } else {
                        let mask: BooleanChunked = owners.iter().map(|&o| keep[o]).collect();
                        let part = part.filter(&mask).map_err(|e| bad(e.into()))?;
                        let owners = owners.into_iter().filter(|&o| keep[o]).collect();
                        (part, Some(owners))
                    }
                }
                None => (part, None),
            };
            let Some((first, lists)) =
                decode::span(&part, index, owners, base, sel.emails, self.rows).map_err(bad)?
            else {
                continue;
            };
            if self.last.is_some_and(|last| first < last) {
                return Err(bad(anyhow::anyhow!(
                    "row {}: its ticket comes before the ticket of the row above in the \
                     tickets table; rows must be grouped by ticket in the tickets table's order",
                    base + 1
                )));
            }
            self.last = Some(first + lists.len() - 1);
            for (owner, list) in (first..).zip(lists) {
                if list.is_empty() {
                    continue;
                }
                match self.pending.back_mut() {
                    // A ticket whose rows straddle two parts.
                    Some((last, kept)) if *last == owner => kept.extend(list),
                    _ => self.pending.push_back((owner, list)),
                }
            }
        }
        let mut out: PerTicket<T> = Vec::with_capacity(hi - lo);
        out.resize_with(hi - lo, Vec::new);
        while let Some((owner, _)) = self.pending.front() {
            if *owner >= hi {
                break;
            }
            let (owner, list) = self.pending.pop_front().expect("a pending list");
            // Tickets before `lo` were handed out with an earlier chunk.
            if let Some(slot) = owner.checked_sub(lo).and_then(|i| out.get_mut(i)) {
                *slot = list;
            }
        }
        Ok(out)
    }
}
