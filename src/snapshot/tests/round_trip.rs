//! Round trips, the tables' documented layout, and merge rules.

use std::fs;

use polars::prelude::*;

use super::*;
use crate::snapshot::{merge, read, write};

#[test]
fn round_trip_rebuilds_tickets_exactly_sorted_by_id() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(&data, &[full_ticket(), bare_ticket()], &meta()).unwrap();
    let (tickets, got_meta) = read(&data).unwrap();
    assert_eq!(tickets, vec![bare_ticket(), full_ticket()]);
    assert_eq!(got_meta, meta());
    assert_eq!(
        listing(&data),
        [
            "changes.parquet",
            "comments.parquet",
            "index.parquet",
            "people.parquet",
            "snapshot.json",
            "tickets.parquet",
            "worklogs.parquet"
        ]
    );
}

#[test]
fn timestamps_keep_milliseconds_only_and_imports_have_no_export_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut ticket = bare_ticket();
    ticket.created = Some(t("2026-11-02T09:15:00.123456+0000"));
    let files = Meta {
        source: "files".into(),
        inputs: vec!["export-1.json".into(), "export-2.json".into()],
        exported_at: None,
        written_at: t("2026-11-23T08:05:01.123456789Z"),
        version: "0.1.0".into(),
        ..Meta::default()
    };
    write(dir.path(), &[ticket], &files).unwrap();
    let (tickets, got_meta) = read(dir.path()).unwrap();
    assert_eq!(tickets[0].created, Some(t("2026-11-02T09:15:00.123Z")));
    // snapshot.json is not Parquet: it keeps the instant as given.
    assert_eq!(got_meta, files);
}

#[test]
fn tables_have_the_documented_columns_and_types() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket(), bare_ticket()], &meta()).unwrap();
    let names = |table: &str| -> Vec<String> {
        scan(&dir.path().join(format!("{table}.parquet")))
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    };
    assert_eq!(
        names("tickets"),
        [
            "id",
            "key",
            "created",
            "updated",
            "issue_type",
            "status",
            "resolution",
            "severity",
            "labels",
            "assignee_id",
            "assignee_name",
            "assignee_app",
            "assignee_email",
            "reporter_id",
            "reporter_name",
            "reporter_app",
            "reporter_email",
            "truncated"
        ]
    );
    assert_eq!(
        names("comments"),
        [
            "id",
            "ticket_id",
            "author_id",
            "author_name",
            "author_app",
            "author_email",
            "created",
            "updated",
            "public",
            "body"
        ]
    );
    assert_eq!(
        names("worklogs"),
        [
            "id",
            "ticket_id",
            "author_id",
            "author_name",
            "author_app",
            "author_email",
            "started",
            "created",
            "updated",
            "seconds",
            "comment"
        ]
    );
    assert_eq!(
        names("changes"),
        [
            "history_id",
            "ticket_id",
            "author_id",
            "author_name",
            "author_app",
            "author_email",
            "at",
            "field_id",
            "field",
            "from",
            "from_string",
            "to",
            "to_string"
        ]
    );

    let tickets = scan(&dir.path().join("tickets.parquet"));
    assert_eq!(
        tickets.column("created").unwrap().dtype(),
        &DataType::Datetime(TimeUnit::Milliseconds, None)
    );
    // Stored sorted by id: "9" before "10".
    let ids: Vec<_> = tickets
        .column("id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(ids, [Some("9"), Some("10")]);
    let labels: Vec<_> = tickets
        .column("labels")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(labels, [Some(""), Some("zeta alpha prod-eu")]);
    let truncated: Vec<_> = tickets
        .column("truncated")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(
        truncated,
        [Some(""), Some("comments: 5 of 12; worklogs: 1 of 3")]
    );
    let created: Vec<_> = tickets
        .column("created")
        .unwrap()
        .datetime()
        .unwrap()
        .physical()
        .iter()
        .collect();
    assert_eq!(created, [Some(1_793_404_799_999), Some(1_793_610_900_123)]);

    let worklogs = scan(&dir.path().join("worklogs.parquet"));
    assert_eq!(
        worklogs.column("seconds").unwrap().dtype(),
        &DataType::Int64
    );
    let changes = scan(&dir.path().join("changes.parquet"));
    let tids: Vec<_> = changes
        .column("ticket_id")
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(tids, [Some("9"), Some("10"), Some("10")]);
}

#[test]
fn snapshot_json_records_meta_and_each_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[full_ticket(), bare_ticket()], &meta()).unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("snapshot.json")).unwrap())
            .unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["source"], "jira");
    assert_eq!(json["exported_at"], "2026-11-23T08:00:00.250Z");
    let rows: Vec<(String, u64)> = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_owned(),
                e["rows"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [
        ("tickets", 2),
        ("comments", 2),
        ("worklogs", 1),
        ("changes", 3),
        ("index", 2),
        ("people", 3),
    ];
    assert_eq!(rows, expected.map(|(n, r)| (n.to_owned(), r)));
    let size = fs::metadata(dir.path().join("comments.parquet"))
        .unwrap()
        .len();
    assert_eq!(json["tables"][1]["bytes"].as_u64(), Some(size));
}

#[test]
fn merge_replaces_unless_stored_is_strictly_newer() {
    let mut stored_old = full_ticket(); // id 10
    stored_old.updated = Some(t("2026-11-10T00:00:00Z"));
    let mut stored_new = bare_ticket(); // id 9
    stored_new.updated = Some(t("2026-11-20T00:00:00Z"));
    let mut stored_same = bare_ticket();
    stored_same.id = "2".into();
    stored_same.updated = Some(t("2026-11-15T00:00:00Z"));

    let mut newer_10 = bare_ticket();
    newer_10.id = "10".into();
    newer_10.status = "Closed".into();
    newer_10.updated = Some(t("2026-11-11T00:00:00Z"));
    let mut older_9 = bare_ticket();
    older_9.status = "Stale".into();
    older_9.updated = Some(t("2026-11-19T23:59:59Z"));
    let mut equal_2 = stored_same.clone();
    equal_2.status = "Equal".into();
    let mut added = bare_ticket();
    added.id = "100".into();

    let merged = merge(
        vec![stored_old, stored_new.clone(), stored_same],
        vec![newer_10.clone(), older_9, equal_2.clone(), added.clone()],
    );
    // "10" replaced whole (its comments are gone), "9" kept, "2" replaced on a tie, "100" added.
    assert_eq!(merged, vec![equal_2, stored_new, newer_10, added]);
    assert!(merged[2].comments.is_empty());
}

/// With nothing stored, a batch already in order is taken as it is; one out of order or
/// holding two copies of a ticket still goes through the merge rule.
#[test]
fn merge_into_nothing_sorts_and_keeps_the_latest_copy() {
    let with = |id: &str, status: &str, updated: &str| {
        let mut ticket = bare_ticket();
        ticket.id = id.into();
        ticket.status = status.into();
        ticket.updated = Some(t(updated));
        ticket
    };
    let a2 = with("2", "Open", "2026-11-10T00:00:00Z");
    let a10 = with("10", "Open", "2026-11-10T00:00:00Z");
    let ids = |ts: &[Ticket]| ts.iter().map(|t| t.id.clone()).collect::<Vec<_>>();
    assert_eq!(
        ids(&merge(vec![], vec![a10.clone(), a2.clone()])),
        ["2", "10"]
    );
    assert_eq!(
        ids(&merge(vec![a10.clone(), a2.clone()], vec![])),
        ["2", "10"]
    );
    // Two copies of "2": the later one wins whichever side of the pair it is on.
    let newer = with("2", "Closed", "2026-11-12T00:00:00Z");
    let merged = merge(vec![], vec![newer.clone(), a2.clone(), a10.clone()]);
    assert_eq!(merged, vec![newer.clone(), a10.clone()]);
    let merged = merge(vec![], vec![a2.clone(), newer.clone(), a10.clone()]);
    assert_eq!(merged, vec![newer, a10]);
}
