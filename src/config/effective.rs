//! The canonical text of an effective configuration, whose SHA-256 goes into `run.json`.
//!
//! Written from the resolved `Settings` (not the file), so comments, key order, spelling
//! of durations (`36h` = `1d12h`), list order of sets and the file's location do not change
//! it, while every value that changes a number does. Sections and keys are sorted.

use std::fmt::Write as _;
use std::path::Path;

use crate::settings::{ClockMode, Flavor, Settings, StatusClass};

use super::values::{format_day_ranges, format_duration};

/// The canonical text of `settings`, TOML-shaped, sections and keys in byte order.
pub fn effective_text(settings: &Settings) -> String {
    let mut out = String::new();
    let cal = &settings.calendar;
    let days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
    let mut calendar: Vec<(String, String)> = days
        .iter()
        .zip(cal.week())
        .map(|(day, ranges)| (day.to_string(), quote(&format_day_ranges(ranges))))
        .collect();
    calendar.push((
        "holidays".into(),
        list(cal.holidays().iter().map(|d| d.to_string())),
    ));
    calendar.push(("timezone".into(), quote(cal.tz().name())));
    section(&mut out, "calendar", calendar);

    section(
        &mut out,
        "calls",
        vec![
            (
                "notes_pattern".into(),
                quote(settings.calls.notes_pattern.as_str()),
            ),
            (
                "worklog_pattern".into(),
                quote(settings.calls.worklog_pattern.as_str()),
            ),
        ],
    );
    section(
        &mut out,
        "escalation",
        vec![
            (
                "early_fraction".into(),
                number(settings.escalation.early_fraction),
            ),
            ("labels".into(), set(&settings.escalation.labels)),
        ],
    );
    // Goals decide goals.csv's `met`; written only when set, so a configuration without
    // goals keeps the digest it had before goals existed.
    if !settings.goals.is_empty() {
        section(
            &mut out,
            "goals",
            settings
                .goals
                .iter()
                .map(|g| (g.metric.to_string(), number(g.target)))
                .collect(),
        );
    }
    section(
        &mut out,
        "hygiene",
        vec![(
            "prebook_after".into(),
            quote(&format_duration(settings.prebook_after)),
        )],
    );

    let jira = &settings.jira;
    section(
        &mut out,
        "jira",
        vec![
            ("concurrency".into(), jira.concurrency.to_string()),
            (
                "flavor".into(),
                quote(match jira.flavor {
                    Flavor::Cloud => "cloud",
                    Flavor::Server => "server",
                }),
            ),
            (
                "jql".into(),
                quote(&path_as_given(&jira.jql, settings.source.as_deref())),
            ),
            ("max_wait".into(), quote(&format_duration(jira.max_wait))),
            ("overlap".into(), quote(&format_duration(jira.overlap))),
            ("url".into(), quote(&jira.url)),
        ],
    );
    section(
        &mut out,
        "products",
        vec![("labels".into(), set(&settings.products))],
    );

    let score = &settings.score;
    section(
        &mut out,
        "score",
        vec![
            ("ack".into(), number(score.ack)),
            ("calls".into(), number(score.calls)),
            ("continuity".into(), number(score.continuity)),
            ("time_logging".into(), number(score.time_logging)),
            ("update".into(), number(score.update)),
            ("wip".into(), number(score.wip)),
        ],
    );

    // BTreeMap order of (ClockKind, TicketType) is ack < update, incident < query < other;
    // sorting by the written name keeps the whole text in byte order.
    let mut sla: Vec<_> = settings.sla.iter().collect();
    sla.sort_by_key(|((kind, ty), _)| (kind.as_str(), ty.as_str()));
    for ((kind, ty), table) in sla {
        let mut keys: Vec<(String, String)> = table
            .by_severity
            .iter()
            .map(|(sev, secs)| (sev.clone(), quote(&format_duration(*secs))))
            .collect();
        keys.push((
            "clock".into(),
            quote(match table.clock {
                ClockMode::TwentyFourSeven => "24x7",
                ClockMode::Business => "business",
            }),
        ));
        if let Some(default) = table.default {
            keys.push(("default".into(), quote(&format_duration(default))));
        }
        section(
            &mut out,
            &format!("sla.{}.{}", kind.as_str(), ty.as_str()),
            keys,
        );
    }

    let names = |keep: fn(StatusClass) -> bool| {
        list(
            settings
                .statuses
                .iter()
                .filter(|(_, class)| keep(**class))
                .map(|(name, _)| name.clone()),
        )
    };
    section(
        &mut out,
        "statuses",
        vec![
            ("done".into(), names(|c| c == StatusClass::Done)),
            (
                "in_progress".into(),
                names(|c| c == StatusClass::InProgress),
            ),
            (
                "waiting_on_customer".into(),
                names(|c| c == StatusClass::WaitingOnCustomer),
            ),
            (
                "waiting_on_us".into(),
                names(|c| matches!(c, StatusClass::WaitingOnUs | StatusClass::InProgress)),
            ),
        ],
    );

    let team = &settings.team;
    section(
        &mut out,
        "team",
        vec![
            ("bots".into(), set(&team.bots)),
            ("engineers".into(), set(&team.engineers)),
            ("leads".into(), set(&team.leads)),
            ("timezone".into(), quote(team.timezone.name())),
        ],
    );

    let types = &settings.types;
    section(
        &mut out,
        "types",
        vec![
            (
                "excluded_resolutions".into(),
                set(&types.excluded_resolutions),
            ),
            ("incident".into(), set(&types.incident)),
            ("query".into(), set(&types.query)),
            ("severity_field".into(), quote(&types.severity_field)),
        ],
    );
    out
}

/// One `[name]` section with its keys sorted.
fn section(out: &mut String, name: &str, mut keys: Vec<(String, String)>) {
    keys.sort();
    if !out.is_empty() {
        out.push('\n');
    }
    let _ = writeln!(out, "[{name}]");
    for (key, value) in keys {
        let _ = writeln!(out, "{} = {value}", quote_key(&key));
    }
}

/// A TOML basic string (JSON string escapes are valid TOML).
fn quote(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// Bare keys stay bare; a severity name with other characters is quoted.
fn quote_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare { key.to_string() } else { quote(key) }
}

/// A list in the order given.
fn list(items: impl Iterator<Item = String>) -> String {
    let quoted: Vec<String> = items.map(|s| quote(&s)).collect();
    format!("[{}]", quoted.join(", "))
}

/// A list whose order carries no meaning: sorted, repeats dropped.
fn set(items: &[String]) -> String {
    let mut sorted: Vec<String> = items.to_vec();
    sorted.sort();
    sorted.dedup();
    list(sorted.into_iter())
}

/// Floats in Rust's shortest round-trip form, always with a decimal point (`3.0`).
fn number(x: f64) -> String {
    format!("{x:?}")
}

/// A path as the config file would write it: relative to the file's folder when it lies
/// inside it, so the same file in two folders gives the same text.
fn path_as_given(path: &Path, source: Option<&Path>) -> String {
    let base = source.and_then(Path::parent).unwrap_or(Path::new(""));
    let shown = path.strip_prefix(base).unwrap_or(path);
    shown.to_string_lossy().into_owned()
}
