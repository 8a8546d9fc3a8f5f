//! Completing the issues of a search page: every embedded list whose `total` exceeds what
//! arrived (comments, worklogs, changelog histories) is read in full and put back in place
//! of the embedded one, then the issue is parsed by the same `parse_issue` that reads files.
//!
//! On Cloud the page's short changelogs come first, in bulk (see `super::bulk`); whatever is
//! still short after that (comments, worklogs, and on Server/DC changelogs too) is paged per
//! issue, issues concurrently, and the tickets come out in the page's order so the caller
//! can commit a prefix of the search.

use std::collections::HashSet;

use anyhow::Result;
use futures::{Stream, StreamExt, stream};
use serde_json::{Value, json};

use super::ITEM_PAGE;
use crate::error::Failure;
use crate::jira::client::Client;
use crate::jira::parse_issue;
use crate::model::Ticket;
use crate::settings::Flavor;

/// One embedded list and the endpoint that pages through all of it.
struct List {
    /// JSON pointer of the envelope inside the issue.
    pointer: &'static str,
    /// Key of the list inside the embedded envelope.
    embedded: &'static str,
    /// Last path segment of the per-issue endpoint.
    endpoint: &'static str,
    /// Keys the endpoint's pages use for the list, tried in order.
    paged: &'static [&'static str],
}

const LISTS: [List; 3] = [
    List {
        pointer: "/fields/comment",
        embedded: "comments",
        endpoint: "comment",
        paged: &["comments"],
    },
    List {
        pointer: "/fields/worklog",
        embedded: "worklogs",
        endpoint: "worklog",
        paged: &["worklogs"],
    },
    List {
        pointer: "/changelog",
        embedded: "histories",
        endpoint: "changelog",
        paged: &["values", "histories"],
    },
];

/// On Cloud, replaces the short embedded changelogs of `issues` with the whole ones, read
/// in bulk. A changelog still short afterwards is paged per issue by [`complete_page`].
pub async fn bulk_changelogs(client: &Client, issues: &mut [Option<Value>]) -> Result<()> {
    if client.flavor() != Flavor::Cloud {
        return Ok(());
    }
    let short: Vec<String> = issues
        .iter()
        .flatten()
        .filter(|i| is_truncated(i.pointer("/changelog"), "histories"))
        .filter_map(|i| plain_id(i).ok().flatten())
        .collect();
    if short.is_empty() {
        return Ok(());
    }
    let Some(mut found) = super::bulk::changelogs(client, &short).await? else {
        // No bulk endpoint on this site: `complete_page` pages each changelog instead.
        return Ok(());
    };
    for issue in issues.iter_mut().flatten() {
        let Ok(Some(id)) = plain_id(issue) else {
            continue;
        };
        let Some(histories) = found.remove(&id) else {
            continue;
        };
        if let Some(slot) = issue.pointer_mut("/changelog") {
            let total = slot.get("total").and_then(Value::as_u64).unwrap_or(0);
            *slot = json!({
                "startAt": 0,
                "maxResults": histories.len(),
                "total": total.max(histories.len() as u64),
                "histories": histories,
            });
        }
    }
    Ok(())
}

/// What became of one issue of a search page.
pub enum Completed {
    /// Read whole, with a warning per list still short.
    Ticket(Box<Ticket>, Vec<String>),
    /// Nothing to do: the stored copy is current.
    Unchanged,
    /// JIRA answered 404 while reading its lists: deleted (or hidden) since the search.
    Gone(String),
}

/// Completes and parses every issue of one page (`None`: nothing to do, passed through),
/// with up to `width` issues under way at once (the client's flow control decides how many
/// requests are really in flight). The results come in the page's order.
pub fn complete_page<'a>(
    client: &'a Client,
    issues: Vec<Option<Value>>,
    width: usize,
    severity_field: &'a str,
) -> impl Stream<Item = Result<Completed>> + 'a {
    stream::iter(issues)
        .map(move |issue| async move {
            match issue {
                Some(issue) => complete_issue(client, issue, severity_field).await,
                None => Ok(Completed::Unchanged),
            }
        })
        .buffered(width.max(1))
}

/// The issue's id when it is a plain JIRA id (digits, or a key's letters, digits, `-` and
/// `_`), fit to go into a request path; `None` when it has none. Anything else is refused,
/// so an id from the network can never reshape a URL.
fn plain_id(issue: &Value) -> Result<Option<String>> {
    let id = match issue.get("id") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Ok(None),
    };
    let plain = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if plain {
        Ok(Some(id))
    } else {
        let shown: String = id.chars().take(40).collect();
        Err(Failure::input(format!(
            "JIRA sent an issue whose id {shown:?} is not a plain JIRA id; check the JIRA URL \
             points at JIRA itself"
        ))
        .into())
    }
}

/// Fills in every truncated list of `issue`, then parses it.
async fn complete_issue(
    client: &Client,
    mut issue: Value,
    severity_field: &str,
) -> Result<Completed> {
    let id = plain_id(&issue)?.unwrap_or_default();
    for list in &LISTS {
        if id.is_empty() || !is_truncated(issue.pointer(list.pointer), list.embedded) {
            continue;
        }
        let path = format!("{}/issue/{id}/{}", client.api(), list.endpoint);
        let Some((items, total)) = fetch_all(client, &path, list.paged).await? else {
            let key = issue.get("key").and_then(Value::as_str).unwrap_or(&id);
            return Ok(Completed::Gone(crate::error::cut(key, 40).into_owned()));
        };
        if let Some(slot) = issue.pointer_mut(list.pointer) {
            *slot = json!({
                "startAt": 0,
                "maxResults": items.len(),
                "total": total.max(items.len() as u64),
                list.embedded: items,
            });
        }
    }
    let ticket = parse_issue(&issue, severity_field).map_err(|e| {
        Failure::input(format!(
            "JIRA sent {e}; check the issue in JIRA, or leave it out of the JQL"
        ))
    })?;
    let warnings = ticket
        .truncated
        .iter()
        .map(|note| {
            format!(
                "{}: JIRA listed fewer items than it counted ({note}); kept as truncated, \
                 the next export reads it again if it changes",
                crate::error::cut(&ticket.key, 80)
            )
        })
        .collect();
    Ok(Completed::Ticket(Box::new(ticket), warnings))
}

/// True when an embedded envelope's `total` exceeds the items it holds.
fn is_truncated(envelope: Option<&Value>, list: &str) -> bool {
    let Some(env) = envelope else {
        return false;
    };
    let held = env.get(list).and_then(Value::as_array).map_or(0, Vec::len) as u64;
    env.get("total")
        .and_then(Value::as_u64)
        .is_some_and(|t| t > held)
}

/// Every item of a per-issue list endpoint, paged by `startAt`, de-duplicated by id (a
/// comment added while paging shifts offsets), plus the last `total` JIRA reported; `None`
/// when a page is HTTP 404 (the issue is gone).
async fn fetch_all(
    client: &Client,
    path: &str,
    keys: &[&str],
) -> Result<Option<(Vec<Value>, u64)>> {
    let mut items = Vec::new();
    let mut ids = HashSet::new();
    let mut start = 0u64;
    let mut total;
    loop {
        let query = [
            ("startAt", start.to_string()),
            ("maxResults", ITEM_PAGE.to_string()),
        ];
        let holds_list = |page: &Value| {
            let found = keys
                .iter()
                .any(|k| page.get(*k).is_some_and(Value::is_array));
            found.then_some(()).ok_or_else(|| {
                format!(
                    "an answer that holds no \"{}\" list (check the flavor setting: cloud or \
                     server)",
                    keys[0]
                )
            })
        };
        let Some(page) = client.get_if_found(path, &query, &holds_list).await? else {
            return Ok(None);
        };
        let Some(list) = keys
            .iter()
            .find_map(|k| page.get(*k).and_then(Value::as_array))
        else {
            return Err(Failure::jira(format!(
                "GET {}: the answer holds no \"{}\" list; check the flavor setting (cloud or server)",
                client.url(path, &query),
                keys[0]
            ))
            .into());
        };
        total = page.get("total").and_then(Value::as_u64);
        let mut fresh = 0;
        for item in list {
            // An item without an id (refused later by the parser) is known by its text, so
            // a server repeating it still ends the paging.
            let key = item
                .get("id")
                .map_or_else(|| item.to_string(), Value::to_string);
            if ids.insert(key) {
                items.push(item.clone());
                fresh += 1;
            }
        }
        start += list.len() as u64;
        let is_last = page.get("isLast").and_then(Value::as_bool) == Some(true);
        // An empty or all-repeated page ends paging: a server ignoring `startAt` must not
        // loop forever.
        if list.is_empty() || fresh == 0 || is_last || total.is_some_and(|t| start >= t) {
            break;
        }
    }
    let total = total.unwrap_or(items.len() as u64);
    Ok(Some((items, total)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_is_total_above_held() {
        let env = json!({"total": 3, "comments": [{}, {}]});
        assert!(is_truncated(Some(&env), "comments"));
        let env = json!({"total": 2, "comments": [{}, {}]});
        assert!(!is_truncated(Some(&env), "comments"));
        let env = json!({"comments": [{}]});
        assert!(!is_truncated(Some(&env), "comments"));
        assert!(!is_truncated(None, "comments"));
        let env = json!({"total": 1, "histories": null});
        assert!(is_truncated(Some(&env), "histories"));
    }

    #[test]
    fn only_plain_ids_go_into_request_paths() {
        let id = |v: Value| plain_id(&json!({ "id": v }));
        assert_eq!(id(json!("10042")).unwrap().as_deref(), Some("10042"));
        assert_eq!(id(json!(10042)).unwrap().as_deref(), Some("10042"));
        assert_eq!(id(json!("SUP-7")).unwrap().as_deref(), Some("SUP-7"));
        assert_eq!(plain_id(&json!({})).unwrap(), None);
        for bad in [
            "",
            "1/../myself",
            "1?x=2",
            "1%2F",
            "a b",
            "..",
            &"9".repeat(65),
        ] {
            let err = id(json!(bad)).unwrap_err();
            assert_eq!(crate::error::exit_code(&err), 3, "{bad:?}");
        }
    }
}
