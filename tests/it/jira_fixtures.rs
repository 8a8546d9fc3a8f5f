//! Recorded JIRA payloads (tests/fixtures/jira, see its README) read through the public
//! `supportlens::jira` API, asserting values read off the files by hand.

use std::path::PathBuf;

use serde_json::Value;
use supportlens::error::exit_code;
use supportlens::jira::{parse_comment, parse_history, parse_issue, parse_worklog, read_files};
use supportlens::model::{Ticket, fmt_ts};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/jira")
        .join(name)
}

fn json(name: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
}

fn read_one(name: &str) -> Ticket {
    let mut tickets = read_files(&[fixture(name)], "priority").unwrap();
    assert_eq!(tickets.len(), 1);
    tickets.remove(0)
}

#[test]
fn server_search_page_eight_issues_sorted_by_id() {
    let tickets = read_files(
        &[fixture(
            "server-v2-search-page-startAt-maxResults-total.json",
        )],
        "priority",
    )
    .unwrap();
    let keys: Vec<&str> = tickets.iter().map(|t| t.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "TST-6", "TST-7", "TST-8", "TST-9", "TST-10", "TST-11", "TST-12", "TST-13"
        ]
    );
    let t13 = &tickets[7];
    assert_eq!(t13.id, "10075");
    assert_eq!(fmt_ts(t13.created.unwrap()), "2012-12-07T15:07:29Z");
    assert_eq!(t13.severity.as_deref(), Some("major"));
    assert_eq!(t13.assignee.as_ref().unwrap().id, "admin");
    assert_eq!(tickets[6].labels, ["a", "bcds"]);
    assert_eq!(tickets[4].assignee, None, "TST-10 is unassigned");
    assert_eq!(tickets[2].resolution.as_deref(), Some("Incomplete"));
    assert_eq!(tickets[0].status, "Reopened");
    // The page's own total (15) is paging, not truncation of any one ticket.
    assert!(tickets.iter().all(|t| t.truncated.is_empty()));
}

#[test]
fn server_issue_with_changelog() {
    let t = read_one("server-v2-issue-expand-changelog.json");
    assert_eq!((t.id.as_str(), t.key.as_str()), ("10000", "HST-1"));
    assert_eq!(
        (t.issue_type.as_str(), t.status.as_str()),
        ("New Feature", "Open")
    );
    assert_eq!(t.severity.as_deref(), Some("minor"));
    assert_eq!(t.reporter.as_ref().unwrap().id, "user1");
    assert_eq!(t.assignee.as_ref().unwrap().id, "user2");
    let comments: Vec<(&str, &str, &str)> = t
        .comments
        .iter()
        .map(|c| {
            (
                c.id.as_str(),
                c.author.as_ref().unwrap().id.as_str(),
                c.body.as_str(),
            )
        })
        .collect();
    assert_eq!(
        comments,
        [
            ("10000", "user1", "First change"),
            ("10001", "user2", "Modified by User Two")
        ]
    );
    assert!(t.comments.iter().all(|c| c.public));
    assert_eq!(t.changes.len(), 12);
    let assignee = &t.changes[2];
    assert_eq!(assignee.history_id, "10001");
    assert_eq!(assignee.field, "assignee");
    assert_eq!(assignee.field_id, None, "Server/DC sends no fieldId");
    assert_eq!(
        (assignee.from.as_deref(), assignee.to.as_deref()),
        (Some("user1"), Some("user2"))
    );
    assert_eq!(assignee.to_string.as_deref(), Some("User Two"));
    assert_eq!(fmt_ts(assignee.at), "2012-04-12T12:28:44Z");
    let priority = t.changes.iter().find(|c| c.is_field("priority")).unwrap();
    assert_eq!(priority.from_string.as_deref(), Some("Major"));
    assert_eq!(priority.to_string.as_deref(), Some("Minor"));
    assert_eq!(t.changes[11].history_id, "10003");
    assert_eq!(t.changes[11].author, None, "history 10003 has no author");
    assert!(t.truncated.is_empty());
}

#[test]
fn restricted_comments_and_worklogs() {
    let t = read_one("server-v2-issue-restricted-comments-worklogs-with-changelog.json");
    assert_eq!(t.key, "TST-2");
    let comments: Vec<(&str, bool)> = t
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.public))
        .collect();
    assert_eq!(
        comments,
        [
            ("10020", false),
            ("10021", true),
            ("10022", false),
            ("10050", true)
        ]
    );
    let worklogs: Vec<(&str, &str, i64)> = t
        .worklogs
        .iter()
        .map(|w| {
            (
                w.id.as_str(),
                w.author.as_ref().unwrap().id.as_str(),
                w.seconds,
            )
        })
        .collect();
    assert_eq!(
        worklogs,
        [
            ("10010", "admin", 3600),
            ("10011", "wseliga", 900),
            ("10012", "wseliga", 180),
            ("10020", "admin", 3600),
            ("10021", "admin", 420)
        ]
    );
    let w = &t.worklogs[1];
    assert_eq!(w.comment, "another piece of work");
    assert_eq!(fmt_ts(w.started), "2010-08-17T14:37:00Z");
    assert_eq!(fmt_ts(w.created), "2010-08-17T14:38:00Z");
    assert_eq!(t.changes.len(), 44);
    let status: Vec<_> = t.changes.iter().filter(|c| c.is_field("status")).collect();
    assert_eq!(status.len(), 1);
    assert_eq!(status[0].history_id, "10099");
    assert_eq!(status[0].from_string.as_deref(), Some("Open"));
    assert_eq!(status[0].to_string.as_deref(), Some("In Progress"));
    assert_eq!(fmt_ts(status[0].at), "2010-08-17T14:40:34Z");
    let assignee = t.changes.iter().find(|c| c.is_field("assignee")).unwrap();
    assert_eq!(
        (assignee.from.as_deref(), assignee.to.as_deref()),
        (Some("admin"), Some("wseliga"))
    );
}

#[test]
fn resolved_issue_all_expanded() {
    let t = read_one("server-v2-issue-resolved-all-expanded.json");
    assert_eq!((t.key.as_str(), t.status.as_str()), ("TST-8", "Resolved"));
    assert_eq!(t.resolution.as_deref(), Some("Incomplete"));
    assert_eq!(t.issue_type, "Bug");
    let status = &t.changes[0];
    assert_eq!(
        (status.history_id.as_str(), status.field.as_str()),
        ("10172", "status")
    );
    assert_eq!(status.from_string.as_deref(), Some("Open"));
    assert_eq!(status.to_string.as_deref(), Some("Resolved"));
    assert_eq!(fmt_ts(status.at), "2012-12-07T14:25:45Z");
    assert_eq!(t.changes[1].field, "resolution");
    assert_eq!(
        (t.changes[1].from.as_deref(), t.changes[1].to.as_deref()),
        (None, Some("4"))
    );
}

#[test]
fn cloud_issue_airbyte() {
    let t = read_one("cloud-v3-issue-in-search-result-airbyte-augmented.json");
    assert_eq!((t.id.as_str(), t.key.as_str()), ("10627", "TESTKEY13-1"));
    assert_eq!(fmt_ts(t.created.unwrap()), "2022-06-09T23:29:31Z");
    assert_eq!(fmt_ts(t.updated.unwrap()), "2022-12-08T10:22:18Z");
    assert_eq!(
        (t.issue_type.as_str(), t.status.as_str()),
        ("Epic", "To Do")
    );
    assert_eq!(t.labels, ["test"]);
    assert_eq!(t.severity.as_deref(), Some("low"));
    assert_eq!(t.resolution, None);
    let assignee = t.assignee.as_ref().unwrap();
    assert_eq!(assignee.id, "5fc9e78d2730d800760becc4");
    assert_eq!(assignee.name, "integration test");
    assert!(!assignee.app);
    assert_eq!(t.reporter.as_ref().unwrap().id, "5fc9e78d2730d800760becc4");
    // Both envelopes arrived with total 0: nothing missing.
    assert!(t.comments.is_empty() && t.worklogs.is_empty() && t.changes.is_empty());
    assert!(t.truncated.is_empty());
}

#[test]
fn empty_search_page_is_no_tickets() {
    let tickets = read_files(
        &[fixture("server-v2-search-empty-page-quirk.json")],
        "priority",
    )
    .unwrap();
    assert!(tickets.is_empty());
}

#[test]
fn cloud_search_pages_import_with_the_fields_they_have() {
    // These pages were fetched without `fields=created,updated,...`: the tickets import
    // with what they carry, and the report leaves them out of the metrics.
    let path = fixture("cloud-v3-search-jql-page1-nextPageToken.json");
    let tickets = read_files(std::slice::from_ref(&path), "priority").unwrap();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0].key, "TES-41");
    assert_eq!(tickets[0].status, "In Progress");
    assert_eq!(tickets[0].created, None);
    // With the fields present, both page shapes (nextPageToken, isLast) read as issues.
    for (name, key, status) in [
        (
            "cloud-v3-search-jql-page1-nextPageToken.json",
            "TES-41",
            "In Progress",
        ),
        (
            "cloud-v3-search-jql-last-page-isLast.json",
            "TES-42",
            "Open",
        ),
    ] {
        let mut page = json(name);
        let issue = &mut page["issues"][0];
        issue["fields"]["created"] = "2026-11-23T09:15:00.000+0000".into();
        issue["fields"]["updated"] = "2026-11-23T09:15:00.000+0000".into();
        issue["fields"]["issuetype"] = serde_json::json!({"name": "Query"});
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(name);
        std::fs::write(&file, page.to_string()).unwrap();
        let tickets = read_files(&[file], "priority").unwrap();
        assert_eq!(
            (tickets[0].key.as_str(), tickets[0].status.as_str()),
            (key, status)
        );
    }
}

#[test]
fn cloud_comment_page_adf_bodies() {
    let page = json("cloud-v3-comments-adf-jsdPublic.json");
    let comments: Vec<_> = page["comments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| parse_comment(c).unwrap())
        .collect();
    assert_eq!(comments.len(), 2);
    assert_eq!(comments[0].id, "10755");
    assert_eq!(comments[0].body, "Closed");
    assert!(comments[0].public, "jsdPublic: true");
    assert_eq!(fmt_ts(comments[0].created), "2022-05-17T11:06:55Z");
    let author = comments[0].author.as_ref().unwrap();
    assert_eq!(
        (author.id.as_str(), author.name.as_str()),
        ("5fc9e78d2730d800760becc4", "integration test")
    );
    assert!(!author.app, "accountType atlassian is a person");
    assert_eq!(comments[1].id, "10521");
    assert!(
        comments[1]
            .body
            .starts_with("Lorem ipsum dolor sit amet, consectetur")
    );
    assert!(comments[1].body.ends_with("at posuere augue semper."));
    assert_eq!(fmt_ts(comments[1].updated), "2021-04-14T21:32:43Z");
}

#[test]
fn worklog_pages_both_flavors() {
    let server = json("server-v2-worklogs-page.json");
    let w = parse_worklog(&server["worklogs"][0]).unwrap();
    assert_eq!(
        (w.id.as_str(), w.seconds, w.comment.as_str()),
        ("3", 3600, "")
    );
    let author = w.author.unwrap();
    assert_eq!(
        (author.id.as_str(), author.name.as_str()),
        ("fred", "Fred F. User")
    );
    assert_eq!(fmt_ts(w.started), "2016-03-16T04:22:37Z");

    let cloud = json("cloud-v3-worklogs-page-adf-visibility.json");
    let w = parse_worklog(&cloud["worklogs"][0]).unwrap();
    assert_eq!((w.id.as_str(), w.seconds), ("100028", 12000));
    assert_eq!(w.comment, "I did some work here.");
    assert_eq!(w.author.unwrap().id, "5b10a2844c20165700ede21g");
    assert_eq!(fmt_ts(w.started), "2021-01-17T12:34:00Z");
    // This page has no `created`: the reader falls back to `updated`.
    assert_eq!(fmt_ts(w.created), "2021-01-18T23:45:00Z");
}

#[test]
fn webhook_issue_and_cloud_field_ids() {
    let hook = json("cloud-webhook-issue-updated-labels-changelog.json");
    let t = parse_issue(&hook["issue"], "priority").unwrap();
    assert_eq!(
        (t.key.as_str(), t.issue_type.as_str(), t.status.as_str()),
        ("TES-41", "Story", "To Do")
    );
    assert_eq!(t.labels, ["sad", "test-label"]);
    assert_eq!(fmt_ts(t.created.unwrap()), "2019-02-16T03:01:52Z");
    // A webhook's changelog carries no time of its own; the event's time stands in.
    let mut history = hook["changelog"].clone();
    history["created"] = "2019-02-16T21:12:10.037+0000".into();
    let changes = parse_history(&history).unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].field_id.as_deref(), Some("labels"));
    assert_eq!(
        (changes[0].from.as_deref(), changes[0].to.as_deref()),
        (None, None)
    );
    assert_eq!(changes[0].from_string.as_deref(), Some("bad test-label"));
    assert_eq!(changes[0].to_string.as_deref(), Some("sad test-label"));
}

#[test]
fn non_issue_fixtures_are_refused_with_their_shape() {
    for (name, found) in [
        (
            "adf-document-many-node-types.json",
            "found an Atlassian Document Format body",
        ),
        (
            "server-v2-worklogs-page.json",
            "found an object with keys maxResults, startAt, total, worklogs",
        ),
        (
            "cloud-v3-worklog-updated-ids.json",
            "found an object with keys values",
        ),
    ] {
        let err = read_files(&[fixture(name)], "priority").unwrap_err();
        assert_eq!(exit_code(&err), 3);
        let msg = format!("{err:#}");
        assert!(
            msg.contains(&format!("{name} holds no JIRA issues ({found})")),
            "{msg}"
        );
    }
}

#[test]
fn several_files_merge_by_latest_updated() {
    let names = [
        "server-v2-issue-resolved-all-expanded.json",
        "server-v2-search-page-startAt-maxResults-total.json",
        "server-v2-issue-restricted-comments-worklogs-with-changelog.json",
    ];
    let paths: Vec<PathBuf> = names.iter().map(|n| fixture(n)).collect();
    let tickets = read_files(&paths, "priority").unwrap();
    // TST-8 appears in the search page (updated …45.000) and as its own file (…45.959):
    // the newer copy wins although it is read earlier.
    assert_eq!(tickets.len(), 9);
    let t8 = tickets.iter().find(|t| t.key == "TST-8").unwrap();
    assert_eq!(fmt_ts(t8.updated.unwrap()), "2012-12-07T14:25:45Z");
    assert_eq!(
        t8.changes.len(),
        2,
        "the expanded copy (with changelog) won"
    );
    assert_eq!(tickets[0].key, "TST-2");
}

/// Files are parsed into a borrowed document, the exporter's pages into serde_json's owned
/// one: every fixture holding issues gives the same tickets through both.
#[test]
fn files_and_exported_pages_read_every_issue_alike() {
    let files = [
        "cloud-v3-issue-in-search-result-airbyte-augmented.json",
        "cloud-v3-search-jql-last-page-isLast.json",
        "cloud-v3-search-jql-page1-nextPageToken.json",
        "server-v2-issue-expand-changelog.json",
        "server-v2-issue-resolved-all-expanded.json",
        "server-v2-issue-restricted-comments-worklogs-with-changelog.json",
        "server-v2-search-page-startAt-maxResults-total.json",
    ];
    let mut compared = 0;
    for name in files {
        let from_file = read_files(&[fixture(name)], "priority").unwrap();
        let doc = json(name);
        let issues = match doc.get("issues") {
            Some(Value::Array(issues)) => issues.clone(),
            _ => vec![doc],
        };
        let mut from_owned: Vec<Ticket> = issues
            .iter()
            .map(|i| parse_issue(i, "priority").unwrap())
            .collect();
        from_owned.sort_by_key(|t| t.id.parse::<u64>().unwrap());
        assert_eq!(from_file, from_owned, "{name}");
        compared += from_file.len();
    }
    assert_eq!(compared, 6 + 8, "six single issues and an eight-issue page");
}
