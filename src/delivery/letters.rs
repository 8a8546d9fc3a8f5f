//! Who gets which message for a report (SPEC §7): each lead one team review with
//! `index.html`; with `engineers = true`, each engineer active in the last week (a row of
//! `engineer_weekly.csv` for it, not `(unassigned)`) their own summary with their page;
//! with `webhook = true`, the team summary for the webhook. An engineer without an address
//! or a page is a warning, not a failure.

use std::collections::{BTreeMap, BTreeSet};

use lettre::Address;
use lettre::message::Mailbox;

use super::address::address_of;
use super::message::Letter;
use super::record::Kind;
use super::shown;
use super::summary::Summary;
use crate::metrics::UNASSIGNED;
use crate::report::Report;
use crate::report::charts::engineer_chart;
use crate::week::Week;

/// Everything a report's delivery would send, before the record is consulted.
#[derive(Debug)]
pub struct Plan {
    pub week: Week,
    pub letters: Vec<Letter>,
    /// The webhook's text, when the webhook is on.
    pub webhook: Option<String>,
    /// Engineers who get nothing, and why.
    pub warnings: Vec<String>,
}

/// What `[delivery]` asks for, with the addresses already read.
#[derive(Debug, Clone)]
pub struct Wanted<'a> {
    pub leads: &'a [Mailbox],
    pub engineers: bool,
    pub webhook: bool,
    /// `[team] emails`.
    pub configured: &'a BTreeMap<String, String>,
    /// The latest `emailAddress` JIRA sent per person.
    pub jira: &'a BTreeMap<String, String>,
}

/// The page of engineer `id` in a report folder: `engineers/<file id>.html`, the file id
/// being the one their chart files use.
pub fn engineer_page(id: &str) -> String {
    let chart = engineer_chart(id);
    let file_id = chart.strip_prefix("charts/engineer_").unwrap_or(&chart);
    format!("engineers/{file_id}.html")
}

/// The messages for `report`, or None when it has no week to speak of.
pub fn plan(report: &Report, wanted: &Wanted) -> Option<Plan> {
    let m = &report.measured;
    let week = m.window.last()?;
    let file = |name: &str| {
        report
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    let team = Summary::team(week, &m.values, &m.goals, &m.feedback);
    let mut letters = Vec::new();
    let mut warnings = Vec::new();
    let index = file("index.html").unwrap_or_default();
    let mut seen = BTreeSet::new();
    for lead in wanted.leads {
        if !seen.insert(lead.email.to_string().to_ascii_lowercase()) {
            continue;
        }
        let subject = format!("supportlens: team review {week}");
        let closing = "The team page is attached (index.html): it opens in any browser, offline.";
        letters.push(Letter {
            kind: Kind::Team,
            to: lead.clone(),
            text: team.text(&subject, "The team", closing),
            html: team.html(&subject, "The team", closing),
            subject,
            attachment: ("index.html".to_string(), index.clone()),
        });
    }
    if wanted.engineers {
        let active: BTreeMap<&str, &str> = m
            .values
            .engineers
            .iter()
            // Engineers only: a lead or a customer credited with an item has a row too.
            .filter(|r| r.week == week && r.engineer != UNASSIGNED)
            .filter(|r| m.engineers.contains(&r.engineer))
            .map(|r| (r.engineer.as_str(), r.name.as_str()))
            .collect();
        for (id, name) in active {
            match engineer_letter(report, wanted, week, id, name) {
                Ok(letter) => letters.push(letter),
                Err(why) => warnings.push(why),
            }
        }
    }
    let webhook = wanted.webhook.then(|| team.slack());
    Some(Plan {
        week,
        letters,
        webhook,
        warnings,
    })
}

/// Engineer `id`'s message, or the warning saying why they get none.
fn engineer_letter(
    report: &Report,
    wanted: &Wanted,
    week: Week,
    id: &str,
    name: &str,
) -> Result<Letter, String> {
    let who = if name.is_empty() {
        shown(id)
    } else {
        format!("{} ({})", shown(id), shown(name))
    };
    let Some(address) = address_of(id, wanted.configured, wanted.jira) else {
        return Err(format!(
            "delivery: engineer {who} gets no mail: no address in [team] emails and none from \
             JIRA; add one to [team] emails"
        ));
    };
    let Ok(email) = address.trim().parse::<Address>() else {
        return Err(format!(
            "delivery: engineer {who} gets no mail: {} is not a mail address; fix it in \
             [team] emails",
            shown(address)
        ));
    };
    let page_name = engineer_page(id);
    let Some((_, page)) = report.files.iter().find(|(n, _)| *n == page_name) else {
        return Err(format!(
            "delivery: engineer {who} gets no mail: the report has no {page_name}"
        ));
    };
    let mine = Summary::engineer(
        id,
        week,
        &report.measured.values,
        &report.measured.goals,
        &report.measured.feedback,
    );
    let subject = format!("supportlens: your week {week}");
    let attachment = page_name.trim_start_matches("engineers/").to_string();
    let heading = if name.is_empty() {
        subject.clone()
    } else {
        format!("{subject}, {name}")
    };
    let closing = format!(
        "Your page is attached ({attachment}): your numbers over the window, your goals, and \
         the tickets behind each point. It opens in any browser, offline."
    );
    Ok(Letter {
        kind: Kind::Engineer,
        to: Mailbox::new((!name.is_empty()).then(|| name.to_string()), email),
        text: mine.text(&heading, "Your numbers", &closing),
        html: mine.html(&heading, "Your numbers", &closing),
        subject,
        attachment: (attachment, page.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Measured, Window};
    use crate::metrics::columns::{COLUMNS, column};
    use crate::metrics::feedback::{Kind as PointKind, Point};
    use crate::report::goals::GoalRow;
    use crate::report::values::{ValueRow, WeeklyValues};

    fn week(s: &str) -> Week {
        s.parse().unwrap()
    }

    /// A row with `sla_breaches` and `ack_sla_pct` set.
    fn row(w: &str, id: &str, name: &str, breaches: f64, ack: f64) -> ValueRow {
        let mut values = vec![None; COLUMNS.len()];
        values[column("sla_breaches").unwrap().0] = Some(breaches);
        values[column("ack_sla_pct").unwrap().0] = Some(ack);
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
            metric: "ack_sla_pct",
            message: "1 ack clock breached".into(),
            tickets: vec!["SUP-1".into()],
        }
    }

    /// Ana and Bo were active in W47, Cy only in W46; Bo has no address, Ana's page and
    /// Cy's exist. Hand-worked: the lead's mail shows the team's 3 breaches against 5,
    /// both goals missed by name, 2 improvement points; Ana's shows only her numbers.
    fn report() -> Report {
        let ana_page = b"<html>Ana's page</html>".to_vec();
        Report {
            folder: "2026-W47".into(),
            files: vec![
                ("index.html".into(), b"<html>team</html>".to_vec()),
                (engineer_page("ana"), ana_page),
                (engineer_page("cy9"), b"<html>Cy</html>".to_vec()),
            ],
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
                        metric: "ack_sla_pct",
                        value: 87.5,
                        goal: 95.0,
                        met: false,
                    },
                    GoalRow {
                        week: week("2026-W47"),
                        engineer: "ana".into(),
                        metric: "ack_sla_pct",
                        value: 80.0,
                        goal: 95.0,
                        met: false,
                    },
                    GoalRow {
                        week: week("2026-W47"),
                        engineer: "bo7".into(),
                        metric: "ack_sla_pct",
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
        let wanted = Wanted {
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
        assert_eq!(ana.attachment.0, "ana.html");
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
    fn an_engineer_without_a_page_or_with_a_bad_address_is_a_warning() {
        let configured = BTreeMap::from([
            ("ana".to_string(), "not an address".to_string()),
            ("bo7".to_string(), "bo@example.com".to_string()),
        ]);
        let none = BTreeMap::new();
        let wanted = Wanted {
            leads: &[],
            engineers: true,
            webhook: false,
            configured: &configured,
            jira: &none,
        };
        let plan = plan(&report(), &wanted).unwrap();
        assert!(plan.letters.is_empty());
        assert_eq!(plan.webhook, None);
        assert_eq!(plan.warnings.len(), 2, "{:?}", plan.warnings);
        assert!(plan.warnings[0].contains("\"not an address\" is not a mail address"));
        assert!(plan.warnings[1].contains("the report has no engineers/bo7.html"));
    }
}
