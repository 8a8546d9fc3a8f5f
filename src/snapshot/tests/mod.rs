//! Fixtures shared by the snapshot tests: two hand-built tickets that between them use
//! every field, with values, nulls and empty strings.

mod cells;
mod chunks;
mod counts;
mod crash;
mod decode;
mod failures;
mod parts;
mod prune;
mod round_trip;

use std::fs;

use polars::prelude::*;

use super::*;
use crate::error::Kind;
use crate::model::{Change, Comment, PersonRef, Short, Ts, Worklog, parse_ts};

fn t(s: &str) -> Ts {
    parse_ts(s).expect("test timestamp")
}

fn person(id: &str, name: &str, app: bool) -> Option<PersonRef> {
    Some(PersonRef::from(crate::model::Named {
        id: id.into(),
        name: name.into(),
        app,
        email: None,
    }))
}

fn meta() -> Meta {
    Meta {
        source: "jira".into(),
        inputs: vec!["https://jira.example.com".into(), "project = SUP".into()],
        exported_at: Some(t("2026-11-23T08:00:00.250Z")),
        written_at: t("2026-11-23T08:05:01.999Z"),
        version: "0.1.0".into(),
        ..Meta::default()
    }
}

/// Ticket "10" uses every field with a value; ticket "9" has every optional field empty
/// and Some("") where the model allows it, so null and empty must stay apart.
fn full_ticket() -> Ticket {
    Ticket {
        id: "10".into(),
        key: "SUP-10".into(),
        created: Some(t("2026-11-02T09:15:00.123+0000")),
        updated: Some(t("2026-11-20T17:00:59.001+0100")),
        issue_type: "Incident".into(),
        status: "Waiting for support".into(),
        resolution: Some("Done".into()),
        severity: Some("critical".into()),
        labels: vec!["zeta".into(), "alpha".into(), "prod-eu".into()],
        assignee: person("acc-1", "Ana Ruiz", false).map(|mut p| {
            p.email = Some("ana.ruiz@example.com".into());
            p
        }),
        reporter: person("bot-7", "Automation for Jira", true),
        truncated: vec!["comments: 5 of 12".into(), "worklogs: 1 of 3".into()],
        comments: vec![
            Comment {
                id: "501".into(),
                author: person("cust-3", "Lee", false),
                created: t("2026-11-02T09:20:00.500Z"),
                updated: t("2026-11-02T09:21:00.000Z"),
                body: "Checkout fails; see log\nline two".into(),
                public: true,
            },
            Comment {
                id: "499".into(),
                author: None,
                created: t("2026-11-03T10:00:00.000Z"),
                updated: t("2026-11-03T10:00:00.000Z"),
                body: String::new(),
                public: false,
            },
        ],
        worklogs: vec![Worklog {
            id: "77".into(),
            author: person("acc-1", "", false),
            started: t("2026-11-02T08:00:00.007Z"),
            created: t("2026-11-02T12:00:00.000Z"),
            updated: t("2026-11-02T12:30:00.000Z"),
            seconds: 5400,
            comment: "call with customer".into(),
        }],
        changes: vec![
            Change {
                history_id: "9001".into(),
                author: person("acc-1", "Ana Ruiz", false),
                at: t("2026-11-02T09:30:00.000Z"),
                field_id: Some("status".into()),
                field: "status".into(),
                from: Some("1".into()),
                from_string: Some("Open".into()),
                to: Some("10001".into()),
                to_string: Some("Waiting for support".into()),
            },
            Change {
                history_id: "9001".into(),
                author: person("acc-1", "Ana Ruiz", false),
                at: t("2026-11-02T09:30:00.000Z"),
                field_id: None,
                field: "Severity".into(),
                from: None,
                from_string: None,
                to: Some(Short::default()),
                to_string: Some("Critical".into()),
            },
        ],
    }
}

fn bare_ticket() -> Ticket {
    Ticket {
        id: "9".into(),
        key: "SUP-9".into(),
        created: Some(t("2026-10-30T23:59:59.999Z")),
        updated: Some(t("2026-10-31T00:00:00.000Z")),
        issue_type: "Query".into(),
        status: "Open".into(),
        resolution: Some(String::new()),
        severity: None,
        labels: Vec::new(),
        assignee: None,
        reporter: person("", "", false),
        truncated: Vec::new(),
        comments: Vec::new(),
        worklogs: Vec::new(),
        changes: vec![Change {
            history_id: "8000".into(),
            author: None,
            at: t("2026-10-31T00:00:00.000Z"),
            field_id: Some(Short::default()),
            field: Short::default(),
            from: Some(Short::default()),
            from_string: Some(Short::default()),
            to: None,
            to_string: None,
        }],
    }
}

fn kind(err: &anyhow::Error) -> Option<Kind> {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map(|f| f.kind)
}

/// Names in the data folder, sorted, so leftovers of a write show up.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .expect("list data folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn scan(path: &Path) -> DataFrame {
    ParquetReader::new(fs::File::open(path).expect("open table"))
        .finish()
        .expect("read table")
}
