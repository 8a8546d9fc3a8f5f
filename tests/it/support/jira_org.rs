//! The organisation the export tests serve: tickets built in the test, in either flavor's
//! JSON shape, and the recorded issues from tests/fixtures/jira.

#![allow(dead_code)]

use serde_json::{Value, json};
use supportlens::settings::Flavor;

/// A user object in the flavor's shape.
pub fn person(flavor: Flavor, id: &str, name: &str) -> Value {
    match flavor {
        Flavor::Cloud => json!({"accountId": id, "displayName": name, "accountType": "atlassian"}),
        Flavor::Server => json!({"name": id, "key": id, "displayName": name}),
    }
}

/// A comment body: ADF on Cloud, a string on Server.
pub fn body(flavor: Flavor, text: &str) -> Value {
    match flavor {
        Flavor::Cloud => json!({"type": "doc", "version": 1, "content": [
            {"type": "paragraph", "content": [{"type": "text", "text": text}]}]}),
        Flavor::Server => json!(text),
    }
}

/// `minute` minutes after 09:00 on March `day` 2025 (past midnight for large organisations).
fn stamp(day: u32, minute: u32) -> String {
    let total = 9 * 60 + minute;
    format!(
        "2025-03-{:02}T{:02}:{:02}:00.000+0000",
        day + total / 1440,
        total % 1440 / 60,
        total % 60
    )
}

/// `n` tickets SUP-1… (ids 10001…) with 0 to 7 comments, 0 to 4 worklogs and 1 to 6
/// histories each, all updated on distinct minutes of March 2025.
pub fn organisation(flavor: Flavor, n: usize) -> Vec<Value> {
    (1..=n)
        .map(|i| {
            let day = 1 + (i as u32 % 20);
            let eng = person(
                flavor,
                &format!("eng{}", i % 3),
                &format!("Engineer {}", i % 3),
            );
            let comments: Vec<Value> = (0..(i * 3) % 8)
                .map(|c| {
                    let t = stamp(day, 10 + c as u32);
                    json!({"id": format!("{}", 20000 + i * 10 + c), "author": eng,
                        "created": t, "updated": t,
                        "body": body(flavor, &format!("comment {c} on SUP-{i}"))})
                })
                .collect();
            let worklogs: Vec<Value> = (0..(i * 2) % 5)
                .map(|w| {
                    let t = stamp(day, 20 + w as u32);
                    json!({"id": format!("{}", 30000 + i * 10 + w), "author": eng,
                        "started": t, "created": t, "updated": t,
                        "timeSpentSeconds": 900 * (w + 1), "comment": body(flavor, "call")})
                })
                .collect();
            let histories: Vec<Value> = (0..1 + (i * 5) % 6)
                .map(|h| {
                    json!({"id": format!("{}", 40000 + i * 10 + h), "author": eng,
                        "created": stamp(day, 30 + h as u32),
                        "items": [{"field": "status", "fieldtype": "jira",
                            "from": "1", "fromString": "Open", "to": "3",
                            "toString": format!("Step {h}")}]})
                })
                .collect();
            json!({
                "id": format!("{}", 10000 + i),
                "key": format!("SUP-{i}"),
                "fields": {
                    "created": stamp(day, 0),
                    "updated": stamp(day, 40 + i as u32),
                    "issuetype": {"name": if i % 2 == 0 { "Incident" } else { "Query" }},
                    "status": {"name": "In Progress"},
                    "resolution": null,
                    "labels": [format!("product-{}", i % 2)],
                    "assignee": eng,
                    "reporter": person(flavor, "cust", "Customer"),
                    "customfield_10010": {"value": if i % 3 == 0 { "High" } else { "Low" }},
                    "summary": "not asked for, so never sent",
                    "comment": {"comments": comments},
                    "worklog": {"worklogs": worklogs},
                },
                "changelog": {"histories": histories},
            })
        })
        .collect()
}

/// Recorded issues from tests/fixtures/jira in the flavor's shape, normalised so that
/// every list sits where the server looks for it.
pub fn fixture_issues(flavor: Flavor) -> Vec<Value> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/jira");
    let load = |name: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
    };
    let mut issues = match flavor {
        Flavor::Server => vec![
            load("server-v2-issue-expand-changelog.json"),
            load("server-v2-issue-restricted-comments-worklogs-with-changelog.json"),
        ],
        Flavor::Cloud => {
            let mut issue = load("cloud-v3-issue-in-search-result-airbyte-augmented.json");
            if issue.get("issues").is_some() {
                issue = issue["issues"][0].clone();
            }
            issue["fields"]["comment"] = json!({
                "comments": load("cloud-v3-comments-adf-jsdPublic.json")["comments"]});
            issue["fields"]["worklog"] = json!({
                "worklogs": load("cloud-v3-worklogs-page-adf-visibility.json")["worklogs"]});
            vec![issue]
        }
    };
    for issue in &mut issues {
        for (pointer, list) in [
            ("/fields/comment", "comments"),
            ("/fields/worklog", "worklogs"),
        ] {
            if issue.pointer(pointer).is_none_or(Value::is_null) {
                issue["fields"][&pointer[8..]] = json!({ list: [] });
            }
        }
        if issue
            .get("changelog")
            .is_none_or(|c| c["histories"].is_null())
        {
            issue["changelog"] = json!({"histories": []});
        }
    }
    issues
}
