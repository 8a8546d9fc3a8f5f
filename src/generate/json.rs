//! The JIRA Cloud v3 shape of a story: one issue as `/rest/api/3/search/jql` returns it with
//! `expand=changelog`, comments and worklogs embedded in full, comment bodies and worklog
//! comments as Atlassian Document Format.

use std::io::{self, Write};

use serde::Serialize;

use super::people::{Roster, Who};
use super::story::{Audience, History, Item, Story};
use crate::model::Ts;

/// JIRA's timestamp form, always in UTC: `2026-11-23T09:15:00.000+0000`.
pub fn jira_ts(t: Ts) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3f+0000").to_string()
}

/// Writes one issue as a JSON line.
pub fn write_issue(out: &mut impl Write, story: &Story, roster: &Roster) -> io::Result<()> {
    let issue = Issue::new(story, roster);
    serde_json::to_writer(&mut *out, &issue)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Issue<'a> {
    id: String,
    key: String,
    fields: Fields<'a>,
    changelog: Changelog,
}

#[derive(Serialize)]
struct Fields<'a> {
    summary: &'a str,
    created: String,
    updated: String,
    issuetype: Named,
    status: Named,
    resolution: Option<Named>,
    resolutiondate: Option<String>,
    priority: Named,
    labels: &'a [&'static str],
    assignee: Option<User>,
    reporter: User,
    comment: CommentPage,
    worklog: WorklogPage,
}

#[derive(Serialize)]
struct Named {
    id: &'static str,
    name: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct User {
    account_id: String,
    /// Staff only, as a JIRA that shows addresses sends it; customers and bots have none.
    #[serde(skip_serializing_if = "Option::is_none")]
    email_address: Option<String>,
    display_name: String,
    account_type: &'static str,
    active: bool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CommentPage {
    comments: Vec<Comment>,
    max_results: usize,
    total: usize,
    start_at: usize,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Comment {
    id: String,
    author: User,
    body: Doc,
    created: String,
    updated: String,
    jsd_public: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    visibility: Option<Visibility>,
}

#[derive(Serialize)]
struct Visibility {
    #[serde(rename = "type")]
    kind: &'static str,
    value: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct WorklogPage {
    start_at: usize,
    max_results: usize,
    total: usize,
    worklogs: Vec<Worklog>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Worklog {
    id: String,
    issue_id: String,
    author: User,
    comment: Doc,
    created: String,
    updated: String,
    started: String,
    time_spent: String,
    time_spent_seconds: i64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Changelog {
    start_at: usize,
    max_results: usize,
    total: usize,
    histories: Vec<HistoryOut>,
}

#[derive(Serialize)]
struct HistoryOut {
    id: String,
    author: User,
    created: String,
    items: Vec<ItemOut>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ItemOut {
    field: &'static str,
    fieldtype: &'static str,
    field_id: &'static str,
    from: Option<String>,
    from_string: Option<String>,
    to: Option<String>,
    to_string: Option<String>,
}

/// An ADF document of plain paragraphs.
#[derive(Serialize)]
struct Doc {
    #[serde(rename = "type")]
    kind: &'static str,
    version: u8,
    content: Vec<Block>,
}

#[derive(Serialize)]
struct Block {
    #[serde(rename = "type")]
    kind: &'static str,
    content: [Text; 1],
}

#[derive(Serialize)]
struct Text {
    #[serde(rename = "type")]
    kind: &'static str,
    text: String,
}

fn doc<S: AsRef<str>>(paragraphs: &[S]) -> Doc {
    let content = paragraphs
        .iter()
        .map(|p| Block {
            kind: "paragraph",
            content: [Text {
                kind: "text",
                text: p.as_ref().to_string(),
            }],
        })
        .collect();
    Doc {
        kind: "doc",
        version: 1,
        content,
    }
}

fn user(roster: &Roster, who: Who) -> User {
    let p = roster.person(who);
    User {
        account_id: p.id.clone(),
        email_address: p.email.clone(),
        display_name: p.name.clone(),
        account_type: p.account_type,
        active: true,
    }
}

/// JIRA's short duration form: `1h 30m`.
fn time_spent(seconds: i64) -> String {
    let (h, m) = (seconds / 3600, seconds % 3600 / 60);
    match (h, m) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

impl<'a> Issue<'a> {
    fn new(story: &'a Story, roster: &Roster) -> Issue<'a> {
        let issue_id = (10_000 + story.number).to_string();
        let comments: Vec<Comment> = story
            .comments
            .iter()
            .map(|c| Comment {
                id: c.id.to_string(),
                author: user(roster, c.author),
                body: doc(&c.paragraphs),
                created: jira_ts(c.at),
                updated: jira_ts(c.at),
                jsd_public: c.audience != Audience::InternalNote,
                visibility: (c.audience == Audience::DeveloperOnly).then_some(Visibility {
                    kind: "role",
                    value: "Developers",
                }),
            })
            .collect();
        let worklogs: Vec<Worklog> = story
            .worklogs
            .iter()
            .map(|w| Worklog {
                id: w.id.to_string(),
                issue_id: issue_id.clone(),
                author: user(roster, w.author),
                comment: doc(&[&w.text]),
                created: jira_ts(w.created),
                updated: jira_ts(w.created),
                started: jira_ts(w.started),
                time_spent: time_spent(w.seconds),
                time_spent_seconds: w.seconds,
            })
            .collect();
        let histories: Vec<HistoryOut> =
            story.histories.iter().map(|h| history(roster, h)).collect();
        let resolved_at = story
            .resolution
            .and_then(|_| {
                story.histories.iter().rev().find(|h| {
                    h.items
                        .iter()
                        .any(|i| matches!(i, Item::Resolution(_, Some(_))))
                })
            })
            .map(|h| jira_ts(h.at));
        Issue {
            key: format!("SUP-{}", story.number),
            fields: Fields {
                summary: &story.summary,
                created: jira_ts(story.created),
                updated: jira_ts(story.updated()),
                issuetype: Named {
                    id: story.kind.id(),
                    name: story.kind.name(),
                },
                status: Named {
                    id: story.status.id(),
                    name: story.status.name(),
                },
                resolution: story.resolution.map(|r| Named {
                    id: r.id(),
                    name: r.name(),
                }),
                resolutiondate: resolved_at,
                priority: Named {
                    id: story.severity.id(),
                    name: story.severity.name(),
                },
                labels: &story.labels,
                assignee: story.assignee.map(|a| user(roster, a)),
                reporter: user(roster, story.reporter),
                comment: CommentPage {
                    max_results: comments.len(),
                    total: comments.len(),
                    start_at: 0,
                    comments,
                },
                worklog: WorklogPage {
                    start_at: 0,
                    max_results: worklogs.len(),
                    total: worklogs.len(),
                    worklogs,
                },
            },
            changelog: Changelog {
                start_at: 0,
                max_results: histories.len(),
                total: histories.len(),
                histories,
            },
            id: issue_id,
        }
    }
}

fn history(roster: &Roster, h: &History) -> HistoryOut {
    let items = h.items.iter().map(|i| item(roster, i)).collect();
    HistoryOut {
        id: h.id.to_string(),
        author: user(roster, h.author),
        created: jira_ts(h.at),
        items,
    }
}

fn item(roster: &Roster, item: &Item) -> ItemOut {
    let pair = |id: &str, name: &str| (Some(id.to_string()), Some(name.to_string()));
    let (field, (from, from_string), (to, to_string)) = match item {
        Item::Status(a, b) => ("status", pair(a.id(), a.name()), pair(b.id(), b.name())),
        Item::Priority(a, b) => ("priority", pair(a.id(), a.name()), pair(b.id(), b.name())),
        Item::IssueType(a, b) => ("issuetype", pair(a.id(), a.name()), pair(b.id(), b.name())),
        Item::Resolution(a, b) => {
            let side = |r: &Option<super::story::Resolution>| match r {
                Some(r) => pair(r.id(), r.name()),
                None => (None, None),
            };
            ("resolution", side(a), side(b))
        }
        Item::Assignee(a, b) => {
            let side = |w: &Option<Who>| match w {
                Some(w) => {
                    let p = roster.person(*w);
                    (Some(p.id.clone()), Some(p.name.clone()))
                }
                None => (None, None),
            };
            ("assignee", side(a), side(b))
        }
        // Labels carry no ids, only space-separated lists.
        Item::Labels(a, b) => (
            "labels",
            (None, Some(a.join(" "))),
            (None, Some(b.join(" "))),
        ),
    };
    ItemOut {
        field,
        fieldtype: "jira",
        field_id: field,
        from,
        from_string,
        to,
        to_string,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_ts;

    #[test]
    fn formats_jira_timestamps_and_durations() {
        let t = parse_ts("2026-11-23T09:15:00Z").unwrap();
        assert_eq!(jira_ts(t), "2026-11-23T09:15:00.000+0000");
        assert_eq!(time_spent(5400), "1h 30m");
        assert_eq!(time_spent(900), "15m");
        assert_eq!(time_spent(7200), "2h");
    }

    #[test]
    fn label_and_assignee_items_use_jira_conventions() {
        let roster = Roster::new(2, 10);
        let labels = item(
            &roster,
            &Item::Labels(vec!["apim"], vec!["apim", "escalated"]),
        );
        let json = serde_json::to_string(&labels).unwrap();
        assert_eq!(
            json,
            r#"{"field":"labels","fieldtype":"jira","fieldId":"labels","from":null,"fromString":"apim","to":null,"toString":"apim escalated"}"#
        );
        let assignee = item(&roster, &Item::Assignee(None, Some(Who::Engineer(0))));
        assert_eq!(assignee.from, None);
        assert_eq!(
            assignee.to.as_deref(),
            Some(roster.engineers()[0].id.as_str())
        );
        assert_eq!(assignee.to_string.as_deref(), Some("Amara Perera"));
    }
}
