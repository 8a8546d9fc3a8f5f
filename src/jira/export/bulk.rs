//! Cloud's bulk changelog read: `POST /rest/api/3/changelog/bulkfetch` with up to
//! [`BULK_ISSUES`] issue ids, paged by `nextPageToken`, instead of one request per issue.
//!
//! The answer is `{"issueChangeLogs": [{"issueId": "…", "changeHistories": [...]}],
//! "nextPageToken": "…"}`, histories oldest first across all the issues named, so one issue's
//! histories may continue on the next page. They are gathered per issue in the order they
//! arrive, each history once by id.

use std::collections::{HashMap, HashSet};

use anyhow::Result;
use serde_json::{Value, json};

use crate::error::Failure;
use crate::jira::client::Client;

/// Most issues one bulk request may name (Atlassian's limit).
pub const BULK_ISSUES: usize = 1000;
/// Histories asked for per page of the bulk read.
const BULK_PAGE: u32 = 1000;

/// Every changelog history of `ids`, by issue id, oldest first; `None` when this JIRA has
/// no bulk endpoint (the changelogs are then paged per issue).
pub async fn changelogs(
    client: &Client,
    ids: &[String],
) -> Result<Option<HashMap<String, Vec<Value>>>> {
    let path = format!("{}/changelog/bulkfetch", client.api());
    let mut out: HashMap<String, Vec<Value>> = HashMap::new();
    let mut seen: HashSet<(String, String)> = HashSet::new();
    for chunk in ids.chunks(BULK_ISSUES) {
        let mut token: Option<String> = None;
        let mut tokens = HashSet::new();
        loop {
            let mut body = json!({"issueIdsOrKeys": chunk, "maxResults": BULK_PAGE});
            if let Some(t) = &token {
                body["nextPageToken"] = json!(t);
            }
            let holds_logs = |page: &Value| match page.get("issueChangeLogs") {
                Some(Value::Array(_)) => Ok(()),
                _ => Err(
                    "an answer that holds no \"issueChangeLogs\" list (check the flavor \
                     setting: cloud or server)"
                        .to_string(),
                ),
            };
            let Some(page) = client.post(&path, &body, &holds_logs).await? else {
                return Ok(None);
            };
            let Some(logs) = page.get("issueChangeLogs").and_then(Value::as_array) else {
                return Err(Failure::jira(format!(
                    "POST {}: the answer holds no \"issueChangeLogs\" list; check the flavor \
                     setting (cloud or server)",
                    client.url(&path, &[])
                ))
                .into());
            };
            let mut fresh = 0;
            for log in logs {
                let issue = match log.get("issueId") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Number(n)) => n.to_string(),
                    _ => continue,
                };
                let histories = log.get("changeHistories").and_then(Value::as_array);
                for history in histories.into_iter().flatten() {
                    let id = history.get("id").map(Value::to_string).unwrap_or_default();
                    if seen.insert((issue.clone(), id)) {
                        out.entry(issue.clone()).or_default().push(history.clone());
                        fresh += 1;
                    }
                }
            }
            let next = page
                .get("nextPageToken")
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            // A repeated token or a page of nothing new ends paging: a server that ignores
            // the token must not keep the export going round.
            match next {
                Some(t) if fresh > 0 && tokens.insert(t.clone()) => token = Some(t),
                _ => break,
            }
        }
    }
    Ok(Some(out))
}
