//! Paging through one search: Cloud's `/rest/api/3/search/jql` by `nextPageToken`, and
//! Server/DC's `/rest/api/2/search` by `startAt`. Pages are fetched one after another.
//!
//! Server/DC quirks handled here: `startAt` advances by the issues actually received (JIRA
//! may return fewer than asked), an empty page ends the search even when `total` says more
//! (JIRA does send that), and a `total` that drops between pages is reported as `shrank`,
//! since tickets leaving the result set shift every later offset.
//!
//! A page without an `issues` list ends the search only when it says it is the last (Cloud's
//! `isLast`, a Server/DC `total` the offset has reached); otherwise it is an error, since
//! taking a broken answer for the end would count a cut export as complete.
//!
//! A server whose paging does not move forward (Cloud tokens that cycle back or repeat,
//! Server/DC ignoring `startAt` without sending `total`) would be paged forever: a pass ends
//! with the first page that brings no issue not already served in it, and says so in
//! [`Pager::looped`]. Tickets updated during the pass can bring such a page too (they move
//! to the end), so the page is still handed on: its repeats make the caller read again from
//! where the first repeated ticket was, in a narrowed pass, bounded by the pass limit.

use std::collections::HashSet;

use anyhow::Result;
use serde_json::Value;

use super::SEARCH_PAGE;
use crate::error::Failure;
use crate::jira::client::Client;
use crate::settings::Flavor;

/// Where the next page starts.
enum Cursor {
    /// Cloud: the token of the next page; `None` before the first page.
    Token(Option<String>),
    /// Server/DC: the offset of the next page.
    Offset(u64),
}

/// One pass over the results of a JQL query.
pub struct Pager<'a> {
    client: &'a Client,
    query: Vec<(&'static str, String)>,
    cursor: Cursor,
    done: bool,
    last_total: Option<u64>,
    /// True once Server/DC reported a smaller `total` than on an earlier page.
    pub shrank: bool,
    /// Ids of the issues served so far in this pass.
    served: HashSet<String>,
    /// True when the pass ended with a page holding only issues already served: JIRA's
    /// paging may not be moving forward, so later pages may never have been read.
    pub looped: bool,
}

impl<'a> Pager<'a> {
    /// A pager for `jql`, asking for `fields` and the embedded changelog.
    pub fn new(client: &'a Client, jql: String, fields: String) -> Pager<'a> {
        let cursor = match client.flavor() {
            Flavor::Cloud => Cursor::Token(None),
            Flavor::Server => Cursor::Offset(0),
        };
        Pager {
            client,
            query: vec![
                ("jql", jql),
                ("fields", fields),
                ("expand", "changelog".to_string()),
                ("maxResults", SEARCH_PAGE.to_string()),
            ],
            cursor,
            done: false,
            last_total: None,
            shrank: false,
            served: HashSet::new(),
            looped: false,
        }
    }

    /// The next page's issues, or `None` when the search is exhausted.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Value>>> {
        if self.done {
            return Ok(None);
        }
        let path = match self.client.flavor() {
            Flavor::Cloud => format!("{}/search/jql", self.client.api()),
            Flavor::Server => format!("{}/search", self.client.api()),
        };
        let mut query = self.query.clone();
        match &self.cursor {
            Cursor::Token(Some(token)) => query.push(("nextPageToken", token.clone())),
            Cursor::Token(None) => {}
            Cursor::Offset(at) => query.push(("startAt", at.to_string())),
        }
        // A page without a list of issues (one that is not the last) is no answer from
        // JIRA's search: asked for again, as a body that is not JSON is.
        let shape = |page: &Value| match page.get("issues") {
            Some(Value::Array(issues)) if issues.iter().all(Value::is_object) => Ok(()),
            Some(Value::Null) | None if self.says_last(page) => Ok(()),
            _ => Err(
                "an answer that holds no \"issues\" list of issues (check the flavor \
                 setting: cloud or server)"
                    .to_string(),
            ),
        };
        let page = self.client.get(&path, &query, &shape).await?;
        let issues = match page.get("issues") {
            Some(Value::Array(issues)) => issues.clone(),
            // Without a list the page may only end the search when it says so itself: taken
            // for the end, a broken answer (`{}`) made a cut export count as complete.
            Some(Value::Null) | None if self.says_last(&page) => Vec::new(),
            _ => {
                return Err(Failure::jira(format!(
                    "GET {}: the answer holds no \"issues\" list; check the flavor setting \
                     (cloud or server), and run the export again (it continues where it stopped)",
                    self.client.url(&path, &query)
                ))
                .into());
            }
        };
        match &mut self.cursor {
            Cursor::Token(token) => {
                let next = page
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_string);
                let is_last = page.get("isLast").and_then(Value::as_bool) == Some(true);
                // A token naming the page just read is asked for again rather than taken
                // for the end: its answer repeats this page, which ends the pass as paging
                // that does not move forward (`looped`), so the export is not complete.
                if is_last || next.is_none() || issues.is_empty() {
                    self.done = true;
                }
                *token = next;
            }
            Cursor::Offset(at) => {
                let total = page.get("total").and_then(Value::as_u64);
                if let (Some(before), Some(now)) = (self.last_total, total)
                    && now < before
                {
                    self.shrank = true;
                }
                self.last_total = total.or(self.last_total);
                *at += issues.len() as u64;
                if issues.is_empty() || total.is_some_and(|t| *at >= t) {
                    self.done = true;
                }
            }
        }
        if issues.is_empty() {
            return Ok(None);
        }
        let before = self.served.len();
        self.served.extend(
            issues
                .iter()
                .map(|i| i.get("id").map_or(String::new(), id_text)),
        );
        if self.served.len() == before {
            // Served again, so the caller reads the moved part in a narrowed pass (as for
            // tickets updated mid-export, the legitimate way to get such a page).
            self.done = true;
            self.looped = true;
        }
        Ok(Some(issues))
    }
}

impl Pager<'_> {
    /// True when a page says no issue follows it: Cloud's `isLast`, or a Server/DC `total`
    /// the offset has reached.
    fn says_last(&self, page: &Value) -> bool {
        match self.cursor {
            Cursor::Token(_) => page.get("isLast").and_then(Value::as_bool) == Some(true),
            Cursor::Offset(at) => page
                .get("total")
                .and_then(Value::as_u64)
                .is_some_and(|total| at >= total),
        }
    }
}

/// An issue's id as text, whether JIRA sent it as a string or a number.
fn id_text(id: &Value) -> String {
    id.as_str().map_or_else(|| id.to_string(), str::to_string)
}
