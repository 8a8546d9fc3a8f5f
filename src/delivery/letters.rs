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
    let week = *report.weeks.last()?;
    let file = |name: &str| {
        report
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    let team = Summary::team(week, &report.values, &report.goals, &report.feedback);
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
        let active: BTreeMap<&str, &str> = report
            .values
            .engineers
            .iter()
            .filter(|r| r.week == week && r.engineer != UNASSIGNED)
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
    let mine = Summary::engineer(id, week, &report.values, &report.goals, &report.feedback);
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
