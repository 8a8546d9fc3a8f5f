//! Window pruning: tickets built to sit on each boundary of the rule, the exact set a
//! window leaves out, and every CSV of the report byte-identical with and without pruning.

use super::*;
use crate::metrics::testkit::{self, ticket, ts};
use crate::report::{self, Options, Report};
use crate::settings::Settings;

/// Window 2026-W47: Monday 2026-11-16 00:00 to 2026-11-23 00:00 UTC; as-of 11-25.
pub(super) const START: &str = "2026-11-16T00:00";

fn done_before(key: &str) -> testkit::TicketBuilder {
    ticket(key, "Incident", "High", "2026-11-02T09:00")
        .assigned_to("ann")
        .comment("2026-11-02T09:05", "ann", true)
        .status("2026-11-05T09:00", "Resolved")
}

/// Renames the author of `t`'s last comment and marks it an app account if `app`.
fn last_author(mut t: Ticket, name: &str, app: bool) -> Ticket {
    let a = t
        .comments
        .last_mut()
        .and_then(|c| c.author.as_mut())
        .expect("a comment with an author");
    a.name = name.into();
    a.app = app;
    t
}

/// Keys in `LEFT_OUT` are the ones week 47 can leave out; every other ticket is read.
const LEFT_OUT: [&str; 6] = ["SUP-1", "SUP-2", "SUP-3", "SUP-4", "SUP-5", "SUP-6"];

pub(super) fn tickets() -> Vec<Ticket> {
    let mut comment_edited = done_before("SUP-16").build();
    comment_edited.comments[0].updated = ts(START);
    let mut touched = done_before("SUP-17").build();
    touched.updated = Some(ts("2026-11-20T10:00"));
    let mut truncated = done_before("SUP-25").build();
    truncated.truncated = vec!["comments: 1 of 3".into()];
    let mut early = done_before("SUP-20").build();
    early.comments[0].created = ts("2026-11-01T09:00");
    vec![
        // Left out: done one minute before the window, nothing since.
        ticket("SUP-1", "Incident", "High", "2026-11-02T09:00")
            .assigned_to("ann")
            .status("2026-11-15T23:59", "Resolved")
            .build(),
        // Left out: done before, with its reporter's and staff's comments and a worklog.
        done_before("SUP-2")
            .comment("2026-11-04T10:00", "cust", true)
            .worklog("bob", "2026-11-04T11:00", "2026-11-04T12:00", 600, "call")
            .build(),
        // Left out, and the latest sighting of cat, who owns SUP-22 in the window.
        last_author(
            done_before("SUP-3")
                .comment("2026-11-14T10:00", "cat", false)
                .build(),
            "Cat Renamed",
            false,
        ),
        // Left out, and the only sign that zed is an app account (zed comments on SUP-15).
        last_author(
            done_before("SUP-4")
                .comment("2026-11-06T10:00", "zed", true)
                .build(),
            "Zed",
            true,
        ),
        // Left out: created done, never changed.
        ticket("SUP-5", "Query", "Normal", "2026-11-03T09:00")
            .created_in("Closed")
            .build(),
        // Left out, and the only ticket dan was ever assignee of (dan comments on SUP-15).
        ticket("SUP-6", "Incident", "High", "2026-11-02T09:00")
            .assigned_to("dan")
            .status("2026-11-05T09:00", "Resolved")
            .build(),
        // Read: a comment exactly at the window's start.
        done_before("SUP-10").comment(START, "cust", true).build(),
        // Read: a worklog started exactly at the window's start.
        done_before("SUP-11")
            .worklog("ann", START, START, 600, "analysis")
            .build(),
        // Read: a worklog started before, created (logged) at the window's start.
        done_before("SUP-12")
            .worklog("ann", "2026-11-10T10:00", START, 600, "analysis")
            .build(),
        // Read: resolved exactly at the window's start.
        ticket("SUP-13", "Incident", "High", "2026-11-02T09:00")
            .assigned_to("bob")
            .status(START, "Resolved")
            .build(),
        // Read: done before, reopened in the window.
        done_before("SUP-14")
            .status("2026-11-18T09:00", "Reopened")
            .build(),
        // Read: open since before the window, its ack clock still running, owned by bob;
        // zed comments on it in the window.
        ticket("SUP-15", "Query", "Normal", "2026-11-10T09:00")
            .assigned_to("bob")
            .comment("2026-11-19T09:00", "zed", true)
            .comment("2026-11-19T10:00", "dan", false)
            .build(),
        // Read: open, owned by cat through the window, last touched before SUP-3.
        ticket("SUP-22", "Query", "Normal", "2026-11-10T09:00")
            .assigned_to("cat")
            .build(),
        // Read: a comment created before the window, edited in it.
        comment_edited,
        // Read: `updated` in the window, nothing else.
        touched,
        // Read: a status data_quality.csv reports.
        done_before("SUP-18")
            .status("2026-11-06T09:00", "Parked")
            .status("2026-11-07T09:00", "Closed")
            .build(),
        // Read: a comment by someone neither staff, bot nor the reporter.
        done_before("SUP-19")
            .comment("2026-11-06T10:00", "xyz", true)
            .build(),
        // Read: a comment dated before the ticket's creation.
        early,
        // Read: its comments arrived truncated.
        truncated,
        // Read: a comment by an author with an empty id (neither staff, bot nor reporter).
        ticket("SUP-23", "Incident", "High", "2026-11-02T09:00")
            .assigned_to("ann")
            .comment("2026-11-02T10:00", "", true)
            .status("2026-11-05T09:00", "Resolved")
            .build(),
        // Read: a status holding the index's list separator (its pieces would be known).
        done_before("SUP-24")
            .status("2026-11-06T09:00", "Closed\u{1f}Closed")
            .status("2026-11-07T09:00", "Closed")
            .build(),
        // Read: open, owned by bob, then by eve (an engineer only by this assignment when
        // `[team] engineers` is empty) after the inside-the-window as-of of one report.
        ticket("SUP-26", "Query", "Normal", "2026-11-10T09:00")
            .assigned_to("bob")
            .comment("2026-11-18T10:00", "eve", false)
            .assign("2026-11-20T10:00", Some("eve"))
            .build(),
        // Read: done, but by a status the settings do not call done.
        ticket("SUP-21", "Incident", "High", "2026-11-02T09:00")
            .status("2026-11-05T09:00", "Waiting On Client")
            .build(),
    ]
}

pub(super) fn settings(engineers: bool) -> Settings {
    let mut s = testkit::settings();
    if !engineers {
        // Engineers are then every assignee ever seen, left-out tickets included.
        s.team.engineers.clear();
    }
    s
}

pub(super) fn snapshot(tickets: &[Ticket]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let meta = Meta {
        severity_field: Some("priority".into()),
        ..meta()
    };
    write(dir.path(), tickets, &meta).unwrap();
    dir
}

pub(super) fn window<'s>(settings: &'s Settings, start: &str, as_of: &str) -> Window<'s> {
    Window {
        start: ts(start),
        as_of: ts(as_of),
        settings,
    }
}

/// The keys `read_window` reads whole, and what it says of the rest.
fn read_keys(dir: &Path, w: Option<Window>) -> (Vec<String>, Option<Whole>) {
    let (tickets, _, whole) =
        read_window(dir, |_, _| w, &mut crate::progress::Progress::quiet()).unwrap();
    (tickets.into_iter().map(|t| t.key).collect(), whole)
}

fn report(settings: &Settings, tickets: Vec<Ticket>, whole: Option<Whole>, args: &Args) -> Report {
    let opts = Options {
        week: Some("2026-W47".parse().unwrap()),
        weeks: args.weeks,
        as_of: ts(args.as_of),
        input: "snapshot data".into(),
        engineer: args.engineer.map(str::to_string),
        gone: Vec::new(),
        draw: false,
        whole,
    };
    let mut r = report::build(
        settings,
        tickets,
        &opts,
        &mut crate::progress::Progress::quiet(),
    )
    .unwrap();
    r.files = report::files(settings, &opts, &r).unwrap();
    r
}

struct Args {
    weeks: u32,
    engineer: Option<&'static str>,
    as_of: &'static str,
}

fn tables(r: &Report) -> Vec<(String, String)> {
    r.files
        .iter()
        .filter(|(n, _)| n.ends_with(".csv") || n == "run.json")
        .map(|(n, b)| (n.clone(), String::from_utf8(b.clone()).unwrap()))
        .collect()
}

#[test]
fn week_47_leaves_out_exactly_the_tickets_it_cannot_see() {
    let all = tickets();
    let dir = snapshot(&all);
    let s = settings(true);
    let (kept, whole) = read_keys(dir.path(), Some(window(&s, START, "2026-11-25T00:00")));
    let expected: Vec<String> = all
        .iter()
        .map(|t| t.key.clone())
        .filter(|k| !LEFT_OUT.contains(&k.as_str()))
        .collect();
    let mut kept_sorted = kept.clone();
    kept_sorted.sort();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(kept_sorted, expected_sorted);
    let whole = whole.expect("an indexed snapshot");
    assert_eq!(whole.left_out, LEFT_OUT.len());
    // Who is who comes from every ticket: the name and the app account of left-out ones.
    assert_eq!(whole.people.name("cat"), "Cat Renamed");
    assert!(whole.people.is_bot("zed"));
    assert_eq!(whole.addresses, crate::delivery::jira_addresses(&all));
}

#[test]
fn nothing_is_left_out_without_a_window_an_index_or_a_matching_field() {
    let all = tickets();
    let dir = snapshot(&all);
    let s = settings(true);
    // No window: every ticket, and no `Whole`.
    let (kept, whole) = read_keys(dir.path(), None);
    assert_eq!(kept.len(), all.len());
    assert!(whole.is_none());
    // As-of before the window's start: nothing can be left out.
    let (kept, _) = read_keys(dir.path(), Some(window(&s, START, "2026-11-15T00:00")));
    assert_eq!(kept.len(), all.len());
    // Another severity field than the index followed: every ticket.
    let mut other = settings(true);
    other.types.severity_field = "customfield_10010".into();
    let (kept, whole) = read_keys(dir.path(), Some(window(&other, START, "2026-11-25T00:00")));
    assert_eq!(kept.len(), all.len());
    assert!(whole.is_none());
    // A window starting before every event: every ticket.
    let (kept, _) = read_keys(
        dir.path(),
        Some(window(&s, "2026-11-02T00:00", "2026-11-25T00:00")),
    );
    assert_eq!(kept.len(), all.len());
}

#[test]
fn an_instant_finer_than_a_millisecond_writes_no_index() {
    let mut all = tickets();
    all[0].updated = Some(all[0].updated.unwrap() + chrono::Duration::microseconds(1));
    let dir = snapshot(&all);
    let s = settings(true);
    let (kept, whole) = read_keys(dir.path(), Some(window(&s, START, "2026-11-25T00:00")));
    assert_eq!(kept.len(), all.len());
    assert!(whole.is_none());
}

#[test]
fn a_snapshot_without_an_index_is_read_whole() {
    let all = tickets();
    let dir = snapshot(&all);
    // As an older supportlens wrote it: the manifest names no index.
    let path = dir.path().join(MANIFEST);
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();
    manifest.as_object_mut().unwrap().remove("index");
    fs::write(&path, serde_json::to_string(&manifest).unwrap()).unwrap();
    let s = settings(true);
    let (kept, whole) = read_keys(dir.path(), Some(window(&s, START, "2026-11-25T00:00")));
    assert_eq!(kept.len(), all.len());
    assert!(whole.is_none());
}

#[test]
fn pruned_reports_are_byte_identical_to_full_ones() {
    let all = tickets();
    let dir = snapshot(&all);
    let runs = [
        Args {
            weeks: 1,
            engineer: None,
            as_of: "2026-11-25T00:00",
        },
        Args {
            weeks: 2,
            engineer: None,
            as_of: "2026-11-25T00:00",
        },
        Args {
            weeks: 1,
            engineer: Some("cat"),
            as_of: "2026-11-25T00:00",
        },
        // As-of inside the window: eve's assignment to SUP-26 comes after it.
        Args {
            weeks: 1,
            engineer: None,
            as_of: "2026-11-19T12:00",
        },
    ];
    for engineers in [true, false] {
        let s = settings(engineers);
        for args in &runs {
            let start = if args.weeks == 1 {
                START
            } else {
                "2026-11-09T00:00"
            };
            let w = window(&s, start, args.as_of);
            let full = report(&s, read(dir.path()).unwrap().0, None, args);
            let (part, _, whole) = read_window(
                dir.path(),
                |_, _| Some(w),
                &mut crate::progress::Progress::quiet(),
            )
            .unwrap();
            let whole = whole.expect("an indexed snapshot");
            assert!(
                whole.left_out > 0,
                "engineers {engineers}: nothing left out"
            );
            let pruned = report(&s, part.clone(), Some(whole), args);
            assert_eq!(
                tables(&pruned),
                tables(&full),
                "engineers {engineers}, {} weeks, engineer {:?}, as-of {}",
                args.weeks,
                args.engineer,
                args.as_of
            );
            // Without what the left-out tickets say about people, the tables would differ
            // (cat's name, zed's app account): the comparison above can fail.
            if args.engineer.is_none() && args.weeks == 1 && args.as_of == "2026-11-25T00:00" {
                let blind = report(&s, part, None, args);
                let differ: Vec<String> = tables(&blind)
                    .into_iter()
                    .zip(tables(&full))
                    .filter(|(b, f)| b != f)
                    .map(|(b, _)| b.0)
                    .collect();
                assert_eq!(
                    differ,
                    ["engineer_weekly.csv", "data_quality.csv"],
                    "engineers {engineers}"
                );
                // With `[team] engineers` empty, dan is staff only by SUP-6, left out.
                let weekly = |r: &Report| {
                    tables(r)
                        .iter()
                        .any(|(n, t)| n == "engineer_weekly.csv" && t.contains(",dan,"))
                };
                assert_eq!(weekly(&full), !engineers);
                assert!(!weekly(&blind));
            }
        }
    }
}

/// An index that does not list the tickets table's tickets (one of another snapshot, with
/// the manifest made to match it) is a damaged snapshot, exit 3, not a wrong report.
#[test]
fn an_index_of_other_tickets_is_a_damaged_snapshot() {
    let all = tickets();
    let dir = snapshot(&all);
    let other = snapshot(&all[1..]);
    fs::copy(
        other.path().join("index.parquet"),
        dir.path().join("index.parquet"),
    )
    .unwrap();
    let read_manifest = |d: &Path| -> serde_json::Value {
        serde_json::from_str(&fs::read_to_string(d.join(MANIFEST)).unwrap()).unwrap()
    };
    let theirs = read_manifest(other.path());
    let mut ours = read_manifest(dir.path());
    let entry = |m: &serde_json::Value| {
        m["tables"]
            .as_array()
            .unwrap()
            .iter()
            .position(|e| e["name"] == "index")
            .unwrap()
    };
    let (i, j) = (entry(&ours), entry(&theirs));
    ours["tables"][i] = theirs["tables"][j].clone();
    fs::write(dir.path().join(MANIFEST), ours.to_string()).unwrap();
    let s = settings(true);
    let w = window(&s, START, "2026-11-25T00:00");
    let err = read_window(
        dir.path(),
        |_, _| Some(w),
        &mut crate::progress::Progress::quiet(),
    )
    .unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Input));
    let text = format!("{err:#}");
    assert!(text.contains("index.parquet"), "{text}");
    assert!(text.contains("incomplete or damaged"), "{text}");
    // Without a window the index is not read: the tickets are whole and right.
    assert_eq!(read(dir.path()).unwrap().0.len(), all.len());
}

#[test]
fn remembered_status_classes_are_the_settings_own() {
    let s = settings(true);
    // More names than are remembered, repeated, spelled two ways, and unknown ones.
    let mut names: Vec<String> = [
        "Open",
        "In Progress",
        "in-progress",
        "Waiting On Client",
        "Resolved",
        "Closed",
        "Parked",
        "",
    ]
    .iter()
    .map(|n| n.to_string())
    .collect();
    names.extend((0..20).map(|i| format!("Custom {i}")));
    let twice: Vec<&str> = names.iter().chain(&names).map(String::as_str).collect();
    let mut classes = super::super::prune::Classes::default();
    for name in twice {
        assert_eq!(classes.of(&s, name), s.status_class(name), "{name:?}");
    }
}
