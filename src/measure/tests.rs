//! The measure stage on a hand-built week, and the self-review cut of its results.

use super::*;
use crate::metrics::testkit::{settings, ticket, ts};

/// 2026-W47 (Mon 16 – Sun 22 November, UTC). SUP-1: an incident Ann takes at creation,
/// answers, and hands to Bob on Tuesday, who resolves it on Wednesday. SUP-2: a query Cat
/// owns all week. SUP-3 was resolved in W45 and not touched since: the window does not see
/// it.
fn week47() -> Vec<Ticket> {
    vec![
        ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
            .assigned_to("ann")
            .comment("2026-11-16T09:10", "ann", true)
            .assign("2026-11-17T10:00", Some("bob"))
            .comment("2026-11-17T11:00", "bob", true)
            .status("2026-11-18T10:00", "Resolved")
            .build(),
        ticket("SUP-2", "Query", "Normal", "2026-11-17T09:00")
            .assigned_to("cat")
            .comment("2026-11-17T09:30", "cat", true)
            .build(),
        ticket("SUP-3", "Query", "Normal", "2026-11-02T09:00")
            .assigned_to("cat")
            .comment("2026-11-02T09:30", "cat", true)
            .status("2026-11-03T10:00", "Resolved")
            .build(),
    ]
}

fn measured(review: Option<&str>) -> anyhow::Result<Measured> {
    let settings = settings();
    let as_of = ts("2026-11-23T00:00");
    let window = Window::new(None, 1, as_of, settings.team.timezone)?;
    let request = Request {
        window: &window,
        as_of,
        gone: &[],
        whole_people: None,
        review,
    };
    measure(&settings, week47(), request, &mut Progress::quiet())
}

fn keys(m: &Measured, tickets: impl Iterator<Item = usize>) -> Vec<String> {
    tickets.map(|i| m.tickets[i].key.clone()).collect()
}

#[test]
fn the_window_is_the_last_complete_week_and_never_empty() {
    let tz = settings().team.timezone;
    let w = Window::new(None, 2, ts("2026-11-23T00:00"), tz).unwrap();
    let labels: Vec<String> = w.weeks.iter().map(Week::to_string).collect();
    assert_eq!(labels, ["2026-W46", "2026-W47"]);
    assert!(w.contains("2026-W46".parse().unwrap()));
    assert!(!w.contains("2026-W45".parse().unwrap()));
    let err = Window::new(None, 0, ts("2026-11-23T00:00"), tz).unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 2);
}

#[test]
fn the_team_is_measured_whole_and_cut_to_the_window() {
    let m = measured(None).unwrap();
    assert_eq!(m.engineer, None);
    // One handoff, Ann to Bob on SUP-1, on Tuesday.
    let handoffs: Vec<(&str, &str, Ts)> = m
        .handoffs
        .iter()
        .map(|h| (h.from.as_str(), h.to.as_str(), h.at))
        .collect();
    assert_eq!(handoffs, [("ann", "bob", ts("2026-11-17T10:00"))]);
    // The window sees SUP-1 and SUP-2; SUP-3 was done with two weeks before.
    assert_eq!(
        keys(&m, m.summaries.iter().map(|s| s.ticket)),
        ["SUP-1", "SUP-2"]
    );
    assert_eq!(m.summaries[0].owners, ["ann", "bob"]);
    // Every clock kept is of the window; SUP-3's ack clock (W45) is not.
    assert!(m.clocks.iter().all(|c| m.window.contains(c.week)));
    assert!(!keys(&m, m.clocks.iter().map(|c| c.ticket)).contains(&"SUP-3".to_string()));
    // Ann's ack of SUP-1 is a clock of hers.
    assert!(m.clocks.iter().any(|c| &*c.engineer == "ann"));
    // Engineers: the three of [team] with a row; the weekly values are the rows'.
    let engineers: Vec<&str> = m.engineers.iter().map(String::as_str).collect();
    assert_eq!(engineers, ["ann", "bob", "cat"]);
    assert_eq!(m.values.engineers.len(), m.weekly.engineers.len());
    assert_eq!(m.values.team.len(), 1);
}

#[test]
fn a_self_review_keeps_only_the_engineers_evidence_and_hides_others() {
    let team = measured(Some("ann")).unwrap();
    let ann = team.scoped("ann");
    assert_eq!(ann.engineer.as_deref(), Some("ann"));
    let rows: Vec<&str> = ann
        .values
        .engineers
        .iter()
        .map(|r| r.engineer.as_str())
        .collect();
    assert_eq!(rows, ["ann"]);
    assert_eq!(ann.values.team, team.values.team, "team rows stay whole");
    assert_eq!(ann.weekly.team, team.weekly.team);
    let engineers: Vec<&str> = ann.engineers.iter().map(String::as_str).collect();
    assert_eq!(engineers, ["ann"]);
    // Her handoff, with Bob hidden; her ticket, with Bob hidden as an owner.
    let handoffs: Vec<(&str, &str)> = ann
        .handoffs
        .iter()
        .map(|h| (h.from.as_str(), h.to.as_str()))
        .collect();
    assert_eq!(handoffs, [("ann", "(other)")]);
    assert_eq!(
        keys(&ann, ann.summaries.iter().map(|s| s.ticket)),
        ["SUP-1"]
    );
    assert_eq!(ann.summaries[0].owners, ["ann", "(other)"]);
    assert!(ann.clocks.iter().all(|c| &*c.engineer == "ann"));
    assert!(!ann.clocks.is_empty());
    assert!(ann.calls.iter().all(|c| &*c.engineer == "ann"));
    assert!(ann.feedback.iter().all(|p| p.engineer == "ann"));
    // The shared parts are shared, not copied.
    assert!(Arc::ptr_eq(&ann.tickets, &team.tickets));
    assert!(Arc::ptr_eq(&ann.all_escalations, &team.all_escalations));
    // A cut of a cut is the same cut.
    let again = ann.scoped("ann");
    assert_eq!(again.handoffs, ann.handoffs);
    assert_eq!(again.summaries, ann.summaries);

    // Cat never met SUP-1: her cut holds SUP-2 only, and no handoff.
    let cat = team.scoped("cat");
    assert!(cat.handoffs.is_empty());
    assert_eq!(
        keys(&cat, cat.summaries.iter().map(|s| s.ticket)),
        ["SUP-2"]
    );
}

#[test]
fn an_unknown_engineer_is_a_usage_error_before_anything_is_measured() {
    let err = measured(Some("=nobody")).unwrap_err();
    assert_eq!(crate::error::exit_code(&err), 2);
    assert!(
        format!("{err:#}").starts_with("--engineer =nobody: nobody with that id"),
        "{err:#}"
    );
}
