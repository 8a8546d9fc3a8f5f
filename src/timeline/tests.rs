use super::*;
use crate::model::{Change, parse_ts};

fn ts(s: &str) -> Ts {
    parse_ts(s).unwrap()
}

fn change(hid: &str, at: &str, field: &str, from: (&str, &str), to: (&str, &str)) -> Change {
    let opt = |s: &str| (!s.is_empty()).then(|| Short::from(s));
    Change {
        history_id: hid.into(),
        at: ts(at),
        field: field.into(),
        from: opt(from.0),
        from_string: opt(from.1),
        to: opt(to.0),
        to_string: opt(to.1),
        ..Change::default()
    }
}

fn ticket() -> Ticket {
    Ticket {
        id: "1".into(),
        key: "SUP-1".into(),
        created: Some(ts("2026-11-02T09:00:00Z")),
        updated: Some(ts("2026-11-05T09:00:00Z")),
        issue_type: "Incident".into(),
        status: "Resolved".into(),
        severity: Some("high".into()),
        labels: vec!["apim".into()],
        ..Ticket::default()
    }
}

/// Stretches cut at both tracks' changes, joined while the same person keeps the
/// predicate true, dropped while unassigned or while it is false, and cut at `to`.
#[test]
fn assignee_stretches_follow_both_tracks() {
    let mut t = ticket();
    t.changes = vec![
        // Open + ann from creation (09:00); In Progress at 10:00 (ann still).
        change(
            "10",
            "2026-11-02T10:00:00Z",
            "assignee",
            ("ann", "Ann"),
            ("ann", "Ann"),
        ),
        change(
            "11",
            "2026-11-02T10:00:00Z",
            "status",
            ("", "Open"),
            ("", "In Progress"),
        ),
        // Unassigned 11:00-12:00, then bob.
        change(
            "12",
            "2026-11-02T11:00:00Z",
            "assignee",
            ("ann", "Ann"),
            ("", ""),
        ),
        change(
            "13",
            "2026-11-02T12:00:00Z",
            "assignee",
            ("", ""),
            ("bob", "Bob"),
        ),
        // Resolved at 15:00.
        change(
            "14",
            "2026-11-02T15:00:00Z",
            "status",
            ("", "In Progress"),
            ("", "Resolved"),
        ),
    ];
    let tl = Timeline::build(&t, "priority", ts("2026-11-03T00:00:00Z"));
    let from = ts("2026-11-02T09:00:00Z");
    let to = ts("2026-11-02T14:00:00Z");
    let owned = tl.assignee_stretches(from, to, |s| s != "Resolved");
    assert_eq!(
        owned,
        [
            ("ann", from, ts("2026-11-02T11:00:00Z")),
            ("bob", ts("2026-11-02T12:00:00Z"), to),
        ]
    );
    let working = tl.assignee_stretches(from, ts("2026-11-03T00:00:00Z"), |s| s == "In Progress");
    assert_eq!(
        working,
        [
            (
                "ann",
                ts("2026-11-02T10:00:00Z"),
                ts("2026-11-02T11:00:00Z")
            ),
            (
                "bob",
                ts("2026-11-02T12:00:00Z"),
                ts("2026-11-02T15:00:00Z")
            ),
        ]
    );
}

#[test]
fn initial_value_is_the_from_side_of_the_first_change() {
    let mut t = ticket();
    t.changes = vec![
        change(
            "11",
            "2026-11-03T10:00:00Z",
            "status",
            ("", "In Progress"),
            ("", "Resolved"),
        ),
        change(
            "10",
            "2026-11-02T10:00:00Z",
            "status",
            ("", "Open"),
            ("", "In Progress"),
        ),
        change(
            "10",
            "2026-11-02T10:00:00Z",
            "priority",
            ("", "Critical"),
            ("", "High"),
        ),
        change(
            "12",
            "2026-11-02T12:00:00Z",
            "labels",
            ("", ""),
            ("", "apim"),
        ),
    ];
    let tl = Timeline::build(&t, "priority", ts("2026-12-01T00:00:00Z"));
    assert_eq!(tl.status.at(ts("2026-11-02T09:30:00Z")), "Open");
    // A change counts at its own instant.
    assert_eq!(tl.status.at(ts("2026-11-02T10:00:00Z")), "In Progress");
    assert_eq!(tl.status.at(ts("2026-11-04T00:00:00Z")), "Resolved");
    assert_eq!(
        tl.severity.at(ts("2026-11-02T09:00:00Z")).as_deref(),
        Some("critical")
    );
    assert_eq!(
        tl.severity.at(ts("2026-11-02T10:00:00Z")).as_deref(),
        Some("high")
    );
    assert!(tl.labels.at(ts("2026-11-02T11:00:00Z")).is_empty());
    assert_eq!(
        tl.labels.at(ts("2026-11-02T12:00:00Z")),
        &vec!["apim".to_string()]
    );
    // No issuetype change: the current value throughout.
    assert_eq!(tl.issue_type.at(ts("2026-11-02T09:00:00Z")), "Incident");
}

#[test]
fn assignee_changes_carry_ids_and_names() {
    let mut t = ticket();
    t.changes = vec![
        change(
            "10",
            "2026-11-02T10:00:00Z",
            "assignee",
            ("", ""),
            ("acc-a", "Ann"),
        ),
        change(
            "11",
            "2026-11-03T10:00:00Z",
            "assignee",
            ("acc-a", "Ann"),
            ("", ""),
        ),
        change(
            "12",
            "2026-11-03T11:00:00Z",
            "assignee",
            ("", ""),
            ("acc-b", "Bo"),
        ),
    ];
    let tl = Timeline::build(&t, "priority", ts("2026-12-01T00:00:00Z"));
    assert_eq!(tl.assignee_at(ts("2026-11-02T09:00:00Z")), None);
    assert_eq!(tl.assignee_at(ts("2026-11-02T10:00:00Z")), Some("acc-a"));
    assert_eq!(tl.assignee_at(ts("2026-11-03T10:30:00Z")), None);
    assert_eq!(
        tl.assignee
            .at(ts("2026-11-04T00:00:00Z"))
            .as_ref()
            .unwrap()
            .name,
        "Bo"
    );
}

#[test]
fn changes_after_as_of_are_ignored_but_still_give_the_initial_value() {
    let mut t = ticket();
    t.changes = vec![change(
        "10",
        "2026-11-03T10:00:00Z",
        "status",
        ("", "Open"),
        ("", "Resolved"),
    )];
    let tl = Timeline::build(&t, "priority", ts("2026-11-03T00:00:00Z"));
    assert_eq!(tl.status.at(ts("2026-11-04T00:00:00Z")), "Open");
}

#[test]
fn same_instant_changes_apply_in_history_id_order() {
    let mut t = ticket();
    t.changes = vec![
        change(
            "20",
            "2026-11-03T10:00:00Z",
            "status",
            ("", "In Progress"),
            ("", "Resolved"),
        ),
        change(
            "9",
            "2026-11-03T10:00:00Z",
            "status",
            ("", "Open"),
            ("", "In Progress"),
        ),
    ];
    let tl = Timeline::build(&t, "priority", ts("2026-12-01T00:00:00Z"));
    assert_eq!(tl.status.initial, "Open");
    assert_eq!(tl.status.at(ts("2026-11-03T10:00:00Z")), "Resolved");
}
