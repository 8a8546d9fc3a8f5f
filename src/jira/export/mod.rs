//! JIRA REST to tickets: the search passes, per-issue completion and the checks that make
//! an export neither lose nor duplicate a ticket. `crate::cmd::export` owns the snapshot
//! side (lock, resume point, merge); `super::client` owns HTTP.
//!
//! A pass pages through the search (see `search`) and completes each page's issues
//! concurrently (see `complete`). Tickets are kept by id, the copy with the latest
//! `updated` winning. A ticket seen twice within one pass means the result set moved under
//! the offsets (it was updated while the export ran, so `ORDER BY updated` moved it to the
//! end, and the ticket that followed its old place may have been skipped); Server/DC's
//! `total` dropping means the same. Either way another pass runs, narrowed to tickets
//! updated since the moved ticket's earlier `updated` (everything before it kept its
//! place). After [`MAX_PASSES`] unsettled passes the export is reported as not settled,
//! and the caller keeps the previous resume point so the next run reads the window again.

mod complete;
mod jql;
mod search;

use std::collections::HashMap;

use anyhow::Result;
use chrono::Duration;
use chrono_tz::Tz;
use serde_json::Value;

use super::client::Client;
use crate::model::{Ticket, Ts, parse_ts, sort_by_id};
pub use jql::{ORDER, jql_time, search_jql, strip_order_by};

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
    /// Per-issue requests in flight at once.
    pub concurrency: usize,
}

/// The result of one export.
#[derive(Debug, Clone)]
pub struct Export {
    /// Every ticket read, once each, sorted by id.
    pub tickets: Vec<Ticket>,
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

/// Runs the export on a small runtime of its own; `progress` receives a line per page.
pub fn export(client: &Client, query: &Query, progress: &dyn Fn(&str)) -> Result<Export> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| anyhow::anyhow!("cannot start the export's runtime: {e}"))?;
    runtime.block_on(run(client, query, progress))
}

async fn run(client: &Client, query: &Query, progress: &dyn Fn(&str)) -> Result<Export> {
    let mut warnings = Vec::new();
    let zone = account_zone(client, &mut warnings).await?;
    let fields = search_fields(&query.severity_field);
    let mut kept: HashMap<String, Ticket> = HashMap::new();
    let mut since = query.since;
    let mut settled = false;
    let mut passes = 0;
    while passes < MAX_PASSES && !settled {
        passes += 1;
        let jql = search_jql(&query.jql, since.map(|t| jql_time(t, zone)).as_deref());
        let mut pager = search::Pager::new(client, jql, fields.clone());
        // First `updated` seen for each ticket in this pass.
        let mut seen: HashMap<String, Option<Ts>> = HashMap::new();
        let mut moved_from: Option<Option<Ts>> = None;
        while let Some(issues) = pager.next_page().await? {
            for issue in &issues {
                let (id, updated) = id_and_updated(issue);
                match seen.get(&id) {
                    Some(first) => moved_from = Some(earliest(moved_from, *first)),
                    None => {
                        seen.insert(id, updated);
                    }
                }
            }
            let done =
                complete::complete_page(client, issues, query.concurrency, &query.severity_field)
                    .await?;
            for (ticket, notes) in done {
                warnings.extend(notes);
                offer(&mut kept, ticket);
            }
            progress(&format!("read {} tickets", kept.len()));
        }
        if pager.shrank {
            moved_from = Some(None);
        }
        match moved_from {
            None => settled = true,
            Some(from) => {
                // Tickets updated before the moved one's old place kept their offsets.
                since = match (query.since, from) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, None) => a,
                    (None, b) => b,
                };
                progress("the results moved during the export; reading the moved part again");
            }
        }
    }
    if !settled {
        warnings.push(format!(
            "tickets kept changing during all {MAX_PASSES} passes over the results, so one may \
             have been missed; the next export reads this window again"
        ));
    }
    let mut tickets: Vec<Ticket> = kept.into_values().collect();
    sort_by_id(&mut tickets);
    Ok(Export {
        tickets,
        settled,
        warnings,
        passes,
    })
}

/// Keeps the copy with the later `updated` (ties: the newer copy, read later).
fn offer(kept: &mut HashMap<String, Ticket>, ticket: Ticket) {
    match kept.get(&ticket.id) {
        Some(old) if old.updated > ticket.updated => {}
        _ => {
            kept.insert(ticket.id.clone(), ticket);
        }
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
    let me = client.get(&format!("{}/myself", client.api()), &[]).await?;
    let zone = me.get("timeZone").and_then(Value::as_str);
    match zone.map(str::parse::<Tz>) {
        Some(Ok(tz)) => Ok(tz),
        _ => {
            warnings.push(format!(
                "JIRA did not say which time zone the account uses ({}); JQL dates are sent \
                 in UTC, so raise [jira] overlap above the account's offset from UTC",
                zone.unwrap_or("no timeZone")
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
