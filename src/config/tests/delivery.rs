//! `[goals]`, `[delivery]` and `[team] emails` (SPEC §3, §5 Goals, §7), checked by hand.

use super::{load_str, usage_error};
use crate::metrics::columns::{Better, Col};
use crate::settings::SmtpSecurity;

#[test]
fn goals_keep_column_order_and_direction() {
    let s = load_str("[goals]\nlate_logs = 0\nack_sla_pct = 95\nack_p90_min = 12.5\n").unwrap();
    let got: Vec<(&str, usize, Better, f64)> = s
        .goals
        .iter()
        .map(|g| (g.metric, g.index, g.better, g.target))
        .collect();
    assert_eq!(
        got,
        vec![
            (Col::AckP90Min.name(), 2, Better::Lower, 12.5),
            (Col::AckSlaPct.name(), 5, Better::Higher, 95.0),
            (Col::LateLogs.name(), 29, Better::Lower, 0.0),
        ]
    );
    assert!(
        s.effective
            .contains("[goals]\nack_p90_min = 12.5\nack_sla_pct = 95.0\nlate_logs = 0.0\n")
    );
}

#[test]
fn no_goals_leave_the_effective_text_as_it_was() {
    let s = load_str("").unwrap();
    assert!(s.goals.is_empty());
    assert!(!s.effective.contains("[goals]"));
}

#[test]
fn a_goal_on_an_unknown_column_or_one_without_direction_is_named() {
    let msg = usage_error("[goals]\nack_sla = 95\n");
    assert!(
        msg.starts_with(
            "conf/supportlens.toml: line 2, column 11, key `goals.ack_sla`: not a column"
        ),
        "{msg}"
    );
    let msg = usage_error("[goals]\nacks = 3\n");
    assert!(
        msg.contains("key `goals.acks`") && msg.contains("no better direction"),
        "{msg}"
    );
    let msg = usage_error("[goals]\nweek = 3\n");
    assert!(msg.contains("key `goals.week`"), "{msg}");
    let msg = usage_error("[goals]\nscore = \"high\"\n");
    assert!(msg.contains("goals.score"), "{msg}");
    let msg = usage_error("[goals]\nscore = nan\n");
    assert!(msg.contains("finite"), "{msg}");
}

#[test]
fn delivery_defaults_send_nothing() {
    let s = load_str("").unwrap();
    assert!(!s.delivery.any());
    assert!(s.delivery.smtp.is_none() && s.team.emails.is_empty());
}

#[test]
fn delivery_reads_server_sender_leads_and_emails() {
    let s = load_str(
        "[team]\nemails = { ann = \"ann@example.com\" }\n[delivery]\nsmtp = \"smtps://smtp.example.com\"\nfrom = \"supportlens <reports@example.com>\"\nleads = [\"lead@example.com\"]\nengineers = true\nwebhook = true\n",
    )
    .unwrap();
    let d = &s.delivery;
    assert!(d.any() && d.engineers && d.webhook);
    let smtp = d.smtp.as_ref().unwrap();
    assert_eq!(
        (smtp.host.as_str(), smtp.port, smtp.security),
        ("smtp.example.com", 465, SmtpSecurity::ImplicitTls)
    );
    assert_eq!(d.from.as_deref(), Some("supportlens <reports@example.com>"));
    assert_eq!(d.leads, vec!["lead@example.com".to_string()]);
    assert_eq!(
        s.team.emails.get("ann").map(String::as_str),
        Some("ann@example.com")
    );
}

#[test]
fn mail_without_server_or_sender_is_refused() {
    let msg = usage_error("[delivery]\nleads = [\"lead@example.com\"]\n");
    assert!(msg.contains("key `delivery.smtp`"), "{msg}");
    let msg = usage_error("[delivery]\nsmtp = \"smtp://127.0.0.1:2525\"\nengineers = true\n");
    assert!(msg.contains("key `delivery.from`"), "{msg}");
    // A webhook alone needs neither.
    assert!(
        load_str("[delivery]\nwebhook = true\n")
            .unwrap()
            .delivery
            .any()
    );
}

#[test]
fn delivery_secrets_are_refused_without_echo() {
    let msg = usage_error("[delivery]\npassword = \"hunter2\"\n");
    assert!(
        msg.contains("key `delivery.password`") && msg.contains("SUPPORTLENS_SMTP_PASSWORD"),
        "{msg}"
    );
    assert!(!msg.contains("hunter2"), "{msg}");
    let msg = usage_error("[delivery]\nsmtp = \"smtps://u:hunter2@smtp.example.com\"\n");
    assert!(
        msg.contains("key `delivery.smtp`") && !msg.contains("hunter2"),
        "{msg}"
    );
    let msg = usage_error("[delivery]\nwebhook_url = \"https://hooks.example.com/T0/B0/secret\"\n");
    assert!(!msg.contains("secret\""), "{msg}");
    let msg = usage_error("[delivery]\nsmtp = \"smtp://mail.example.com\"\n");
    assert!(msg.contains("loopback"), "{msg}");
}

#[test]
fn bad_addresses_are_named() {
    let msg = usage_error("[delivery]\nleads = [\"lead at example.com\"]\n");
    assert!(
        msg.contains("delivery.leads") && msg.contains("not a mail address"),
        "{msg}"
    );
    let msg = usage_error("[team]\nemails = { ann = \"ann@example.com\\r\\nBcc: x@y.z\" }\n");
    assert!(msg.contains("team.emails"), "{msg}");
}
