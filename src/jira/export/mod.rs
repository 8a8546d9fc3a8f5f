//! JIRA REST to tickets: the search passes, per-issue completion and the checks that make
//! an export neither lose nor duplicate a ticket. `crate::cmd::export` owns the snapshot
//! side (lock, resume point, merge); `super::client` owns HTTP.
//!
//! A pass pages through the search (see `search`) and completes each page's issues
//! concurrently (see `complete`, and `bulk` for Cloud's changelogs). Each complete ticket
//! goes to the caller's sink in the search's order together with the resume point: the
//! `updated` bound from which a later run can continue, since everything before it in that
//! order has reached the sink. The caller commits tickets to the snapshot as they come. A
//! ticket the caller already holds whole with the same `updated` is passed on as
//! unchanged, without a request of its own.
//!
//! A ticket seen twice within one pass means the result set moved under the offsets (it was updated while the export ran, so `ORDER BY updated` moved it to the
//! end, and the ticket that followed its old place may have been skipped); Server/DC's
//! `total` dropping means the same. Either way another pass runs, narrowed to tickets
//! updated since the moved ticket's earlier `updated` (everything before it kept its
//! place). After [`MAX_PASSES`] unsettled passes the export is reported as not settled,
//! and the caller keeps the previous resume point so the next run reads the window again.
//! Once a pass has seen a ticket move, its resume point stays where the narrowed pass
//! will start, so a run stopped midway cannot skip the ticket the move shifted.

mod bulk;
mod complete;
mod jql;
mod search;

use std::collections::HashMap;

use anyhow::Result;
use chrono::Duration;
use chrono_tz::Tz;
use futures::StreamExt;
use serde_json::Value;

use super::client::Client;
use crate::model::{Ticket, Ts, parse_ts};
pub use jql::{ORDER, check_jql, jql_time, search_jql, strip_order_by};

/// Issues asked for per search page.
const SEARCH_PAGE: u32 = 100;
/// Comments, worklogs or histories asked for per per-issue page.
const ITEM_PAGE: u32 = 100;
/// Search passes before an export that keeps moving is given up as not settled.
pub const MAX_PASSES: u32 = 4;

/// What to export.
#[derive(Debug, Clone)]
pub struct Query {
    /// The user's JQL (a trailing ORDER BY is replaced).
    pub jql: String,
    /// Only tickets updated at or after this instant (the resume point minus the overlap);
    /// `None` reads every ticket the JQL selects.
    pub since: Option<Ts>,
    /// `[types] severity_field`, requested with the other fields.
    pub severity_field: String,
    /// Issues completed side by side (requests in flight are the client's to limit).
    pub concurrency: usize,
    /// Tickets the caller holds whole, by id, with their `updated`: the search returning
    /// one with that same `updated` needs no request to complete it.
    pub known: HashMap<String, Ts>,
}

/// One ticket of the search, as the sink receives it.
#[derive(Debug)]
pub enum Read {
    /// Read and completed.
    Ticket(Box<Ticket>),
    /// Listed with the `updated` of the caller's whole copy (see [`Query::known`]).
    Unchanged(String),
    /// The last ticket of a search page came before this: a natural point to commit.
    PageEnd,
}

/// Receives each ticket, in the search's order, with the point a later run can continue
/// from (`updated >=` it; `None`: from the beginning of the JQL).
pub type Sink<'a> = dyn FnMut(Read, Option<Ts>) -> Result<()> + 'a;

/// The result of one export.
#[derive(Debug, Clone)]
pub struct Export {
    /// Tickets handed to the sink, repeats included.
    pub read: usize,
    /// False when the result set kept moving for [`MAX_PASSES`] passes, so a ticket may
    /// have been skipped.
    pub settled: bool,
    /// Things worth telling the user that did not stop the export.
    pub warnings: Vec<String>,
    /// Search passes run.
    pub passes: u32,
}

/// The fields every search asks for: what `parse_issue` reads, plus the severity field.
pub fn search_fields(severity_field: &str) -> String {
    let mut fields = vec![
        "created",
        "updated",
        "issuetype",
        "status",
        "resolution",
        "labels",
        "assignee",
        "reporter",
        "comment",
        "worklog",
    ];
    if !severity_field.is_empty() && !fields.contains(&severity_field) {
        fields.push(severity_field);
    }
    fields.join(",")
}

/// Runs the export on a small runtime of its own; `progress` receives a line per page and
/// `sink` every complete ticket.
pub fn export(
    client: &Client,
    query: &Query,
    progress: &dyn Fn(&str),
    sink: &mut Sink<'_>,
) -> Result<Export> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the export's runtime: {e}"))?;
    runtime.block_on(run(client, query, progress, sink))
}

async fn run(
    client: &Client,
    query: &Query,
    progress: &dyn Fn(&str),
    sink: &mut Sink<'_>,
) -> Result<Export> {
    let mut warnings = Vec::new();
    let zone = account_zone(client, &mut warnings).await?;
    let fields = search_fields(&query.severity_field);
    let mut read = 0;
    let mut since = query.since;
    let mut settled = false;
    let mut passes = 0;
    let mut looped = false;
    while passes < MAX_PASSES && !settled {
        passes += 1;
        let jql = search_jql(&query.jql, since.map(|t| jql_time(t, zone)).as_deref());
        let mut pager = search::Pager::new(client, jql, fields.clone());
        // First `updated` seen for each ticket in this pass.
        let mut seen: HashMap<String, Option<Ts>> = HashMap::new();
        let mut moved_from: Option<Option<Ts>> = None;
        let mut resume = since;
        while let Some(mut issues) = pager.next_page().await? {
            let mut order = Vec::with_capacity(issues.len());
            let mut order_ids = Vec::with_capacity(issues.len());
            for issue in &issues {
                let (id, updated) = id_and_updated(issue);
                order.push(updated);
                order_ids.push(id.clone());
                match seen.get(&id) {
                    Some(first) => moved_from = Some(earliest(moved_from, *first)),
                    None => {
                        seen.insert(id, updated);
                    }
                }
            }
            if pager.shrank {
                moved_from = Some(None);
            }
            // Unchanged tickets stay `None`: nothing to fetch for them.
            let mut slots: Vec<Option<Value>> = issues
                .drain(..)
                .zip(&order)
                .map(|(issue, updated)| {
                    let id = id_and_updated(&issue).0;
                    let same = updated.is_some() && query.known.get(&id) == updated.as_ref();
                    (!same).then_some(issue)
                })
                .collect();
            complete::bulk_changelogs(client, &mut slots).await?;
            let mut done = std::pin::pin!(complete::complete_page(
                client,
                slots,
                query.concurrency,
                &query.severity_field,
            ));
            let mut at = 0;
            while let Some(ticket) = done.next().await {
                let ticket = match ticket? {
                    complete::Completed::Ticket(ticket, notes) => {
                        warnings.extend(notes);
                        Some(Read::Ticket(ticket))
                    }
                    complete::Completed::Unchanged => {
                        Some(Read::Unchanged(known_id(&order_ids, at)))
                    }
                    complete::Completed::Gone(key) => {
                        warnings.push(format!(
                            "{key}: JIRA answered HTTP 404 while reading it, so it was deleted \
                             (or hidden from the account) since the search listed it; skipped \
                             (the snapshot keeps any copy it had, and the next full export \
                             notes it as gone from JIRA)"
                        ));
                        None
                    }
                };
                resume = match moved_from {
                    // The narrowed pass starts there; so must a run continuing this one.
                    Some(from) => narrowed(query.since, from),
                    None => order[at].or(resume),
                };
                at += 1;
                if let Some(ticket) = ticket {
                    read += 1;
                    sink(ticket, resume)?;
                }
            }
            sink(Read::PageEnd, resume)?;
            progress(&format!("read {read} tickets"));
        }
        looped |= pager.looped;
        match moved_from {
            None => settled = true,
            Some(from) => {
                since = narrowed(query.since, from);
                progress("the results moved during the export; reading the moved part again");
            }
        }
    }
    if !settled && looped {
        warnings.push(format!(
            "JIRA's search kept serving pages holding only tickets it had already served in \
             the same pass (its paging is not moving forward), so each of the {MAX_PASSES} \
             passes stopped there and later tickets may have been missed; this export does \
             not count as complete, so the next one reads this window again"
        ));
    } else if !settled {
        warnings.push(format!(
            "tickets kept changing during all {MAX_PASSES} passes over the results, so one may \
             have been missed; the next export reads this window again"
        ));
    }
    Ok(Export {
        read,
        settled,
        warnings,
        passes,
    })
}

/// The id of the `at`-th issue of a page.
fn known_id(ids: &[String], at: usize) -> String {
    ids.get(at).cloned().unwrap_or_default()
}

/// Where a pass after a move starts: tickets updated before the moved one's old place kept
/// their offsets (`from`; `None`: the whole window moved).
fn narrowed(window: Option<Ts>, from: Option<Ts>) -> Option<Ts> {
    match (window, from) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, None) => a,
        (None, b) => b,
    }
}

/// `Some(None)` (re-read the whole window) wins over any instant; else the earlier instant.
fn earliest(current: Option<Option<Ts>>, candidate: Option<Ts>) -> Option<Ts> {
    match (current, candidate) {
        (Some(None), _) | (_, None) => None,
        (Some(Some(a)), Some(b)) => Some(a.min(b)),
        (None, b) => b,
    }
}

fn id_and_updated(issue: &Value) -> (String, Option<Ts>) {
    let id = match issue.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let updated = issue
        .pointer("/fields/updated")
        .and_then(Value::as_str)
        .and_then(parse_ts);
    (id, updated)
}

/// The zone JIRA reads JQL dates in: the account's `timeZone` from `/myself`. Unknown or
/// missing zones fall back to UTC with a warning (the overlap then has to cover the gap).
/// Asking first also checks the credentials before any real work.
async fn account_zone(client: &Client, warnings: &mut Vec<String>) -> Result<Tz> {
    // An answer naming no account is not JIRA's `/myself` (a proxy's `{}`): asked for
    // again rather than read as an account without a zone.
    let account = |me: &Value| {
        let named = ["accountId", "name", "key", "timeZone"]
            .iter()
            .any(|k| me.get(*k).is_some());
        named
            .then_some(())
            .ok_or_else(|| "an answer that names no account".to_string())
    };
    let me = client
        .get(&format!("{}/myself", client.api()), &[], &account)
        .await?;
    let zone = me.get("timeZone").and_then(Value::as_str);
    match zone.map(str::parse::<Tz>) {
        Some(Ok(tz)) => Ok(tz),
        _ => {
            warnings.push(format!(
                "JIRA did not say which time zone the account uses ({}); JQL dates are sent \
                 in UTC, so raise [jira] overlap above the account's offset from UTC",
                zone.map_or_else(|| "no timeZone".to_string(), crate::error::shown)
            ));
            Ok(chrono_tz::UTC)
        }
    }
}

/// The window start for an incremental export: `resume − overlap`.
pub fn window_start(resume: Ts, overlap_secs: i64) -> Ts {
    resume - Duration::seconds(overlap_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_include_the_severity_field_once() {
        assert_eq!(
            search_fields("customfield_10010"),
            "created,updated,issuetype,status,resolution,labels,assignee,reporter,comment,worklog,customfield_10010"
        );
        assert!(search_fields("labels").ends_with("worklog"));
    }

    #[test]
    fn a_whole_window_redo_beats_a_narrowed_one() {
        let t = parse_ts("2026-11-23T09:00:00Z");
        let u = parse_ts("2026-11-23T08:00:00Z");
        assert_eq!(earliest(None, t), t);
        assert_eq!(earliest(Some(t), u), u);
        assert_eq!(earliest(Some(None), t), None);
        assert_eq!(earliest(Some(t), None), None);
    }
}
