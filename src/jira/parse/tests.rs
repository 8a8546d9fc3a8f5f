//! Hand-built objects for the rules the recorded fixtures do not exercise.

use super::*;
use crate::model::fmt_ts;
use serde_json::{Value, json};

fn comment(extra: Value) -> Value {
    let mut c = json!({
        "id": "501",
        "author": {"name": "ann", "displayName": "Ann Lee"},
        "created": "2026-11-23T09:15:00.000+0000",
        "body": "Hello"
    });
    for (k, v) in extra.as_object().unwrap() {
        c[k] = v.clone();
    }
    c
}

#[test]
fn plain_comment_is_public() {
    let c = parse_comment(&comment(json!({"visibility": null, "jsdPublic": true}))).unwrap();
    assert!(c.public);
    assert_eq!(c.id, "501");
    assert_eq!(c.body, "Hello");
    assert_eq!(
        fmt_ts(c.updated),
        "2026-11-23T09:15:00Z",
        "updated defaults to created"
    );
    assert_eq!(c.author.unwrap().id, "ann");
}

#[test]
fn restricted_or_jsd_private_comment_is_internal() {
    let role = json!({"visibility": {"type": "role", "value": "Developers"}});
    assert!(!parse_comment(&comment(role)).unwrap().public);
    assert!(
        !parse_comment(&comment(json!({"jsdPublic": false})))
            .unwrap()
            .public
    );
}

#[test]
fn sd_public_comment_property_marks_internal() {
    let as_object = json!({"properties": [
        {"key": "other", "value": {"internal": true}},
        {"key": "sd.public.comment", "value": {"internal": true}}
    ]});
    assert!(!parse_comment(&comment(as_object)).unwrap().public);
    let as_string = json!({"properties": [
        {"key": "sd.public.comment", "value": "{\"internal\":true}"}
    ]});
    assert!(!parse_comment(&comment(as_string)).unwrap().public);
    let says_public = json!({"properties": [
        {"key": "sd.public.comment", "value": {"internal": false}},
        {"key": "other", "value": {"internal": true}}
    ]});
    assert!(parse_comment(&comment(says_public)).unwrap().public);
}

#[test]
fn comment_errors_name_the_field() {
    assert_eq!(
        parse_comment(&json!({"created": "2026-11-23T09:15:00.000+0000"})).unwrap_err(),
        "comment without id"
    );
    assert_eq!(
        parse_comment(&json!({"id": 7})).unwrap_err(),
        "comment 7: missing created"
    );
    assert_eq!(
        parse_comment(&json!({"id": "7", "created": "23/Nov/26"})).unwrap_err(),
        "comment 7: created \"23/Nov/26\" is not a timestamp like 2026-11-23T09:15:00.000+0000"
    );
}

#[test]
fn people_by_account_id_name_or_key() {
    let app = json!({"accountId": "557058:bot", "displayName": "Automation", "accountType": "app"});
    assert_eq!(
        parse_person(&app),
        Some(PersonRef::from(crate::model::Named {
            id: "557058:bot".into(),
            name: "Automation".into(),
            app: true,
            email: None,
        }))
    );
    let server = json!({"key": "JIRAUSER10100", "name": "bob", "displayName": "Bob"});
    assert_eq!(parse_person(&server).unwrap().id, "bob");
    let key_only = json!({"key": "JIRAUSER10100"});
    assert_eq!(
        parse_person(&key_only),
        Some(PersonRef::from(crate::model::Named {
            id: "JIRAUSER10100".into(),
            name: Short::default(),
            app: false,
            email: None,
        }))
    );
    assert_eq!(parse_person(&Value::Null), None);
    assert_eq!(parse_person(&json!({"displayName": "Former user"})), None);
}

#[test]
fn a_person_keeps_the_email_address_jira_sent() {
    let server = json!({"name": "bob", "displayName": "Bob", "emailAddress": "bob@example.com"});
    assert_eq!(
        parse_person(&server).unwrap().email.as_deref(),
        Some("bob@example.com")
    );
    // Cloud hides the address under privacy settings: absent or empty is no address.
    let hidden = json!({"accountId": "5b10", "emailAddress": ""});
    assert_eq!(parse_person(&hidden).unwrap().email, None);
    assert_eq!(
        parse_person(&json!({"accountId": "5b10"})).unwrap().email,
        None
    );
}

#[test]
fn body_text_by_flavor() {
    assert_eq!(body_text(&json!("v2 *wiki* text")), "v2 *wiki* text");
    assert_eq!(body_text(&Value::Null), "");
    let adf = json!({"type": "doc", "version": 1, "content": [
        {"type": "paragraph", "content": [{"type": "text", "text": "Call notes: done"}]}
    ]});
    assert_eq!(body_text(&adf), "Call notes: done");
}

#[test]
fn worklog_seconds_and_created_fallback() {
    let w = parse_worklog(&json!({
        "id": "9", "started": "2026-11-23T09:00:00.000+0100",
        "updated": "2026-11-24T10:00:00.000+0000", "timeSpentSeconds": 5400,
        "comment": "call with customer"
    }))
    .unwrap();
    assert_eq!(w.seconds, 5400);
    assert_eq!(fmt_ts(w.started), "2026-11-23T08:00:00Z");
    assert_eq!(fmt_ts(w.created), "2026-11-24T10:00:00Z");
    assert_eq!(w.comment, "call with customer");
    assert_eq!(w.author, None);
    let missing = json!({"id": "9", "started": "2026-11-23T09:00:00.000+0100",
        "created": "2026-11-23T09:00:00.000+0100"});
    assert_eq!(
        parse_worklog(&missing).unwrap_err(),
        "worklog 9: missing timeSpentSeconds"
    );
}

#[test]
fn history_items_share_id_author_time() {
    let h = json!({
        "id": "300", "author": {"accountId": "acc-1", "displayName": "Ann"},
        "created": "2026-11-23T09:15:00.000+0000",
        "items": [
            {"field": "status", "fieldtype": "jira", "fieldId": "status",
             "from": "1", "fromString": "Open", "to": 3, "toString": "In Progress"},
            {"field": "labels", "from": null, "fromString": "apim", "to": null,
             "toString": "apim escalated"}
        ]
    });
    let changes = parse_history(&h).unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!(changes[0].history_id, "300");
    assert_eq!(changes[1].author.as_ref().unwrap().id, "acc-1");
    assert_eq!(changes[0].field_id.as_deref(), Some("status"));
    assert_eq!(changes[0].to.as_deref(), Some("3"));
    assert_eq!(changes[0].from_string.as_deref(), Some("Open"));
    assert_eq!(changes[1].field_id, None);
    assert_eq!(changes[1].from, None);
    assert_eq!(changes[1].to_string.as_deref(), Some("apim escalated"));
    assert_eq!(fmt_ts(changes[1].at), "2026-11-23T09:15:00Z");
    let bad = json!({"id": "301", "created": "2026-11-23T09:15:00.000+0000", "items": [{}]});
    assert_eq!(
        parse_history(&bad).unwrap_err(),
        "changelog history 301: item 1 has no field"
    );
}

fn issue() -> Value {
    json!({
        "id": "10001", "key": "SUP-1",
        "fields": {
            "created": "2026-11-23T09:15:00.000+0000",
            "updated": "2026-11-24T10:00:00.000+0000",
            "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
            "resolution": null, "labels": ["apim", "escalated"],
            "priority": {"name": "High"},
            "customfield_10010": {"value": "Critical", "id": "10020"},
            "customfield_10011": "Normal",
            "assignee": null,
            "reporter": {"accountId": "cust-1", "displayName": "Customer"},
            "comment": {"total": 12, "maxResults": 1, "comments": [
                {"id": "1", "created": "2026-11-23T09:20:00.000+0000", "body": "hi"}
            ]},
            "worklog": {"total": 0, "worklogs": []}
        },
        "changelog": {"total": 3, "histories": [
            {"id": "5", "created": "2026-11-23T09:30:00.000+0000",
             "items": [{"field": "status", "fromString": "Open", "toString": "In Progress"}]}
        ]}
    })
}

#[test]
fn issue_fields_and_truncation_notes() {
    let t = parse_issue(&issue(), "priority").unwrap();
    assert_eq!((t.id.as_str(), t.key.as_str()), ("10001", "SUP-1"));
    assert_eq!(
        (t.issue_type.as_str(), t.status.as_str()),
        ("Incident", "Open")
    );
    assert_eq!(t.resolution, None);
    assert_eq!(t.severity.as_deref(), Some("high"));
    assert_eq!(t.labels, ["apim", "escalated"]);
    assert_eq!(t.assignee, None);
    assert_eq!(t.reporter.unwrap().id, "cust-1");
    assert_eq!(t.comments.len(), 1);
    assert_eq!(t.changes.len(), 1);
    assert_eq!(
        t.truncated,
        ["comments: 1 of 12", "changelog histories: 1 of 3"]
    );
}

#[test]
fn severity_from_custom_fields() {
    let by_value = parse_issue(&issue(), "customfield_10010").unwrap();
    assert_eq!(by_value.severity.as_deref(), Some("critical"));
    let by_string = parse_issue(&issue(), "customfield_10011").unwrap();
    assert_eq!(by_string.severity.as_deref(), Some("normal"));
    let absent = parse_issue(&issue(), "customfield_99999").unwrap();
    assert_eq!(absent.severity, None);
}

#[test]
fn issue_errors_name_ticket_and_field() {
    // A search that asked for a few fields: kept, with the gaps visible.
    let mut v = issue();
    v["fields"].as_object_mut().unwrap().remove("created");
    v["fields"]["status"] = Value::Null;
    let partial = parse_issue(&v, "priority").unwrap();
    assert_eq!(partial.created, None);
    assert_eq!(partial.status, "");
    let mut v = issue();
    v["fields"]["created"] = json!("yesterday");
    assert_eq!(
        parse_issue(&v, "priority").unwrap_err(),
        "ticket SUP-1: fields.created \"yesterday\" is not a timestamp like 2026-11-23T09:15:00.000+0000"
    );
    let mut v = issue();
    v.as_object_mut().unwrap().remove("key");
    assert_eq!(
        parse_issue(&v, "priority").unwrap_err(),
        "ticket id 10001: missing key"
    );
    let mut v = issue();
    v["fields"]["comment"]["comments"][0]["created"] = json!("soon");
    assert_eq!(
        parse_issue(&v, "priority").unwrap_err(),
        "ticket SUP-1: comment 1: created \"soon\" is not a timestamp like 2026-11-23T09:15:00.000+0000"
    );
}

/// A comment, worklog or history that appears twice in one issue (a page read twice, files
/// joined by hand) counted twice: `report --input` wrote call_notes 2 for one call note,
/// and the snapshot two rows for one JIRA id. Each is kept once: the copy updated last
/// (ties: the later), in the first copy's place.
#[test]
fn repeated_comments_worklogs_and_histories_count_once() {
    let c = |id: &str, updated: &str, body: &str| {
        json!({"id": id, "author": {"accountId": "e1"}, "body": body,
               "created": "2026-11-02T09:00:00.000+0000", "updated": updated})
    };
    let w = |id: &str, updated: &str, seconds: i64| {
        json!({"id": id, "author": {"accountId": "e1"}, "timeSpentSeconds": seconds,
               "started": "2026-11-02T09:00:00.000+0000",
               "created": "2026-11-02T10:00:00.000+0000", "updated": updated})
    };
    let h = |id: &str, to: &str| {
        json!({"id": id, "created": "2026-11-02T11:00:00.000+0000",
               "items": [{"field": "status", "fromString": "Open", "toString": to}]})
    };
    let v = json!({"id": "1", "key": "SUP-1", "fields": {
        "created": "2026-11-02T08:00:00.000+0000", "updated": "2026-11-03T08:00:00.000+0000",
        "issuetype": {"name": "Query"}, "status": {"name": "Open"},
        "comment": {"comments": [
            c("10", "2026-11-02T12:00:00.000+0000", "edited"),
            c("11", "2026-11-02T09:00:00.000+0000", "other"),
            c("10", "2026-11-02T09:00:00.000+0000", "first"),
            c("11", "2026-11-02T09:00:00.000+0000", "other again"),
        ]},
        "worklog": {"worklogs": [
            w("20", "2026-11-02T10:00:00.000+0000", 60),
            w("20", "2026-11-02T11:00:00.000+0000", 120),
        ]}},
        "changelog": {"histories": [h("30", "In Progress"), h("31", "Open"), h("30", "Closed")]}
    });
    let t = parse_issue(&v, "priority").unwrap();
    let comments: Vec<_> = t
        .comments
        .iter()
        .map(|c| (c.id.as_str(), c.body.as_str()))
        .collect();
    assert_eq!(comments, [("10", "edited"), ("11", "other again")]);
    let worklogs: Vec<_> = t
        .worklogs
        .iter()
        .map(|w| (w.id.as_str(), w.seconds))
        .collect();
    assert_eq!(worklogs, [("20", 120)]);
    let changes: Vec<_> = t
        .changes
        .iter()
        .map(|c| (c.history_id.as_str(), c.to_string.as_deref()))
        .collect();
    assert_eq!(changes, [("30", Some("Closed")), ("31", Some("Open"))]);
}
