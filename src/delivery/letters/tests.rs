//! Who gets which message, worked out by hand for a small team; and the page an engineer
//! is mailed, against the self-review of the sample data.

use std::collections::BTreeSet;

use super::*;
use crate::measure::{Measured, Window};
use crate::metrics::columns::{COLUMNS, Col};
use crate::metrics::feedback::{Kind as PointKind, Point};
use crate::metrics::goals::GoalRow;
use crate::metrics::values::{ValueRow, WeeklyValues};

fn week(s: &str) -> Week {
    s.parse().unwrap()
}

/// A row with `sla_breaches` and `ack_sla_pct` set.
fn row(w: &str, id: &str, name: &str, breaches: f64, ack: f64) -> ValueRow {
    let mut values = vec![None; COLUMNS.len()];
    values[Col::SlaBreaches.index()] = Some(breaches);
    values[Col::AckSlaPct.index()] = Some(ack);
    ValueRow {
        week: week(w),
        engineer: id.into(),
        name: name.into(),
        values,
    }
}

fn point(id: &str, kind: PointKind) -> Point {
    Point {
        week: week("2026-W47"),
        engineer: id.into(),
        kind,
        metric: Col::AckSlaPct.name(),
        message: "1 ack clock breached".into(),
        tickets: vec!["SUP-1".into()],
    }
}

/// Ana and Bo were active in W47, Cy only in W46; Bo has no address. Hand-worked: the
/// lead's mail shows the team's 3 breaches against 5, both goals missed by name, 2
/// improvement points; Ana's shows only her numbers.
fn report() -> Report {
    Report {
        folder: "2026-W47".into(),
        files: vec![("index.html".into(), b"<html>team</html>".to_vec())],
        warnings: vec![],
        measured: Measured {
            window: Window {
                weeks: vec![week("2026-W46"), week("2026-W47")],
            },
            values: WeeklyValues {
                engineers: vec![
                    row("2026-W46", "cy9", "Cy Wu", 5.0, 50.0),
                    row("2026-W47", "(unassigned)", "", 1.0, 0.0),
                    row("2026-W47", "ana", "Ana Ruiz", 2.0, 80.0),
                    row("2026-W47", "bo7", "Bo Lind", 0.0, 100.0),
                    // A lead with a row of the week: not an engineer, so no mail of hers.
                    row("2026-W47", "le1", "Lea Lead", 0.0, 100.0),
                ],
                team: vec![
                    row("2026-W46", "(team)", "", 5.0, 50.0),
                    row("2026-W47", "(team)", "", 3.0, 87.5),
                ],
            },
            feedback: vec![
                point("ana", PointKind::Improve),
                point("ana", PointKind::Plus),
                point("bo7", PointKind::Improve),
            ],
            goals: vec![
                GoalRow {
                    week: week("2026-W47"),
                    engineer: "(team)".into(),
                    metric: Col::AckSlaPct.name(),
                    value: 87.5,
                    goal: 95.0,
                    met: false,
                },
                GoalRow {
                    week: week("2026-W47"),
                    engineer: "ana".into(),
                    metric: Col::AckSlaPct.name(),
                    value: 80.0,
                    goal: 95.0,
                    met: false,
                },
                GoalRow {
                    week: week("2026-W47"),
                    engineer: "bo7".into(),
                    metric: Col::AckSlaPct.name(),
                    value: 100.0,
                    goal: 95.0,
                    met: true,
                },
            ],
            engineers: ["ana", "bo7", "cy9"].map(String::from).into(),
            ..Measured::default()
        },
    }
}

#[test]
fn each_lead_gets_the_team_review_and_each_active_engineer_their_own_week() {
    let leads: Vec<Mailbox> = vec![
        "lead@example.com".parse().unwrap(),
        "LEAD@example.com".parse().unwrap(),
    ];
    let configured = BTreeMap::from([
        ("ana".to_string(), "ana@example.com".to_string()),
        ("le1".to_string(), "lea@example.com".to_string()),
    ]);
    let jira = BTreeMap::from([("cy9".to_string(), "cy@example.com".to_string())]);
    let settings = crate::config::defaults();
    let wanted = Wanted {
        settings: &settings,
        leads: &leads,
        engineers: true,
        webhook: true,
        configured: &configured,
        jira: &jira,
    };
    let report = report();
    let plan = plan(&report, &wanted).unwrap();
    assert_eq!(plan.week, week("2026-W47"));
    // One lead (the same address twice), Ana; Bo has no address; Cy was not active;
    // Lea is a lead, not an engineer, though she has a row and an address.
    assert_eq!(plan.letters.len(), 2);
    let lead = &plan.letters[0];
    assert_eq!(lead.kind, Kind::Team);
    assert_eq!(lead.subject, "supportlens: team review 2026-W47");
    assert_eq!(
        lead.attachment,
        ("index.html".into(), b"<html>team</html>".to_vec())
    );
    assert!(
        lead.text
            .contains("The team in 2026-W47, against 2026-W46:"),
        "{}",
        lead.text
    );
    assert!(
        lead.text
            .contains("  SLA breaches         3 (week before: 5)"),
        "{}",
        lead.text
    );
    assert!(
        lead.text
            .contains("  Acks within SLA      87.5 % (week before: 50.0 %)\n"),
        "{}",
        lead.text
    );
    assert!(
        lead.text.contains("Goals missed in 2026-W47: 2\n"),
        "{}",
        lead.text
    );
    assert!(
        lead.text
            .contains("  - The team: Acks within SLA 87.5 %, goal 95.0 %\n"),
        "{}",
        lead.text
    );
    assert!(
        lead.text
            .contains("  - Ana Ruiz: Acks within SLA 80.0 %, goal 95.0 %\n"),
        "{}",
        lead.text
    );
    assert!(
        lead.text.contains("Improvement points in 2026-W47: 2\n"),
        "{}",
        lead.text
    );
    assert!(
        lead.html
            .contains("<li>Ana Ruiz: Acks within SLA 80.0 %, goal 95.0 %</li>")
    );

    let ana = &plan.letters[1];
    assert_eq!(ana.kind, Kind::Engineer);
    assert_eq!(ana.subject, "supportlens: your week 2026-W47");
    assert_eq!(ana.recipient(), "ana@example.com");
    assert_eq!(ana.to.name.as_deref(), Some("Ana Ruiz"));
    // Her page, as her self-review shows it: her numbers and the team's, no one else.
    assert_eq!(ana.attachment.0, "ana.html");
    let page = String::from_utf8(ana.attachment.1.clone()).unwrap();
    assert!(page.contains("Self-review"), "{page}");
    assert!(page.contains("Ana Ruiz"), "{page}");
    for other in [
        "bo7",
        "Bo Lind",
        "cy9",
        "Cy Wu",
        "le1",
        "Lea Lead",
        "index.html",
    ] {
        assert!(!page.contains(other), "her page names {other}");
    }
    assert!(
        ana.text
            .contains("  SLA breaches         2 (week before: n/a)"),
        "{}",
        ana.text
    );
    assert!(
        ana.text
            .contains("Goals missed in 2026-W47: 1\n  - Acks within SLA 80.0 %, goal 95.0 %\n"),
        "{}",
        ana.text
    );
    assert!(
        ana.text.contains("Improvement points in 2026-W47: 1\n"),
        "{}",
        ana.text
    );
    for other in ["bo7", "Bo Lind", "cy9", "Cy Wu", "team:", "(unassigned)"] {
        assert!(
            !ana.text.contains(other) && !ana.html.contains(other),
            "names {other}"
        );
    }
    assert_eq!(plan.warnings.len(), 1);
    assert!(
        plan.warnings[0].contains("\"bo7\" (\"Bo Lind\") gets no mail: no address"),
        "{}",
        plan.warnings[0]
    );
    let slack = plan.webhook.unwrap();
    assert!(
        slack.starts_with("*supportlens: team review 2026-W47*\nSLA breaches 3 (was 5) · "),
        "{slack}"
    );
    assert!(
        slack.ends_with("Goals missed: 2 · Improvement points: 2"),
        "{slack}"
    );
    assert!(!slack.contains("Ana"), "{slack}");
}

#[test]
fn an_engineer_with_a_bad_address_is_a_warning_and_the_others_get_their_page() {
    let configured = BTreeMap::from([
        ("ana".to_string(), "not an address".to_string()),
        ("bo7".to_string(), "bo@example.com".to_string()),
    ]);
    let none = BTreeMap::new();
    let settings = crate::config::defaults();
    let wanted = Wanted {
        settings: &settings,
        leads: &[],
        engineers: true,
        webhook: false,
        configured: &configured,
        jira: &none,
    };
    let plan = plan(&report(), &wanted).unwrap();
    assert_eq!(plan.webhook, None);
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(plan.warnings[0].contains("\"not an address\" is not a mail address"));
    // Bo's page is made for the mail; the report folder need not hold it.
    assert_eq!(plan.letters.len(), 1);
    assert_eq!(plan.letters[0].recipient(), "bo@example.com");
    assert_eq!(plan.letters[0].attachment.0, "bo7.html");
    let page = String::from_utf8(plan.letters[0].attachment.1.clone()).unwrap();
    assert!(
        page.contains("Bo Lind") && !page.contains("Ana Ruiz"),
        "{page}"
    );
}

/// On the sample data, each engineer's attached page is byte for byte the `index.html`
/// of `report --engineer` for them, and it names no other person of the team.
#[test]
fn the_attached_page_is_the_self_review_page() {
    let (settings, opts) = crate::report::tests::sample();
    let read = || crate::report::tests::sample_tickets(&settings);
    let quiet = &mut crate::progress::Progress::quiet();
    let team = crate::report::build(&settings, read(), &opts, quiet).unwrap();
    let m = &team.measured;
    let configured: BTreeMap<String, String> = m
        .engineers
        .iter()
        .map(|id| (id.clone(), format!("e{}@example.com", file_id(id))))
        .collect();
    let none = BTreeMap::new();
    let wanted = Wanted {
        settings: &settings,
        leads: &[],
        engineers: true,
        webhook: false,
        configured: &configured,
        jira: &none,
    };
    let plan = plan(&team, &wanted).unwrap();
    assert!(plan.letters.len() >= 2, "{} letters", plan.letters.len());
    let week = m.window.last().unwrap();
    // Everyone with a row in the report, and their names.
    let people: BTreeSet<(&str, &str)> = m
        .values
        .engineers
        .iter()
        .filter(|r| r.engineer != UNASSIGNED)
        .map(|r| (r.engineer.as_str(), r.name.as_str()))
        .collect();
    for letter in &plan.letters {
        let (id, name) = m
            .values
            .engineers
            .iter()
            .filter(|r| r.week == week)
            .map(|r| (r.engineer.as_str(), r.name.as_str()))
            .find(|(id, _)| letter.recipient() == format!("e{}@example.com", file_id(id)))
            .unwrap();
        let review = crate::report::Options {
            engineer: Some(id.to_string()),
            ..opts.clone()
        };
        let own = crate::report::build(&settings, read(), &review, quiet).unwrap();
        let files = crate::report::files(&settings, &review, &own).unwrap();
        let index = &files.iter().find(|(n, _)| n == "index.html").unwrap().1;
        assert!(
            letter.attachment.1 == *index,
            "the page mailed to {id} differs from their self-review's index.html"
        );
        let page = String::from_utf8_lossy(&letter.attachment.1);
        assert!(page.contains(name), "{id}'s page lacks their name");
        for (other, other_name) in &people {
            if other != &id {
                assert!(!page.contains(other), "{id}'s page names {other}");
                assert!(
                    other_name.is_empty() || !page.contains(other_name),
                    "{id}'s page names {other_name}"
                );
            }
        }
    }
}

/// JIRA's addresses are held to the rules of `[team] emails`: one longer than SMTP
/// carries (254 octets) is a warning that shows a part of it, not a message whose failure
/// would repeat all of it.
#[test]
fn a_jira_address_too_long_for_smtp_is_a_warning_shown_in_part() {
    let long = format!("{}@example.com", "a".repeat(300));
    let jira = BTreeMap::from([
        ("ana".to_string(), long.clone()),
        ("bo7".to_string(), "bo@example.com".to_string()),
    ]);
    let none = BTreeMap::new();
    let settings = crate::config::defaults();
    let wanted = Wanted {
        settings: &settings,
        leads: &[],
        engineers: true,
        webhook: false,
        configured: &none,
        jira: &jira,
    };
    let plan = plan(&report(), &wanted).unwrap();
    assert_eq!(plan.warnings.len(), 1, "{:?}", plan.warnings);
    assert!(
        plan.warnings[0].contains("is not a mail address: longer than 254 characters"),
        "{}",
        plan.warnings[0]
    );
    assert!(!plan.warnings[0].contains(&long), "{}", plan.warnings[0]);
    let to: Vec<String> = plan.letters.iter().map(|l| l.recipient()).collect();
    assert_eq!(to, ["bo@example.com"]);
}
