//! Defaults, the template, merging, paths, the effective text and overrides.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::{date, load_str};
use crate::config::sla::builtin_sla;
use crate::config::{apply_overrides, defaults, from_text, load, template};
use crate::error::exit_code;
use crate::settings::{ClockKind, ClockMode, Flavor, SlaTable, StatusClass, TicketType};

#[test]
fn defaults_are_specs_values() {
    let s = defaults();
    assert_eq!(s.jira.url, "");
    assert_eq!(s.jira.flavor, Flavor::Cloud);
    assert_eq!(s.jira.jql, PathBuf::from("queries/support.jql"));
    assert_eq!(s.jira.concurrency, 4);
    assert_eq!(s.jira.overlap, 600);
    assert_eq!(s.jira.max_wait, 1800);
    assert_eq!(s.team.timezone, Tz::UTC);
    assert!(s.team.engineers.is_empty() && s.team.leads.is_empty() && s.team.bots.is_empty());
    assert_eq!(s.calendar.tz(), Tz::UTC);
    let nine_to_six = vec![(32_400, 64_800)];
    assert_eq!(
        *s.calendar.week(),
        [
            nine_to_six.clone(),
            nine_to_six.clone(),
            nine_to_six.clone(),
            nine_to_six.clone(),
            nine_to_six,
            vec![],
            vec![]
        ]
    );
    assert!(s.calendar.holidays().is_empty());
    assert_eq!(s.types.incident, ["Incident"]);
    assert_eq!(s.types.query, ["Query"]);
    assert_eq!(s.types.severity_field, "priority");
    assert_eq!(s.types.excluded_resolutions, ["Duplicate"]);
    let statuses: Vec<(&str, StatusClass)> =
        s.statuses.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    assert_eq!(
        statuses,
        [
            ("closed", StatusClass::Done),
            ("inprogress", StatusClass::InProgress),
            ("open", StatusClass::WaitingOnUs),
            ("reopen", StatusClass::WaitingOnUs),
            ("reopened", StatusClass::WaitingOnUs),
            ("resolved", StatusClass::Done),
            ("waitingonclient", StatusClass::WaitingOnCustomer),
            ("waitingonwso2", StatusClass::WaitingOnUs),
        ]
    );
    assert_eq!(s.products, ["apim", "iam", "ei", "ob", "analytics"]);
    assert_eq!(s.escalation.labels, ["escalated"]);
    assert_eq!(s.escalation.early_fraction, 0.25);
    assert_eq!(s.calls.worklog_pattern.as_str(), r"(?i)\b(call|meeting)\b");
    assert_eq!(s.calls.notes_pattern.as_str(), r"(?i)^\W*call notes");
    assert_eq!(s.prebook_after, 14_400);
    let w = &s.score;
    assert_eq!(
        [
            w.ack,
            w.update,
            w.continuity,
            w.time_logging,
            w.calls,
            w.wip
        ],
        [3.0, 2.0, 1.0, 1.0, 1.0, 1.0]
    );
    assert_eq!(s.source, None);
    let sevs: Vec<&str> = s.known_severities.iter().map(String::as_str).collect();
    assert_eq!(sevs, ["catastrophic", "critical", "high", "low", "normal"]);
}

#[test]
fn default_sla_tables_are_specs_table() {
    let sla = defaults().sla;
    let target = |kind, ty, sev: Option<&str>| sla.get(&(kind, ty)).and_then(|t| t.target(sev));
    let (ack, upd) = (ClockKind::Ack, ClockKind::Update);
    let (inc, qry) = (TicketType::Incident, TicketType::Query);
    for sev in [
        "catastrophic",
        "critical",
        "high",
        "normal",
        "low",
        "unheard-of",
    ] {
        assert_eq!(target(ack, inc, Some(sev)), Some(900), "{sev}");
        assert_eq!(target(ack, qry, Some(sev)), Some(86_400), "{sev}");
        assert_eq!(target(upd, qry, Some(sev)), Some(172_800), "{sev}");
    }
    assert_eq!(target(upd, inc, Some("catastrophic")), Some(7_200));
    assert_eq!(target(upd, inc, Some("critical")), Some(14_400));
    assert_eq!(target(upd, inc, Some("high")), Some(28_800));
    assert_eq!(target(upd, inc, Some("normal")), Some(86_400));
    assert_eq!(target(upd, inc, Some("low")), Some(172_800));
    assert_eq!(target(upd, inc, None), Some(86_400));
    assert_eq!(sla[&(ack, inc)].clock, ClockMode::TwentyFourSeven);
    assert_eq!(sla[&(ack, qry)].clock, ClockMode::TwentyFourSeven);
    assert_eq!(sla[&(upd, inc)].clock, ClockMode::TwentyFourSeven);
    assert_eq!(sla[&(upd, qry)].clock, ClockMode::Business);
    assert!(sla[&(ack, qry)].by_severity.is_empty());
    assert!(!sla.contains_key(&(ack, TicketType::Other)));
    assert!(!sla.contains_key(&(upd, TicketType::Other)));
    assert_eq!(sla.len(), 4);
}

#[test]
fn template_loads_to_exactly_the_defaults() {
    let from_template = from_text(template(), Path::new("supportlens.toml")).unwrap();
    assert_eq!(from_template.effective, defaults().effective);
    assert_eq!(from_template.sla, defaults().sla);
    assert_eq!(from_template.jira.jql, PathBuf::from("queries/support.jql"));
}

#[test]
fn template_documents_every_section_and_the_other_tables() {
    let t = template();
    for header in [
        "[jira]",
        "[team]",
        "[calendar]",
        "[types]",
        "[statuses]",
        "[products]",
        "[sla.ack.incident]",
        "[sla.ack.query]",
        "[sla.update.incident]",
        "[sla.update.query]",
        "# [sla.ack.other]",
        "[sla.update.other]",
        "[escalation]",
        "[calls]",
        "[hygiene]",
        "[score]",
    ] {
        assert!(t.contains(header), "template lacks {header}");
    }
}

#[test]
fn effective_text_of_the_defaults() {
    let text = defaults().effective;
    assert!(text.starts_with(
        "[calendar]\nfri = \"09:00-18:00\"\nholidays = []\nmon = \"09:00-18:00\"\nsat = \"\"\n"
    ));
    assert!(text.contains(
        "[sla.update.query]\nclock = \"business\"\ndefault = \"2d\"\n\n[statuses]\ndone = [\"closed\", \"resolved\"]\n"
    ));
    assert!(text.contains("[score]\nack = 3.0\ncalls = 1.0\n"));
    assert!(text.contains("[jira]\nconcurrency = 4\nflavor = \"cloud\"\njql = \"queries/support.jql\"\nmax_wait = \"30m\"\noverlap = \"10m\"\nurl = \"\"\n"));
}

#[test]
fn one_sla_key_changes_only_that_target() {
    let s = load_str("[sla.ack.incident]\ncatastrophic = \"5m\"\n").unwrap();
    let mut expected = builtin_sla();
    expected
        .get_mut(&(ClockKind::Ack, TicketType::Incident))
        .unwrap()
        .by_severity
        .insert("catastrophic".into(), 300);
    assert_eq!(s.sla, expected);
}

#[test]
fn sla_tables_take_custom_severities_and_other_types() {
    let s = load_str(
        "[sla.ack.other]\nP1 = \"1h\"\nclock = \"business\"\n\n[sla.update.query]\nclock = \"24x7\"\n",
    )
    .unwrap();
    assert_eq!(
        s.sla[&(ClockKind::Ack, TicketType::Other)],
        SlaTable {
            by_severity: BTreeMap::from([("p1".to_string(), 3600)]),
            default: None,
            clock: ClockMode::Business,
        }
    );
    let query = &s.sla[&(ClockKind::Update, TicketType::Query)];
    assert_eq!(
        (query.default, query.clock),
        (Some(172_800), ClockMode::TwentyFourSeven)
    );
    assert!(s.known_severities.contains("p1"));
    assert_eq!(s.known_severities.len(), 6);
}

#[test]
fn status_names_are_normalized() {
    let s = load_str("[statuses]\nin_progress = [\"In-Progress\"]\n").unwrap();
    assert_eq!(s.status_class("In Progress"), StatusClass::InProgress);
    assert_eq!(s.status_class("in progress"), StatusClass::InProgress);
    assert_eq!(s.status_class("WAITING ON wso2"), StatusClass::WaitingOnUs);
    assert_eq!(s.status_class("Backlog"), StatusClass::Unknown);
    // Listed only in in_progress: still waiting on us.
    let s =
        load_str("[statuses]\nwaiting_on_us = [\"Open\"]\nin_progress = [\"Working\"]\n").unwrap();
    assert_eq!(s.status_class("working"), StatusClass::InProgress);
    assert_eq!(s.status_class("In Progress"), StatusClass::Unknown);
}

#[test]
fn non_ascii_and_long_status_names_take_the_general_path() {
    let s = load_str(
        "[statuses]\nin_progress = [\"En préparation\", \"Waiting for the customer's second-line vendor reply\"]\n",
    )
    .unwrap();
    assert_eq!(s.status_class("EN PRÉPARATION"), StatusClass::InProgress);
    assert_eq!(s.status_class("en preparation"), StatusClass::Unknown);
    // 51 bytes: longer than the inline buffer, normalised the same way.
    assert_eq!(
        s.status_class("WAITING FOR THE CUSTOMER'S SECOND-LINE VENDOR REPLY"),
        StatusClass::InProgress
    );
}

#[test]
fn relative_paths_are_read_from_the_config_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "tests/fixtures/holidays.ics",
        dir.path().join("holidays.ics"),
    )
    .unwrap();
    let path = dir.path().join("supportlens.toml");
    std::fs::write(
        &path,
        "[jira]\njql = \"q/team.jql\"\n[calendar]\nholidays = [\"2026-05-01\", 2026-06-01]\nholidays_ics = \"holidays.ics\"\n",
    )
    .unwrap();
    let s = load(Some(&path)).unwrap();
    assert_eq!(s.jira.jql, dir.path().join("q/team.jql"));
    assert_eq!(s.source.as_deref(), Some(path.as_path()));
    let holidays: Vec<NaiveDate> = s.calendar.holidays().iter().copied().collect();
    assert_eq!(
        holidays,
        [
            date(2026, 1, 1),
            date(2026, 4, 3),
            date(2026, 5, 1),
            date(2026, 6, 1),
            date(2026, 12, 24),
            date(2026, 12, 25),
            date(2026, 12, 26),
            date(2026, 12, 31),
        ]
    );
    // The canonical text shows the path as written, so moving the folder keeps the hash.
    assert!(
        s.effective.contains("jql = \"q/team.jql\""),
        "{}",
        s.effective
    );
    assert!(s.effective.contains("\"2026-12-26\""));
}

#[test]
fn effective_ignores_comments_order_and_spelling() {
    let a = load_str(
        "[team]\nleads = [\"b\", \"a\"]\ntimezone = \"Asia/Colombo\"\n[hygiene]\nprebook_after = \"36h\"\n",
    )
    .unwrap();
    let b = load_str(
        "# the same rules\n[hygiene]\nprebook_after = \"1d12h\" # a day and a half\n[team]\ntimezone = \"Asia/Colombo\"\nleads = [\"a\", \"b\"]\n",
    )
    .unwrap();
    assert_eq!(a.effective, b.effective);
    let c = load_str("[team]\nleads = [\"a\", \"b\"]\ntimezone = \"Asia/Colombo\"\n").unwrap();
    assert_ne!(a.effective, c.effective);
    assert!(
        a.effective
            .contains("[hygiene]\nprebook_after = \"1d12h\"\n")
    );
}

#[test]
fn overrides_replace_file_values_and_effective() {
    let mut s = defaults();
    apply_overrides(
        &mut s,
        Some("https://jira.example.com/".into()),
        Some("server".into()),
        Some(PathBuf::from("other.jql")),
    )
    .unwrap();
    assert_eq!(s.jira.url, "https://jira.example.com");
    assert_eq!(s.jira.flavor, Flavor::Server);
    assert_eq!(s.jira.jql, PathBuf::from("other.jql"));
    assert!(
        s.effective
            .contains("flavor = \"server\"\njql = \"other.jql\"")
    );
    assert!(s.effective.contains("url = \"https://jira.example.com\""));

    let err = apply_overrides(&mut s, None, Some("onprem".into()), None).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert!(err.to_string().starts_with("--flavor: flavor \"onprem\""));
    let err = apply_overrides(&mut s, Some("ftp://x".into()), None, None).unwrap_err();
    assert!(err.to_string().contains("SUPPORTLENS_JIRA_URL"));
}
