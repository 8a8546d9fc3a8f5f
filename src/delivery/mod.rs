//! Delivery of a written report (SPEC §7): the team review to each lead, each engineer's
//! own week to them, the team summary to a webhook — each once per week.
//!
//! The module owns the whole step after the report folder is written:
//! - `letters`: who gets which message (and an engineer's page, as their self-review);
//!   `summary`: what a message says;
//! - `message`: a mail's MIME shape; `smtp`: the server and how mail reaches it;
//! - `webhook`: the post; `outbox`: the dry run's files;
//! - `record`: `delivery.json`, what was sent, consulted so a re-run sends only the rest;
//! - `address`: engineers' addresses from `[team] emails` and JIRA.
//!
//! [`Setup::new`] checks the settings and reads the secrets before the report is built, so
//! a configuration mistake is exit 2 with nothing written; [`deliver`] runs after the
//! report is in place, and any message not sent is exit 6 with the report left as it is.

mod address;
mod letters;
mod message;
mod outbox;
pub mod record;
mod smtp;
mod summary;
mod webhook;

use std::collections::BTreeMap;
use std::path::Path;

use lettre::message::Mailbox;

pub use address::{LatestAddresses, jira_addresses};
pub use record::{Kind, Record, Sent};

use crate::error::Failure;
use crate::model::fmt_ts;
use crate::progress::Progress;
use crate::report::Report;
use crate::settings::Settings;
use letters::{Plan, Wanted};
use smtp::{Mailer, Refusal};
use webhook::Webhook;

/// Send the messages, or write them into `outbox/` (`--dry-run-delivery`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Send,
    DryRun,
}

/// `[delivery]` checked, with the secrets it needs read from the environment.
pub struct Setup {
    mode: Mode,
    from: Option<Mailbox>,
    leads: Vec<Mailbox>,
    engineers: bool,
    webhook_on: bool,
    /// Only when sending mail.
    mailer: Option<Mailer>,
    /// Only when sending to the webhook.
    webhook: Option<Webhook>,
}

impl Setup {
    /// The delivery `[delivery]` asks for; None when it names no destination. Errors are
    /// usage errors (exit 2) naming the key or variable, found before any report is built.
    pub fn new(settings: &Settings, mode: Mode) -> Result<Option<Setup>, Failure> {
        let d = &settings.delivery;
        let leads = d
            .leads
            .iter()
            .map(|l| {
                l.trim().parse::<Mailbox>().map_err(|_| {
                    Failure::usage(format!(
                        "[delivery] leads: {} is not a mail address",
                        shown(l)
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let wants_mail = !leads.is_empty() || d.engineers;
        if !wants_mail && !d.webhook {
            return Ok(None);
        }
        let from = match d.from.as_deref().filter(|f| !f.trim().is_empty()) {
            Some(f) => Some(f.trim().parse::<Mailbox>().map_err(|_| {
                Failure::usage(format!(
                    "[delivery] from: {} is not a mailbox; write \"supportlens <reports@example.com>\"",
                    shown(f)
                ))
            })?),
            None if wants_mail => {
                return Err(Failure::usage(
                    "[delivery] from is not set, and mail needs a sender: write e.g. from = \
                     \"supportlens <reports@example.com>\"",
                ));
            }
            None => None,
        };
        let send = mode == Mode::Send;
        let mailer = match &d.smtp {
            Some(server) if send && wants_mail => {
                Some(Mailer::new(server, smtp::credentials_from_env()?)?)
            }
            None if send && wants_mail => {
                return Err(Failure::usage(
                    "[delivery] leads or engineers ask for mail but [delivery] smtp is not set; \
                     write e.g. smtp = \"smtps://smtp.example.com:465\"",
                ));
            }
            _ => None,
        };
        let webhook = (send && d.webhook).then(Webhook::from_env).transpose()?;
        Ok(Some(Setup {
            mode,
            from,
            leads,
            engineers: d.engineers,
            webhook_on: d.webhook,
            mailer,
            webhook,
        }))
    }
}

/// Delivers `report`, written in `folder`, as `setup` says; `jira` holds the addresses
/// JIRA sent (see [`jira_addresses`]). Messages already in `delivery.json` are skipped.
/// Returns a delivery failure (exit 6) naming each recipient and the server when any
/// message could not be sent; the others are sent and recorded all the same.
pub fn deliver(
    setup: &Setup,
    settings: &Settings,
    report: &Report,
    folder: &Path,
    jira: &BTreeMap<String, String>,
    progress: &mut Progress,
) -> anyhow::Result<()> {
    let wanted = Wanted {
        settings,
        leads: &setup.leads,
        engineers: setup.engineers,
        webhook: setup.webhook_on,
        configured: &settings.team.emails,
        jira,
    };
    let Some(plan) = letters::plan(report, &wanted) else {
        return Ok(());
    };
    for w in &plan.warnings {
        crate::stderr_line!("supportlens: warning: {w}");
    }
    let week = plan.week.to_string();
    let mut record = Record::load(folder)?;
    let pending: Vec<_> = plan
        .letters
        .iter()
        .filter(|l| !record.has(l.kind, &l.recipient(), l.about.as_deref(), &week))
        .collect();
    let webhook_text = plan
        .webhook
        .as_deref()
        .filter(|_| !record.has(Kind::Webhook, WEBHOOK_RECIPIENT, None, &week));
    if pending.is_empty() && webhook_text.is_none() {
        progress.step(&format!(
            "nothing to deliver for {week}: {} records every message",
            folder.join(record::FILE).display()
        ));
        return Ok(());
    }
    if setup.mode == Mode::DryRun {
        let (outbox, count) = outbox::write(folder, setup.from.as_ref(), &pending, webhook_text)
            .map_err(|e| Failure::delivery(format!("{e:#}")))?;
        progress.step(&format!(
            "wrote {count} messages into {} (nothing sent)",
            outbox.display()
        ));
        return Ok(());
    }
    let mut failures = Vec::new();
    if !pending.is_empty() {
        failures.extend(send_mail(
            setup,
            &plan,
            &pending,
            &mut record,
            folder,
            progress,
        )?);
    }
    if let (Some(text), Some(hook)) = (webhook_text, &setup.webhook) {
        match hook.post(text) {
            Ok(()) => {
                let post = sent(WEBHOOK_RECIPIENT, Kind::Webhook, &week, None);
                record.add(folder, post)?;
                progress.step("posted the team summary to the webhook");
            }
            Err(why) => failures.push(format!("{} {why}", webhook::NAME)),
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    Err(Failure::delivery(format!(
        "delivery of {week} incomplete: {}; the report is in {} and {} lists what was sent: \
         run the same command again to send the rest",
        failures.join("; "),
        folder.display(),
        record::FILE
    ))
    .into())
}

/// The record's recipient for the webhook: its URL is a secret.
const WEBHOOK_RECIPIENT: &str = "webhook";

/// Mails `pending`, recording each message as the server takes it; returns one phrase per
/// failure. After a failure of the server itself the rest are not tried.
fn send_mail(
    setup: &Setup,
    plan: &Plan,
    pending: &[&message::Letter],
    record: &mut Record,
    folder: &Path,
    progress: &mut Progress,
) -> anyhow::Result<Vec<String>> {
    let (Some(mailer), Some(from)) = (&setup.mailer, &setup.from) else {
        return Ok(Vec::new());
    };
    let week = plan.week.to_string();
    let server = mailer.server();
    // (recipient, the phrase saying why) of each message the server refused.
    let mut refused: Vec<(String, String)> = Vec::new();
    let mut not_tried: Vec<String> = Vec::new();
    let mut down: Option<String> = None;
    let mut count = 0;
    for letter in pending {
        if down.is_some() {
            not_tried.push(letter.recipient());
            continue;
        }
        let id = message::message_id(from);
        let mail = message::build(letter, from, &id)?;
        match mailer.send(&mail) {
            Ok(()) => {
                let mailed = Sent {
                    about: letter.about.clone(),
                    ..sent(&letter.recipient(), letter.kind, &week, Some(id))
                };
                record.add(folder, mailed)?;
                count += 1;
            }
            Err(Refusal::Message(why)) => refused.push((
                letter.recipient(),
                format!(
                    "the SMTP server {server} refused the {} message to {} ({why})",
                    letter.kind.as_str(),
                    letter.recipient()
                ),
            )),
            Err(Refusal::Server(why)) => {
                down = Some(why);
                not_tried.push(letter.recipient());
            }
        }
    }
    let mut failures = refusals(server, refused);
    if let Some(why) = down {
        failures.push(format!(
            "the SMTP server {server} failed ({why}), so {} got nothing",
            listed(&not_tried)
        ));
    }
    if count > 0 {
        progress.step(&format!("mailed {count} messages through {server}"));
    }
    Ok(failures)
}

fn sent(recipient: &str, kind: Kind, week: &str, message_id: Option<String>) -> Sent {
    Sent {
        recipient: recipient.to_string(),
        kind,
        week: week.to_string(),
        time: fmt_ts(chrono::Utc::now()),
        message_id,
        about: None,
    }
}

/// The phrases of the messages `server` refused: each of the first few whole, the rest as
/// one phrase naming some of their recipients, so that a server refusing every message (a
/// relay denying this sender) still gives one readable line.
fn refusals(server: &str, refused: Vec<(String, String)>) -> Vec<String> {
    const WHOLE: usize = 3;
    if refused.len() <= WHOLE + 1 {
        return refused.into_iter().map(|(_, why)| why).collect();
    }
    let rest: Vec<String> = refused[WHOLE..].iter().map(|(to, _)| to.clone()).collect();
    let mut phrases: Vec<String> = refused
        .into_iter()
        .take(WHOLE)
        .map(|(_, why)| why)
        .collect();
    phrases.push(format!(
        "the SMTP server {server} refused {} more messages, to {}",
        rest.len(),
        listed(&rest)
    ));
    phrases
}

/// "a, b and c"; past five, "a, b, c, d, e and 7 more".
fn listed(names: &[String]) -> String {
    const SHOWN: usize = 5;
    match names {
        [] => String::new(),
        [one] => one.clone(),
        _ if names.len() <= SHOWN => format!(
            "{} and {}",
            names[..names.len() - 1].join(", "),
            names[names.len() - 1]
        ),
        _ => format!(
            "{} and {} more",
            names[..SHOWN].join(", "),
            names.len() - SHOWN
        ),
    }
}

/// An untrusted value as a message shows it: quoted, escaped, cut after 80 characters.
pub(crate) fn shown(value: &str) -> String {
    match value.char_indices().nth(80) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lists_of_recipients_are_cut() {
        let names: Vec<String> = (1..=7).map(|i| format!("e{i}@x")).collect();
        assert_eq!(listed(&names[..1]), "e1@x");
        assert_eq!(listed(&names[..3]), "e1@x, e2@x and e3@x");
        assert_eq!(listed(&names), "e1@x, e2@x, e3@x, e4@x, e5@x and 2 more");
        assert_eq!(shown("a\nb"), "\"a\\nb\"");
    }

    #[test]
    fn many_refused_messages_make_one_short_phrase() {
        let refused = |n: usize| -> Vec<(String, String)> {
            (1..=n)
                .map(|i| {
                    (
                        format!("e{i}@x"),
                        format!("refused e{i}@x (550 relay denied)"),
                    )
                })
                .collect()
        };
        // Up to four: each whole.
        assert_eq!(
            refusals("smtp:25", refused(4)),
            (1..=4)
                .map(|i| format!("refused e{i}@x (550 relay denied)"))
                .collect::<Vec<_>>()
        );
        // 150 (a relay denying this sender): three whole, the rest named in part.
        let phrases = refusals("smtp:25", refused(150));
        assert_eq!(phrases.len(), 4);
        assert_eq!(phrases[2], "refused e3@x (550 relay denied)");
        assert_eq!(
            phrases[3],
            "the SMTP server smtp:25 refused 147 more messages, to e4@x, e5@x, e6@x, e7@x, e8@x \
             and 142 more"
        );
    }
}
