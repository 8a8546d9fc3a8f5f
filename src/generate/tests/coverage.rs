//! Scenario coverage: a default-size organisation contains at least one ticket showing each
//! behaviour the metrics must handle, in realistic (minority) proportions.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;

use chrono::{Duration, Timelike};
use regex::Regex;
use serde_json::Value;

use super::{default_org, histories, list, replay, text, ts};
use crate::generate::window::ZONE;
use crate::model::{Ts, parse_ts};

#[test]
fn default_organisation_covers_every_scenario() {
    // Several seeds: coverage must come from the proportions, not from one lucky stream.
    for seed in [1, 7, 2026] {
        covers_every_scenario(seed);
    }
}

fn covers_every_scenario(seed: u64) {
    let (dir, all) = default_org(seed);
    let config: toml::Value =
        toml::from_str(&fs::read_to_string(dir.path().join("supportlens.toml")).unwrap()).unwrap();
    let ids = |key: &str| -> BTreeSet<String> {
        config["team"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let (engineers, leads, bots) = (ids("engineers"), ids("leads"), ids("bots"));
    let staff: BTreeSet<String> = engineers.union(&leads).cloned().collect();
    let holidays: BTreeSet<String> = config["calendar"]["holidays"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let call = Regex::new(r"(?i)\b(call|meeting)\b").unwrap();
    let notes = Regex::new(r"(?i)^\W*call notes").unwrap();
    let dst = parse_ts("2026-10-25T01:00:00.000+0000").unwrap();
    let products = ["apim", "iam", "ei", "ob", "analytics"];

    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut hit = |name: &str| *seen.entry(name.to_string()).or_default() += 1;
    // In-progress intervals per engineer, to find parallel work across tickets.
    let mut wip: BTreeMap<String, Vec<(Ts, Ts)>> = BTreeMap::new();
    for issue in &all {
        let f = &issue["fields"];
        let created = ts(&f["created"]);
        let local = created.with_timezone(&ZONE);
        let (initial, states) = replay(issue);
        let kind = initial.issuetype.clone();
        hit(&format!("{} {}", kind, initial.priority.to_lowercase()));
        if holidays.contains(&local.date_naive().to_string()) {
            hit("created on a holiday");
        }
        if local.hour() < 7 || local.hour() >= 20 {
            hit("created at night");
        }
        if local.format("%a").to_string().starts_with('S') {
            hit("created on a weekend");
        }
        if !f["labels"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| products.contains(&l.as_str().unwrap()))
        {
            hit("untagged");
        }
        if f["resolution"]["name"] == "Duplicate" {
            hit("duplicate");
        }
        if !matches!(f["status"]["name"].as_str(), Some("Resolved" | "Closed")) {
            hit("open at the end");
        }
        let comments = list(issue, "comment", "comments");
        let public_staff = |c: &&Value| {
            staff.contains(c["author"]["accountId"].as_str().unwrap())
                && c["jsdPublic"] == true
                && c["visibility"].is_null()
        };
        if kind == "Incident"
            && let Some(first) = comments.iter().find(public_staff)
            && ts(&first["created"]) - created > Duration::minutes(15)
        {
            hit("incident ack breach");
        }
        for c in comments {
            let author = c["author"]["accountId"].as_str().unwrap();
            if !c["visibility"].is_null() {
                hit("internal comment (visibility)");
            }
            if c["jsdPublic"] == false {
                hit("internal comment (jsdPublic false)");
            }
            if c["author"]["accountType"] == "app" {
                hit("bot comment (app)");
            }
            if bots.contains(author) {
                hit("bot comment (listed)");
            }
            if c["author"]["accountType"] == "customer" {
                hit("customer comment");
            }
        }
        // Calls: worklogs and notes matched by author within ±24 h.
        let worklogs = list(issue, "worklog", "worklogs");
        let near = |a: Ts, b: Ts| (a - b).abs() <= Duration::hours(24);
        let calls: Vec<(&str, Ts)> = worklogs
            .iter()
            .filter(|w| call.is_match(&text(&w["comment"])))
            .map(|w| {
                (
                    w["author"]["accountId"].as_str().unwrap(),
                    ts(&w["started"]),
                )
            })
            .collect();
        let noted: Vec<(&str, Ts)> = comments
            .iter()
            .filter(|c| notes.is_match(&text(&c["body"])))
            .map(|c| {
                (
                    c["author"]["accountId"].as_str().unwrap(),
                    ts(&c["created"]),
                )
            })
            .collect();
        for &(who, at) in &calls {
            let matched = noted.iter().any(|&(w, t)| w == who && near(at, t));
            hit(if matched {
                "call with notes"
            } else {
                "call without notes"
            });
        }
        for &(who, at) in &noted {
            if !calls.iter().any(|&(w, t)| w == who && near(at, t)) {
                hit("notes without call");
            }
        }
        for w in worklogs {
            let (started, logged) = (
                ts(&w["started"]).with_timezone(&ZONE),
                ts(&w["created"]).with_timezone(&ZONE),
            );
            if logged.date_naive() > started.date_naive() {
                hit("late log");
                if logged.hour() == 0 {
                    hit("late log just after midnight");
                }
            }
        }
        if ts(&f["updated"]) > dst && created < dst {
            hit("spans the DST change");
        }
        // Changelog scenarios, replayed in order.
        let mut status = initial.status.clone();
        let mut last_staff = initial.assignee.clone().filter(|a| staff.contains(a));
        let mut assigned_open: Option<Ts> = None;
        for (h, (at, after)) in histories(issue).iter().zip(&states) {
            for item in h["items"].as_array().unwrap() {
                let from = item["fromString"].as_str().unwrap_or_default();
                let to = item["toString"].as_str().unwrap_or_default();
                match item["field"].as_str().unwrap() {
                    "status" => {
                        if matches!(from, "Resolved" | "Closed")
                            && !matches!(to, "Resolved" | "Closed")
                        {
                            hit("reopen");
                        }
                        if from == "Waiting On Client" && to == "Waiting On WSO2" {
                            hit("customer reply round trip");
                        }
                        if to == "Closed" {
                            hit("closed");
                        }
                        if from == "Open"
                            && let Some(t) = assigned_open.take()
                            && *at - t > Duration::hours(4)
                        {
                            hit("prebooked");
                        }
                    }
                    "labels" => {
                        let had = from.split(' ').any(|l| l == "escalated");
                        if !had && to.split(' ').any(|l| l == "escalated") {
                            hit("escalation by label");
                        }
                        if from.is_empty() && to.split(' ').any(|l| products.contains(&l)) {
                            hit("tagged later");
                        }
                    }
                    "priority" => hit("priority change"),
                    "issuetype" => hit("issuetype change"),
                    "assignee" => {
                        let to_id = item["to"].as_str().map(str::to_string);
                        match &to_id {
                            None => hit("unassigned"),
                            Some(id) if leads.contains(id) => hit("assigned to a lead"),
                            _ => {}
                        }
                        if let Some(id) = to_id.filter(|id| staff.contains(id)) {
                            match &last_staff {
                                Some(prev) if *prev != id => hit("handoff"),
                                Some(_) if item["from"].is_null() => hit("back to the same person"),
                                _ => {}
                            }
                            if status == "Open" {
                                assigned_open = Some(*at);
                            }
                            last_staff = Some(id);
                        }
                    }
                    _ => {}
                }
            }
            status = after.status.clone();
        }
        // In-progress intervals of this ticket per assignee.
        let mut open: Option<(String, Ts)> = None;
        for (at, s) in &states {
            let now = (s.status == "In Progress")
                .then(|| s.assignee.clone())
                .flatten();
            if open.as_ref().map(|o| &o.0) != now.as_ref() {
                if let Some((who, from)) = open.take() {
                    wip.entry(who).or_default().push((from, *at));
                }
                open = now.map(|who| (who, *at));
            }
        }
    }
    let parallel = wip.values_mut().any(|spans| {
        spans.sort();
        spans.windows(2).any(|w| w[1].0 < w[0].1)
    });
    if parallel {
        hit("parallel in progress");
    }

    let mut expected = vec![
        "internal comment (visibility)",
        "internal comment (jsdPublic false)",
        "bot comment (app)",
        "bot comment (listed)",
        "customer comment",
        "reopen",
        "escalation by label",
        "assigned to a lead",
        "handoff",
        "unassigned",
        "back to the same person",
        "call with notes",
        "call without notes",
        "notes without call",
        "late log",
        "late log just after midnight",
        "duplicate",
        "created on a holiday",
        "created at night",
        "created on a weekend",
        "untagged",
        "tagged later",
        "priority change",
        "issuetype change",
        "customer reply round trip",
        "closed",
        "open at the end",
        "incident ack breach",
        "prebooked",
        "spans the DST change",
        "parallel in progress",
    ]
    .into_iter()
    .map(str::to_string)
    .collect::<Vec<_>>();
    for kind in ["Incident", "Query"] {
        for sev in ["catastrophic", "critical", "high", "normal", "low"] {
            expected.push(format!("{kind} {sev}"));
        }
    }
    expected.push("Task normal".to_string());
    let missing: Vec<_> = expected.iter().filter(|e| !seen.contains_key(*e)).collect();
    assert!(
        missing.is_empty(),
        "seed {seed}: missing scenarios {missing:?}; seen {seen:?}"
    );
    // Realistic proportions: rule breakers are a minority.
    assert!(
        seen["reopen"] < 40 && seen["duplicate"] < 25 && seen["untagged"] < 60,
        "{seen:?}"
    );
    assert!(seen["closed"] > 150, "{seen:?}");
}
