//! Who gets which message for a report (SPEC §7): each lead one team review with
//! `index.html`; with `engineers = true`, each engineer active in the last week (a row of
//! `engineer_weekly.csv` for it, not `(unassigned)`) their own summary with their page,
//! built from the measured results as their self-review is (`report --engineer`), so it
//! names no one else; with `webhook = true`, the team summary for the webhook. An engineer
//! without an address, or whose page cannot be made, is a warning, not a failure.

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
use crate::report::charts::file_id;
use crate::settings::Settings;
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
    /// The settings the report was made with (the pages' links, targets and goals).
    pub settings: &'a Settings,
    pub leads: &'a [Mailbox],
    pub engineers: bool,
    pub webhook: bool,
    /// `[team] emails`.
    pub configured: &'a BTreeMap<String, String>,
    /// The latest `emailAddress` JIRA sent per person.
    pub jira: &'a BTreeMap<String, String>,
}

/// The messages for `report`, or None when it has no week to speak of.
pub fn plan(report: &Report, wanted: &Wanted) -> Option<Plan> {
    let m = &report.measured;
    let week = m.window.last()?;
    // The team page stays in the report once written (`report::write`); the other files
    // went to disk as they were rendered.
    let file = |name: &str| {
        report
            .files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.clone())
    };
    let team = Summary::team(week, &m.values, &m.goals, &m.feedback, &m.engineers);
    let mut letters = Vec::new();
    let mut warnings = Vec::new();
    let index = file("index.html").unwrap_or_default();
    let mut seen = BTreeSet::new();
    for lead in wanted.leads {
        if !seen.insert(lead.email.to_string().to_ascii_lowercase()) {
            continue;
        }
        let subject = format!("supportlens: team review {week}");
        // The attached copy names the engineers without linking their pages (SPEC §5).
        let closing = format!(
            "The team page is attached (index.html): it opens in any browser, offline. Each \
             engineer's own page is in the report folder {week}."
        );
        letters.push(Letter {
            kind: Kind::Team,
            about: None,
            to: lead.clone(),
            text: team.text(&subject, "The team", &closing),
            html: team.html(&subject, "The team", &closing),
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
    // JIRA's addresses meet the rules of `[team] emails` too (at most 254 octets, no
    // space or control character), then lettre's.
    let email = crate::config::delivery::parse_address(address).and_then(|a| {
        a.parse::<Address>()
            .map_err(|_| format!("{} is not a mail address", shown(address)))
    });
    let email = match email {
        Ok(email) => email,
        Err(why) => {
            return Err(format!(
                "delivery: engineer {who} gets no mail: {why}; fix it in [team] emails"
            ));
        }
    };
    // Their self-review's page: only their numbers, the team's, and no other person.
    let page =
        crate::report::review_page(wanted.settings, &report.measured.scoped(id)).map_err(|e| {
            format!(
                "delivery: engineer {who} gets no mail: their page could not be made: {}",
                crate::error::cut(&format!("{e:#}"), 200)
            )
        })?;
    let mine = Summary::engineer(
        id,
        week,
        &report.measured.values,
        &report.measured.goals,
        &report.measured.feedback,
    );
    let subject = format!("supportlens: your week {week}");
    // Named as their page in the report folder is (`engineers/<file id>.html`).
    let attachment = format!("{}.html", file_id(id));
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
        about: Some(id.to_string()),
        to: Mailbox::new((!name.is_empty()).then(|| name.to_string()), email),
        text: mine.text(&heading, "Your numbers", &closing),
        html: mine.html(&heading, "Your numbers", &closing),
        subject,
        attachment: (attachment, page),
    })
}

#[cfg(test)]
mod tests;
