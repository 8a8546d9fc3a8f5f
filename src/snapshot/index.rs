//! Two side files of our own, written with the four tables and described in `snapshot.json`
//! like them: `index.parquet` (one row per ticket, in the tickets table's order: when it
//! last recorded anything, its last status, and what `data_quality.csv` could say of it)
//! and `people.parquet` (who is who across the whole snapshot: display names, app
//! accounts, when each person was first an assignee, the latest address JIRA sent). A report
//! reads them to leave out the tickets its window cannot see (`prune`) and still know
//! everything those tickets say about people. They are not SPEC §6 tables; `query` does
//! not show them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use anyhow::{Result, bail};
use polars::prelude::*;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cells::{bools, data_times, need, opt_ts, strs, times};
use super::encode::{millis, opt_time, text};
use crate::metrics::people::Seen;
use crate::model::{Short, Ticket, Ts};
use crate::timeline::Timeline;

/// The version of the rules below; an index of another version is not used.
pub(super) const VERSION: u32 = 1;

/// Joins the lists of a cell. A value holding it, or an empty value, cannot be stored:
/// its ticket is `odd`.
const SEP: char = '\u{1f}';

/// What `snapshot.json` says of the index: its version and the severity field the
/// timelines followed (`[types] severity_field` of the run that wrote it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct IndexInfo {
    pub version: u32,
    pub severity_field: String,
}

/// One ticket's row of `index.parquet`.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entry {
    pub ticket_id: String,
    /// The latest instant the ticket records: created, updated, and every change, comment
    /// (created, updated) and worklog (started, created, updated).
    pub last_event: Option<Ts>,
    /// The status after the last change of its timeline (the status now, by its history).
    pub final_status: String,
    /// Every status its timeline held.
    pub statuses: Vec<String>,
    /// Every severity its timeline held, following the index's severity field.
    pub severities: Vec<String>,
    /// True when `data_quality.csv` lists it whatever the settings (no creation time,
    /// truncated, an event dated before its creation, a worklog without time) or a value
    /// cannot be stored in a list cell: such a ticket is always read.
    pub odd: bool,
    /// Authors of its comments and worklogs other than its reporter.
    pub authors: Vec<String>,
}

/// `people.parquet` read back: what every ticket of the snapshot says about people.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PeopleIndex {
    /// Display names and app accounts, as `People` sees them over all tickets.
    pub seen: Seen,
    /// Person id → the earliest instant they were a ticket's assignee by a timeline
    /// (`Ts::MIN_UTC` when assignee at a ticket's creation).
    pub assignee_since: BTreeMap<String, Ts>,
    /// Person id → the latest address JIRA sent (as `delivery::jira_addresses` finds it).
    pub addresses: BTreeMap<String, String>,
}

/// The index and people frames of tickets in stored order, or `None` when an instant
/// finer than a millisecond would read back differently (the tables keep milliseconds).
pub(super) fn frames(
    sorted: &[&Ticket],
    severity_field: &str,
) -> Option<PolarsResult<(DataFrame, DataFrame)>> {
    if sorted.par_iter().any(|t| has_sub_ms(t)) {
        return None;
    }
    // Each ticket's row on every core; who is who over all tickets, and the addresses (one
    // pass in ticket order), beside it.
    let ((rows, seen), addresses) = rayon::join(
        || {
            rayon::join(
                || -> Vec<(Entry, Vec<(Short, Ts)>)> {
                    sorted
                        .par_iter()
                        .with_min_len(256)
                        .map(|t| entry(t, severity_field))
                        .collect()
                },
                || Seen::of(sorted),
            )
        },
        || crate::delivery::jira_addresses(sorted),
    );
    // The earliest assignment of each person: a minimum, so the runs join in any order.
    let since: HashMap<&str, Ts> = rows
        .par_iter()
        .with_min_len(256)
        .fold(HashMap::new, |mut since, (_, assigned)| {
            for (id, at) in assigned {
                earliest(&mut since, id.as_str(), *at);
            }
            since
        })
        .reduce(HashMap::new, |mut a, b| {
            for (id, at) in b {
                earliest(&mut a, id, at);
            }
            a
        });
    let people = PeopleIndex {
        seen,
        assignee_since: since
            .into_iter()
            .map(|(id, at)| (id.to_string(), at))
            .collect(),
        addresses,
    };
    let entries: Vec<Entry> = rows.into_iter().map(|(e, _)| e).collect();
    Some(index_frame(&entries).and_then(|i| Ok((i, people_frame(&people)?))))
}

/// Keeps the earlier of `at` and the instant kept for `id`.
fn earliest<'a>(since: &mut HashMap<&'a str, Ts>, id: &'a str, at: Ts) {
    since
        .entry(id)
        .and_modify(|s| *s = (*s).min(at))
        .or_insert(at);
}

/// True when some instant of `t` has a part of a millisecond.
fn has_sub_ms(t: &Ticket) -> bool {
    let fine = |ts: &Ts| !ts.timestamp_subsec_nanos().is_multiple_of(1_000_000);
    t.created.iter().chain(&t.updated).any(fine)
        || t.comments
            .iter()
            .any(|c| fine(&c.created) || fine(&c.updated))
        || t.worklogs
            .iter()
            .any(|w| fine(&w.started) || fine(&w.created) || fine(&w.updated))
        || t.changes.iter().any(|c| fine(&c.at))
}

/// One ticket's row, and the (assignee id, instant) pairs of its whole timeline.
fn entry(t: &Ticket, severity_field: &str) -> (Entry, Vec<(Short, Ts)>) {
    let tl = Timeline::build(t, severity_field, Ts::MAX_UTC);
    let distinct = |values: Vec<&str>| -> Vec<String> {
        let set: BTreeSet<&str> = values.into_iter().collect();
        set.into_iter().map(str::to_string).collect()
    };
    let statuses = distinct(tl.status.values().map(|s| s.as_str()).collect());
    let severities = distinct(tl.severity.values().flatten().map(|s| s.as_str()).collect());
    let reporter = t.reporter.as_ref().map(|p| p.id.as_str());
    let authors = distinct(
        t.comments
            .iter()
            .filter_map(|c| c.author.as_ref())
            .chain(t.worklogs.iter().filter_map(|w| w.author.as_ref()))
            .map(|a| a.id.as_str())
            .filter(|id| Some(*id) != reporter)
            .collect(),
    );
    let final_status = tl
        .status
        .changes
        .last()
        .map_or(&tl.status.initial, |(_, s)| s)
        .to_string();
    let instants: Vec<Ts> = t
        .created
        .iter()
        .chain(&t.updated)
        .copied()
        .chain(t.changes.iter().map(|c| c.at))
        .chain(t.comments.iter().flat_map(|c| [c.created, c.updated]))
        .chain(
            t.worklogs
                .iter()
                .flat_map(|w| [w.started, w.created, w.updated]),
        )
        .collect();
    // Every problem data_quality.csv finds without the settings or the people, and then
    // some: anything dated before creation, not only the instants it checks.
    let unstorable = statuses
        .iter()
        .chain(&severities)
        .chain(&authors)
        .any(|v| v.is_empty() || v.contains(SEP));
    let odd = unstorable
        || !t.truncated.is_empty()
        || t.worklogs.iter().any(|w| w.seconds <= 0)
        || match t.created {
            None => true,
            Some(created) => instants.iter().any(|at| *at < created),
        };
    let mut assigned: Vec<(Short, Ts)> = Vec::new();
    if let Some(a) = &tl.assignee.initial {
        assigned.push((a.id.clone(), Ts::MIN_UTC));
    }
    for (at, a) in &tl.assignee.changes {
        if let Some(a) = a {
            assigned.push((a.id.clone(), *at));
        }
    }
    let entry = Entry {
        ticket_id: t.id.clone(),
        last_event: instants.into_iter().max(),
        final_status,
        statuses,
        severities,
        odd,
        authors,
    };
    (entry, assigned)
}

fn joined(values: &[String]) -> String {
    let mut out = String::new();
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(SEP);
        }
        out.push_str(v);
    }
    out
}

fn index_frame(entries: &[Entry]) -> PolarsResult<DataFrame> {
    let columns = vec![
        text(
            "ticket_id",
            entries.iter().map(|e| e.ticket_id.as_str()).collect(),
        ),
        opt_time(
            "last_event",
            entries.iter().map(|e| e.last_event.map(millis)).collect(),
        ),
        text(
            "final_status",
            entries.iter().map(|e| e.final_status.as_str()).collect(),
        ),
        text(
            "statuses",
            entries.iter().map(|e| joined(&e.statuses)).collect(),
        ),
        text(
            "severities",
            entries.iter().map(|e| joined(&e.severities)).collect(),
        ),
        Column::new(
            "odd".into(),
            entries.iter().map(|e| e.odd).collect::<Vec<_>>(),
        ),
        text(
            "authors",
            entries.iter().map(|e| joined(&e.authors)).collect(),
        ),
    ];
    DataFrame::new(entries.len(), columns)
}

fn people_frame(people: &PeopleIndex) -> PolarsResult<DataFrame> {
    let ids: BTreeSet<&str> = people
        .seen
        .names
        .keys()
        .chain(&people.seen.bots)
        .chain(people.assignee_since.keys())
        .chain(people.addresses.keys())
        .map(String::as_str)
        .collect();
    let name = |id: &str| people.seen.names.get(id);
    let columns = vec![
        text("id", ids.iter().copied().collect()),
        text(
            "name",
            ids.iter()
                .map(|id| name(id).map(|(_, n)| n.as_str()))
                .collect::<Vec<_>>(),
        ),
        opt_time(
            "name_at",
            ids.iter()
                .map(|id| name(id).map(|(at, _)| millis(*at)))
                .collect(),
        ),
        Column::new(
            "app".into(),
            ids.iter()
                .map(|id| people.seen.bots.contains(*id))
                .collect::<Vec<_>>(),
        ),
        opt_time(
            "assignee_since",
            ids.iter()
                .map(|id| people.assignee_since.get(*id).map(|t| millis(*t)))
                .collect(),
        ),
        text(
            "email",
            ids.iter()
                .map(|id| people.addresses.get(*id).map(String::as_str))
                .collect::<Vec<_>>(),
        ),
    ];
    DataFrame::new(ids.len(), columns)
}

/// One row of `index.parquet` as read back, borrowed from the frame; the lists are their
/// joined cells.
pub(super) struct Row<'a> {
    pub ticket_id: &'a str,
    pub last_event: Option<Ts>,
    pub final_status: &'a str,
    statuses: &'a str,
    severities: &'a str,
    pub odd: bool,
    authors: &'a str,
}

impl<'a> Row<'a> {
    pub fn statuses(&self) -> impl Iterator<Item = &'a str> {
        items(self.statuses)
    }

    pub fn severities(&self) -> impl Iterator<Item = &'a str> {
        items(self.severities)
    }

    pub fn authors(&self) -> impl Iterator<Item = &'a str> {
        items(self.authors)
    }
}

/// The items of a joined cell.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(SEP).filter(|_| !cell.is_empty())
}

/// Calls `visit` with each row of `index.parquet` (or a slice of it) and its position.
pub(super) fn rows<'a>(
    df: &'a DataFrame,
    mut visit: impl FnMut(usize, Row<'a>) -> Result<()>,
) -> Result<()> {
    let mut ticket_id = strs(df, "ticket_id")?;
    // The latest instant of a ticket's own data: held to the years the data is.
    let mut last_event = data_times(df, "last_event")?;
    let mut final_status = strs(df, "final_status")?;
    let mut statuses = strs(df, "statuses")?;
    let mut severities = strs(df, "severities")?;
    let mut odd = bools(df, "odd")?;
    let mut authors = strs(df, "authors")?;
    for row in 0..df.height() {
        visit(
            row,
            Row {
                ticket_id: need(ticket_id.next(), "ticket_id", row)?,
                last_event: opt_ts(last_event.next(), "last_event", row)?,
                final_status: need(final_status.next(), "final_status", row)?,
                statuses: need(statuses.next(), "statuses", row)?,
                severities: need(severities.next(), "severities", row)?,
                odd: need(odd.next(), "odd", row)?,
                authors: need(authors.next(), "authors", row)?,
            },
        )?;
    }
    Ok(())
}

/// `people.parquet` read back.
pub(super) fn people(df: &DataFrame) -> Result<PeopleIndex> {
    let mut id = strs(df, "id")?;
    let mut name = strs(df, "name")?;
    let mut name_at = times(df, "name_at")?;
    let mut app = bools(df, "app")?;
    let mut since = times(df, "assignee_since")?;
    let mut email = strs(df, "email")?;
    let mut out = PeopleIndex::default();
    for row in 0..df.height() {
        let id = need(id.next(), "id", row)?.to_string();
        let name = name.next().flatten();
        let name_at = opt_ts(name_at.next(), "name_at", row)?;
        match (name, name_at) {
            (Some(n), Some(at)) => {
                out.seen.names.insert(id.clone(), (at, n.to_string()));
            }
            (None, None) => {}
            _ => bail!("row {}: `name` and `name_at` disagree", row + 1),
        }
        if need(app.next(), "app", row)? {
            out.seen.bots.insert(id.clone());
        }
        if let Some(at) = opt_ts(since.next(), "assignee_since", row)? {
            out.assignee_since.insert(id.clone(), at);
        }
        if let Some(e) = email.next().flatten() {
            out.addresses.insert(id, e.to_string());
        }
    }
    Ok(out)
}
