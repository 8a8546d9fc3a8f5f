//! Whole-organisation checks of `generate`: determinism, the JSON shape, event order,
//! changelog consistency, scenario coverage, the config file and the output size.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

mod coverage;

use super::*;
use crate::error::Kind as ErrorKind;
use crate::model::{Ts, parse_ts};

fn opts(out: &Path, tickets: usize, engineers: usize, weeks: u32, seed: u64) -> Options {
    Options {
        tickets,
        engineers,
        weeks,
        seed,
        out: out.to_path_buf(),
        end: default_end(),
    }
}

fn issues(dir: &Path) -> Vec<Value> {
    let text = fs::read_to_string(dir.join("issues.jsonl")).unwrap();
    text.lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn ts(v: &Value) -> Ts {
    parse_ts(v.as_str().unwrap()).unwrap()
}

/// Plain text of an ADF document: paragraphs joined by newlines.
fn text(doc: &Value) -> String {
    doc["content"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["content"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["text"].as_str().unwrap())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn list<'a>(issue: &'a Value, page: &str, key: &str) -> &'a Vec<Value> {
    issue["fields"][page][key].as_array().unwrap()
}

fn histories(issue: &Value) -> &Vec<Value> {
    issue["changelog"]["histories"].as_array().unwrap()
}

#[test]
fn same_options_give_identical_bytes() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let c = tempfile::tempdir().unwrap();
    let sa = generate(&opts(a.path(), 80, 5, 3, 42)).unwrap();
    let sb = generate(&opts(b.path(), 80, 5, 3, 42)).unwrap();
    generate(&opts(c.path(), 80, 5, 3, 43)).unwrap();
    assert_eq!(sa, sb);
    for file in ["issues.jsonl", "supportlens.toml"] {
        assert_eq!(
            fs::read(a.path().join(file)).unwrap(),
            fs::read(b.path().join(file)).unwrap(),
            "{file}"
        );
    }
    assert_ne!(
        fs::read(a.path().join("issues.jsonl")).unwrap(),
        fs::read(c.path().join("issues.jsonl")).unwrap()
    );
    assert_eq!(sa.tickets, 80);
    assert_eq!(
        sa.comments,
        issues(a.path())
            .iter()
            .map(|i| list(i, "comment", "comments").len())
            .sum::<usize>()
    );
}

#[test]
fn bad_options_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let kind = |o: Options| {
        generate(&o)
            .unwrap_err()
            .downcast::<Failure>()
            .unwrap()
            .kind
    };
    assert_eq!(kind(opts(dir.path(), 5, 0, 2, 1)), ErrorKind::Usage);
    assert_eq!(kind(opts(dir.path(), 5, 2, 0, 1)), ErrorKind::Usage);
    let mut tuesday = opts(dir.path(), 5, 2, 2, 1);
    tuesday.end = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
    assert_eq!(kind(tuesday), ErrorKind::Usage);
}

/// The default-size organisation, generated once per test that needs it.
fn default_org(seed: u64) -> (tempfile::TempDir, Vec<Value>) {
    let dir = tempfile::tempdir().unwrap();
    generate(&opts(dir.path(), 300, 12, 10, seed)).unwrap();
    let all = issues(dir.path());
    (dir, all)
}

#[test]
fn issues_have_the_cloud_shape_and_ordered_events() {
    let (dir, all) = default_org(7);
    assert_eq!(all.len(), 300);
    let size = fs::metadata(dir.path().join("issues.jsonl")).unwrap().len();
    assert!(size < 4_000_000, "{size} bytes");
    let window_end = parse_ts("2026-11-23T00:00:00.000+0000").unwrap();
    for (n, issue) in all.iter().enumerate() {
        assert_eq!(issue["key"], format!("SUP-{}", n + 1));
        assert!(issue["id"].as_str().unwrap().parse::<u64>().is_ok());
        let f = &issue["fields"];
        for key in ["issuetype", "status", "priority"] {
            assert!(f[key]["name"].is_string(), "{key}");
        }
        assert!(f["resolution"].is_null() || f["resolution"]["name"].is_string());
        assert!(f["labels"].is_array());
        assert!(f["reporter"]["accountId"].is_string());
        assert!(f["assignee"].is_null() || f["assignee"]["accountType"].is_string());
        let (created, updated) = (ts(&f["created"]), ts(&f["updated"]));
        assert!(updated < window_end);
        let mut latest = created;
        let mut check = |t: Ts, what: &str| {
            assert!(
                t >= created && t <= updated,
                "{} {what} at {t} outside [{created}, {updated}]",
                issue["key"]
            );
            latest = latest.max(t);
        };
        for c in list(issue, "comment", "comments") {
            assert_eq!(c["body"]["type"], "doc");
            assert_eq!(c["body"]["version"], 1);
            assert!(c["jsdPublic"].is_boolean());
            check(ts(&c["created"]), "comment");
        }
        for w in list(issue, "worklog", "worklogs") {
            assert!(w["timeSpentSeconds"].as_i64().unwrap() > 0);
            check(ts(&w["started"]), "worklog start");
            check(ts(&w["created"]), "worklog");
            assert!(
                ts(&w["started"]) <= ts(&w["created"]),
                "{} {w}",
                issue["key"]
            );
        }
        let mut previous = created;
        for h in histories(issue) {
            let at = ts(&h["created"]);
            assert!(at >= previous, "{} histories out of order", issue["key"]);
            previous = at;
            check(at, "history");
            assert!(!h["items"].as_array().unwrap().is_empty());
        }
        assert_eq!(
            latest, updated,
            "{} updated is the latest event",
            issue["key"]
        );
        assert_eq!(
            issue["fields"]["comment"]["total"],
            list(issue, "comment", "comments").len()
        );
        assert_eq!(issue["changelog"]["total"], histories(issue).len());
    }
}

/// One ticket's field values replayed through its changelog.
#[derive(Debug, Clone, PartialEq)]
struct State {
    status: String,
    assignee: Option<String>,
    labels: String,
    priority: String,
    issuetype: String,
}

/// Replays the changelog from the values at creation (the `from` side of each field's first
/// change), checks every item starts where the previous one ended, and returns the states
/// after each history with its time.
fn replay(issue: &Value) -> (State, Vec<(Ts, State)>) {
    let f = &issue["fields"];
    let labels_now = f["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap())
        .collect::<Vec<_>>()
        .join(" ");
    let mut state = State {
        status: f["status"]["name"].as_str().unwrap().to_string(),
        assignee: f["assignee"]["accountId"].as_str().map(str::to_string),
        labels: labels_now,
        priority: f["priority"]["name"].as_str().unwrap().to_string(),
        issuetype: f["issuetype"]["name"].as_str().unwrap().to_string(),
    };
    let mut seen = BTreeSet::new();
    for h in histories(issue) {
        for item in h["items"].as_array().unwrap() {
            let field = item["field"].as_str().unwrap().to_string();
            if seen.insert(field.clone()) {
                let from = item["fromString"].as_str().unwrap_or_default().to_string();
                match field.as_str() {
                    "status" => state.status = from,
                    "assignee" => state.assignee = item["from"].as_str().map(str::to_string),
                    "labels" => state.labels = from,
                    "priority" => state.priority = from,
                    "issuetype" => state.issuetype = from,
                    _ => {}
                }
            }
        }
    }
    let initial = state.clone();
    let mut states = Vec::new();
    for h in histories(issue) {
        for item in h["items"].as_array().unwrap() {
            let from = item["fromString"].as_str().unwrap_or_default().to_string();
            let to = item["toString"].as_str().unwrap_or_default().to_string();
            let slot = match item["field"].as_str().unwrap() {
                "status" => &mut state.status,
                "labels" => &mut state.labels,
                "priority" => &mut state.priority,
                "issuetype" => &mut state.issuetype,
                "assignee" => {
                    assert_eq!(
                        item["from"].as_str().map(str::to_string),
                        state.assignee,
                        "{}",
                        issue["key"]
                    );
                    state.assignee = item["to"].as_str().map(str::to_string);
                    continue;
                }
                _ => continue,
            };
            assert_eq!(*slot, from, "{} {}", issue["key"], item);
            *slot = to;
        }
        states.push((ts(&h["created"]), state.clone()));
    }
    let end = State {
        status: f["status"]["name"].as_str().unwrap().to_string(),
        assignee: f["assignee"]["accountId"].as_str().map(str::to_string),
        labels: f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect::<Vec<_>>()
            .join(" "),
        priority: f["priority"]["name"].as_str().unwrap().to_string(),
        issuetype: f["issuetype"]["name"].as_str().unwrap().to_string(),
    };
    assert_eq!(
        state, end,
        "{} changelog ends at the current fields",
        issue["key"]
    );
    (initial, states)
}

#[test]
fn config_uses_only_spec_keys_and_names_the_team() {
    let dir = tempfile::tempdir().unwrap();
    generate(&opts(dir.path(), 10, 12, 10, 1)).unwrap();
    let text = fs::read_to_string(dir.path().join("supportlens.toml")).unwrap();
    let config: toml::Value = toml::from_str(&text).unwrap();
    let allowed: BTreeMap<&str, &[&str]> = BTreeMap::from([
        (
            "jira",
            &["url", "flavor", "jql", "concurrency", "overlap"][..],
        ),
        ("team", &["timezone", "engineers", "leads", "bots"][..]),
        (
            "calendar",
            &[
                "timezone",
                "mon",
                "tue",
                "wed",
                "thu",
                "fri",
                "sat",
                "sun",
                "holidays",
                "holidays_ics",
            ][..],
        ),
    ]);
    for (section, table) in config.as_table().unwrap() {
        let keys = allowed
            .get(section.as_str())
            .unwrap_or_else(|| panic!("section {section}"));
        for key in table.as_table().unwrap().keys() {
            assert!(keys.contains(&key.as_str()), "[{section}] {key}");
        }
    }
    assert_eq!(config["team"]["timezone"].as_str(), Some("Europe/London"));
    assert_eq!(
        config["calendar"]["timezone"].as_str(),
        Some("Europe/London")
    );
    assert_eq!(config["team"]["engineers"].as_array().unwrap().len(), 12);
    assert_eq!(config["team"]["leads"].as_array().unwrap().len(), 2);
    assert_eq!(config["team"]["bots"].as_array().unwrap().len(), 1);
    let holidays: Vec<&str> = config["calendar"]["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(holidays, ["2026-10-05", "2026-10-30"]);
}
