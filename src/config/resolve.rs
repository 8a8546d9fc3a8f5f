//! From the file's raw values to `Settings`: built-in defaults for what the file leaves out,
//! SLA tables merged key by key, status classes checked against each other, relative paths
//! resolved against the file's folder, holidays read from the .ics file.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;
use regex::Regex;
use toml::Spanned;

use crate::calendar::Calendar;
use crate::metrics::columns;
use crate::settings::{
    CallSettings, ClockKind, DeliverySettings, EscalationSettings, Flavor, Goal, JiraSettings,
    ScoreWeights, Settings, TeamSettings, TicketType, TypeSettings,
};

use super::effective::effective_text;
use super::errors::Source;
use super::ics::{MAX_HOLIDAYS, parse_ics_holidays, read_ics_file};
use super::raw::RawConfig;
use super::sla::{builtin_sla, merge_sla};
use super::statuses::status_classes;

/// Severity names known without any SLA table naming them (SPEC §1).
pub(super) const DEFAULT_SEVERITIES: [&str; 5] =
    ["catastrophic", "critical", "high", "normal", "low"];

const WEEKDAY_OPEN: (u32, u32) = (9 * 3600, 18 * 3600);

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Builds `Settings` from the raw file (or `RawConfig::default()` for the built-ins).
/// `base` is the config file's folder; `None` keeps relative paths relative to the
/// current folder.
pub fn resolve(raw: RawConfig, base: Option<&Path>, src: &Source) -> anyhow::Result<Settings> {
    let resolve_path = |p: &str| match base {
        Some(dir) => dir.join(p),
        None => PathBuf::from(p),
    };

    let jql = match &raw.jira.jql {
        Some(j) if j.get_ref().trim().is_empty() => {
            return Err(src.problem(
                Some(j.span()),
                "jira.jql",
                "empty path; name the file holding the JQL, e.g. \"queries/support.jql\"",
            ));
        }
        Some(j) => resolve_path(j.get_ref().trim()),
        None => resolve_path("queries/support.jql"),
    };
    let jira = JiraSettings {
        url: raw.jira.url.map(|u| u.0).unwrap_or_default(),
        flavor: raw.jira.flavor.map_or(Flavor::Cloud, |f| f.0),
        jql,
        concurrency: raw.jira.concurrency.map_or(4, |c| c.0),
        overlap: raw.jira.overlap.map_or(600, |d| d.0),
        max_wait: raw.jira.max_wait.map_or(1800, |d| d.0),
    };

    let team = TeamSettings {
        timezone: raw.team.timezone.map_or(Tz::UTC, |t| t.0),
        engineers: raw.team.engineers.unwrap_or_default(),
        leads: raw.team.leads.unwrap_or_default(),
        bots: raw.team.bots.unwrap_or_default(),
        emails: raw
            .team
            .emails
            .unwrap_or_default()
            .into_iter()
            .map(|(id, a)| (id, a.0))
            .collect(),
    };
    let goals = goals(raw.goals, src)?;
    let delivery = delivery(raw.delivery, src)?;

    let cal = raw.calendar;
    let day = |d: Option<super::fields::DayRanges>, open: bool| {
        d.map_or_else(|| if open { vec![WEEKDAY_OPEN] } else { vec![] }, |r| r.0)
    };
    let week = [
        day(cal.mon, true),
        day(cal.tue, true),
        day(cal.wed, true),
        day(cal.thu, true),
        day(cal.fri, true),
        day(cal.sat, false),
        day(cal.sun, false),
    ];
    let too_many = |count: usize| {
        src.problem(
            None,
            "calendar.holidays",
            &format!(
                "{count} holiday dates, more than the {MAX_HOLIDAYS} supportlens reads (with holidays_ics); list the days the team is closed, not every day"
            ),
        )
    };
    let listed = cal.holidays.unwrap_or_default();
    if listed.len() > MAX_HOLIDAYS {
        return Err(too_many(listed.len()));
    }
    let mut holidays: BTreeSet<NaiveDate> = listed.into_iter().map(|h| h.0).collect();
    if let Some(ics) = &cal.holidays_ics {
        holidays.extend(read_ics(ics, &resolve_path, src)?);
    }
    if holidays.len() > MAX_HOLIDAYS {
        return Err(too_many(holidays.len()));
    }
    let calendar = Calendar::new(cal.timezone.map_or(Tz::UTC, |t| t.0), week, holidays)
        .map_err(|e| src.problem(None, "calendar", &e))?;

    let types = TypeSettings {
        incident: raw.types.incident.unwrap_or_else(|| strings(&["Incident"])),
        query: raw.types.query.unwrap_or_else(|| strings(&["Query"])),
        severity_field: raw
            .types
            .severity_field
            .map_or_else(|| "priority".to_string(), |f| f.0),
        excluded_resolutions: raw
            .types
            .excluded_resolutions
            .unwrap_or_else(|| strings(&["Duplicate"])),
    };

    let statuses = status_classes(raw.statuses, src)?;

    let mut sla = builtin_sla();
    let groups = [
        (ClockKind::Ack, raw.sla.ack),
        (ClockKind::Update, raw.sla.update),
    ];
    for (kind, group) in groups {
        let Some(group) = group else { continue };
        for (ty, table) in [
            (TicketType::Incident, group.incident),
            (TicketType::Query, group.query),
            (TicketType::Other, group.other),
        ] {
            if let Some(table) = table {
                merge_sla(&mut sla, (kind, ty), table);
            }
        }
    }
    let known_severities = DEFAULT_SEVERITIES
        .iter()
        .map(|s| s.to_string())
        .chain(sla.values().flat_map(|t| t.by_severity.keys().cloned()))
        .collect();

    let pattern = |p: Option<super::fields::Pattern>, default: &str| match p {
        Some(p) => Ok(p.0),
        None => Regex::new(default),
    };
    let calls = CallSettings {
        worklog_pattern: pattern(raw.calls.worklog_pattern, r"(?i)\b(call|meeting)\b")?,
        notes_pattern: pattern(raw.calls.notes_pattern, r"(?i)^\W*call notes")?,
    };

    let weight = |w: Option<super::fields::Weight>, default: f64| w.map_or(default, |w| w.0);
    let s = raw.score;
    let score = ScoreWeights {
        ack: weight(s.ack, 3.0),
        update: weight(s.update, 2.0),
        continuity: weight(s.continuity, 1.0),
        time_logging: weight(s.time_logging, 1.0),
        calls: weight(s.calls, 1.0),
        wip: weight(s.wip, 1.0),
    };

    let mut settings = Settings {
        jira,
        team,
        calendar,
        types,
        statuses,
        products: raw
            .products
            .labels
            .unwrap_or_else(|| strings(&["apim", "iam", "ei", "ob", "analytics"])),
        sla,
        known_severities,
        escalation: EscalationSettings {
            labels: raw
                .escalation
                .labels
                .unwrap_or_else(|| strings(&["escalated"])),
            early_fraction: raw.escalation.early_fraction.map_or(0.25, |f| f.0),
        },
        calls,
        prebook_after: raw.hygiene.prebook_after.map_or(4 * 3600, |d| d.0),
        score,
        goals,
        delivery,
        source: src.path().map(Path::to_path_buf),
        effective: String::new(),
    };
    settings.effective = effective_text(&settings);
    Ok(settings)
}

/// `[goals]`: each key a weekly column with a better direction (SPEC §5), in column order.
fn goals(
    raw: BTreeMap<String, Spanned<super::delivery::GoalNumber>>,
    src: &Source,
) -> anyhow::Result<Vec<Goal>> {
    let mut goals = Vec::with_capacity(raw.len());
    for (key, value) in raw {
        let shown: String = key.chars().take(60).collect();
        let at = Some(value.span());
        let Some((index, def)) = columns::column(&key) else {
            return Err(src.problem(
                at,
                &format!("goals.{shown}"),
                "not a column of engineer_weekly.csv; a goal names a column such as ack_sla_pct = 95 or late_logs = 0 (SPEC §5 Goals)",
            ));
        };
        let Some(better) = def.better else {
            return Err(src.problem(
                at,
                &format!("goals.{shown}"),
                "this column has no better direction (neither higher nor lower is better), so it cannot be a goal; remove it",
            ));
        };
        goals.push(Goal {
            metric: def.name,
            index,
            better,
            target: value.get_ref().0,
        });
    }
    goals.sort_by_key(|g| g.index);
    Ok(goals)
}

/// `[delivery]`: mail needs a server and a sender.
fn delivery(raw: super::raw::RawDelivery, src: &Source) -> anyhow::Result<DeliverySettings> {
    let (smtp, smtp_span) = match raw.smtp {
        Some(s) => {
            let span = s.span();
            (s.into_inner().0, Some(span))
        }
        None => (None, None),
    };
    let d = DeliverySettings {
        smtp,
        from: raw.from.and_then(|m| m.0),
        leads: raw
            .leads
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.0)
            .collect(),
        engineers: raw.engineers.as_ref().is_some_and(|e| *e.get_ref()),
        webhook: raw.webhook.unwrap_or(false),
    };
    let mails = !d.leads.is_empty() || d.engineers;
    if mails && d.smtp.is_none() {
        return Err(src.problem(
            raw.engineers.as_ref().map(|e| e.span()).or(smtp_span),
            "delivery.smtp",
            "leads or engineers are to get mail, but no SMTP server is set; set smtp = \"smtps://smtp.example.com:465\"",
        ));
    }
    if mails && d.from.is_none() {
        return Err(src.problem(
            smtp_span,
            "delivery.from",
            "mail needs a sender; set from = \"supportlens <support-reports@example.com>\"",
        ));
    }
    Ok(d)
}

/// Holidays from `[calendar] holidays_ics`; "" means none.
fn read_ics(
    ics: &Spanned<String>,
    resolve_path: &dyn Fn(&str) -> PathBuf,
    src: &Source,
) -> anyhow::Result<Vec<NaiveDate>> {
    let given = ics.get_ref().trim();
    if given.is_empty() {
        return Ok(Vec::new());
    }
    let path = resolve_path(given);
    let key = "calendar.holidays_ics";
    let text = read_ics_file(&path).map_err(|e| {
        src.problem(
            Some(ics.span()),
            key,
            &format!(
                "cannot read {}: {e}; fix the path (a relative path is read from the config file's folder) or set holidays_ics = \"\"",
                path.display()
            ),
        )
    })?;
    parse_ics_holidays(&text)
        .map_err(|e| src.problem(Some(ics.span()), key, &format!("{}: {e}", path.display())))
}
