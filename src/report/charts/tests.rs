use super::build::{self, Chart, Mark};
use super::fixture::Fixture;
use super::*;

fn svg_of<'a>(files: &'a [(String, Vec<u8>)], name: &str) -> &'a str {
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("{name} was not drawn"));
    std::str::from_utf8(bytes).expect("SVG is UTF-8")
}

/// The texts of an SVG's `<text>` elements, as written (escaped).
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text ")
        .skip(1)
        .filter_map(|t| t.split_once('>'))
        .filter_map(|(_, rest)| rest.split_once("</text>"))
        .map(|(text, _)| text.trim())
        .collect()
}

fn assert_texts(svg: &str, what: &str, expected: &[&str]) {
    let found = texts(svg);
    for text in expected {
        assert!(
            found.contains(text),
            "{what} lacks the text {text:?}; has {found:?}"
        );
    }
}

fn names(files: &[(String, Vec<u8>)]) -> Vec<&str> {
    files.iter().map(|(n, _)| n.as_str()).collect()
}

#[test]
fn tables_read_back_cells_by_column_name() {
    let f = Fixture::new();
    let t = &f.engineer_weekly;
    assert_eq!(t.rows.len(), 7);
    let bob_w47 = &t.rows[5];
    assert_eq!(t.text(bob_w47, "engineer_name"), Some("Bob O'Neil"));
    assert_eq!(t.num(bob_w47, "ack_p90_min"), None, "empty cell is no data");
    assert_eq!(t.num(bob_w47, "update_sla_pct"), Some(50.0));
    assert_eq!(t.num(bob_w47, "hours_logged"), None, "missing column");
    assert_eq!(
        t.weekly(&f.weeks, Some("alice"), "ack_p90_min"),
        vec![Some(12.5), Some(14.0)]
    );
    assert_eq!(Table::from_csv(b"").unwrap(), Table::default());
    assert!(
        Table::from_csv(b"a,b\n1,2,3\n").is_err(),
        "ragged rows are an error"
    );
}

#[test]
fn median_interpolates_between_the_middle_values() {
    assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
    assert_eq!(median(vec![10.0, 1.0, 3.0, 2.0]), Some(2.5));
    assert_eq!(median(vec![]), None);
}

#[test]
fn people_are_engineers_by_name_and_reference_is_their_median() {
    let f = Fixture::new();
    let inputs = f.inputs();
    let got = inputs.people();
    let got: Vec<(&str, &str)> = got.iter().map(|p| (p.id.as_str(), p.label())).collect();
    assert_eq!(
        got,
        vec![
            ("alice", "Alice Archer"),
            ("bob", "Bob O'Neil"),
            ("carol", "Carol Chen")
        ]
    );
    // W46: median of 12.5, 30, 8 (not the unassigned row); W47: of 14 and 9.5 (bob empty).
    assert_eq!(
        inputs.reference("ack_p90_min"),
        vec![Some(12.5), Some(11.75)]
    );
    let review = Inputs {
        self_review: Some("alice"),
        ..inputs
    };
    assert_eq!(review.people().len(), 1);
    // A self-review compares with the team's pooled value.
    assert_eq!(
        review.reference("ack_p90_min"),
        vec![Some(20.0), Some(14.0)]
    );
}

#[test]
fn engineer_chart_names_are_safe_and_distinct() {
    assert_eq!(engineer_chart("jsmith"), "charts/engineer_jsmith");
    assert_eq!(engineer_chart("j.smith"), "charts/engineer_j.smith");
    assert_eq!(
        engineer_chart("712020:ab_c/.."),
        "charts/engineer_712020_3Aab_5Fc_2F.."
    );
    assert_ne!(engineer_chart("a_3A"), engineer_chart("a:"));
    // Ids that differ only in case stay apart on a disk that ignores case.
    assert_eq!(engineer_chart("JSmith"), "charts/engineer__4A_53mith");
    assert_ne!(
        engineer_chart("JSmith").to_lowercase(),
        engineer_chart("jsmith").to_lowercase()
    );
    // A very long id keeps a short, distinct name (file systems refuse over 255 bytes).
    let (a, b) = ("A".repeat(90), format!("{}B", "A".repeat(89)));
    let (na, nb) = (engineer_chart(&a), engineer_chart(&b));
    assert_eq!(na.len(), "charts/engineer_".len() + 120);
    assert!(na.starts_with("charts/engineer__41_41"), "{na}");
    assert!(na.contains('~'), "{na}");
    assert_ne!(na, nb);
    assert_eq!(
        engineer_chart(&"a".repeat(120)),
        format!("charts/engineer_{}", "a".repeat(120))
    );
}

#[test]
fn bins_edge_on_zero_with_a_readable_width() {
    let bins = build::bins(&[-30.0, 10.0, 50.0, 119.0]);
    // Span 149 min: width 10, from -30 to 120.
    assert_eq!(bins.len(), 15);
    assert_eq!(bins[0], (-30.0, -20.0, 1));
    assert_eq!(bins[3], (0.0, 10.0, 0));
    assert_eq!(bins[4], (10.0, 20.0, 1));
    assert_eq!(bins[14], (110.0, 120.0, 1));
    assert_eq!(bins.iter().map(|b| b.2).sum::<usize>(), 4);
    assert!(build::bins(&[]).is_empty());
}

#[test]
fn week_breaches_rank_engineers_of_the_last_week() {
    let f = Fixture::new();
    let Some(Chart::Bars(bars)) = build::week_breaches(&f.inputs()) else {
        panic!("expected bars");
    };
    assert_eq!(bars.title, "SLA breaches per engineer in 2026-W47");
    let parts: Vec<&str> = bars.parts.iter().map(|p| p.0.as_str()).collect();
    assert_eq!(parts, ["ack", "update"]);
    assert_eq!(
        bars.rows,
        vec![
            ("Alice Archer".to_string(), vec![1.0, 2.0]),
            ("Bob O'Neil".to_string(), vec![0.0, 1.0]),
            ("Carol Chen".to_string(), vec![0.0, 0.0]),
        ]
    );
}

#[test]
fn self_review_breaches_are_the_engineer_against_the_team() {
    let f = Fixture::new();
    let inputs = Inputs {
        self_review: Some("bob"),
        ..f.inputs()
    };
    let Some(Chart::Bars(bars)) = build::week_breaches(&inputs) else {
        panic!("expected bars");
    };
    assert_eq!(
        bars.rows,
        vec![
            ("Bob O'Neil".to_string(), vec![0.0, 1.0]),
            ("whole team".to_string(), vec![1.0, 3.0]),
        ]
    );
}

#[test]
fn engineer_sheet_pairs_the_engineer_with_the_team_median() {
    let f = Fixture::new();
    let Some(Chart::Sheet(sheet)) = build::engineer_sheet(
        &f.inputs(),
        &build::SheetBasis::new(&f.inputs()),
        "bob",
        "Bob O'Neil",
    ) else {
        panic!("expected a sheet");
    };
    let titles: Vec<&str> = sheet.panels.iter().map(|p| p.title.as_str()).collect();
    // same_day_log_pct is not in the fixture: its panel is left out.
    assert_eq!(
        titles,
        [
            "Ack latency, 90th percentile",
            "Acks within SLA",
            "Updates within SLA",
            "Ownership continuity",
            "Score"
        ]
    );
    let ack = &sheet.panels[0];
    let targets: Vec<(&str, f64)> = ack.targets.iter().map(|t| (t.0.as_str(), t.1)).collect();
    assert_eq!(
        targets,
        [
            ("incident target 15 min", 15.0),
            ("query target 1440 min", 1440.0)
        ]
    );
    assert_eq!(ack.series[0].label, "team median");
    assert_eq!(ack.series[0].mark, Mark::DashedLine);
    assert_eq!(ack.series[1].values, vec![Some(30.0), None]);
    let legend: Vec<&str> = sheet.legend.iter().map(|l| l.0.as_str()).collect();
    assert_eq!(
        legend,
        [
            "Bob O'Neil",
            "team median",
            "ack incident target 15 min",
            "ack query target 1440 min"
        ]
    );
}

#[test]
fn every_chart_is_drawn_as_png_and_svg() {
    let f = Fixture::new();
    let files = charts(&f.inputs()).unwrap();
    assert_eq!(
        names(&files),
        [
            "charts/team_trends.png",
            "charts/team_trends.svg",
            "charts/week_breaches.png",
            "charts/week_breaches.svg",
            "charts/escalation_lead.png",
            "charts/escalation_lead.svg",
            "charts/engineer_alice.png",
            "charts/engineer_alice.svg",
            "charts/engineer_bob.png",
            "charts/engineer_bob.svg",
            "charts/engineer_carol.png",
            "charts/engineer_carol.svg",
        ]
    );
    for (name, bytes) in files.iter().filter(|(n, _)| n.ends_with(".png")) {
        assert!(bytes.len() > 1000, "{name} is too small to hold a chart");
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{name} is a PNG");
    }
}

#[test]
fn team_trends_svg_has_titles_axes_weeks_and_legends() {
    let f = Fixture::new();
    let files = charts(&f.inputs()).unwrap();
    let svg = svg_of(&files, "charts/team_trends.svg");
    assert!(svg.starts_with("<svg"));
    assert!(svg.contains("font-family=\"sans-serif\""));
    assert_texts(
        svg,
        "team trends",
        &[
            "Team trends, 2026-W46 – 2026-W47",
            "Ack latency, 90th percentile",
            "SLA breaches by kind",
            "Call time reported",
            "Ownership continuity",
            "minutes",
            "breaches",
            "% resolved by sole owner",
            "week",
            "2026-W46",
            "2026-W47",
            "incident target 15 min",
            "query target 1440 min",
            "team ack p90",
            "ack",
            "update",
        ],
    );
}

#[test]
fn other_svgs_have_titles_axes_and_legends() {
    let f = Fixture::new();
    let files = charts(&f.inputs()).unwrap();
    let bars = svg_of(&files, "charts/week_breaches.svg");
    assert_texts(
        bars,
        "breaches chart",
        &[
            "SLA breaches per engineer in 2026-W47",
            "SLA breaches (count)",
            "Alice Archer",
            "Bob O&apos;Neil",
            "Carol Chen",
            "ack",
            "update",
        ],
    );
    let lead = svg_of(&files, "charts/escalation_lead.svg");
    assert_texts(
        lead,
        "lead chart",
        &[
            "Escalation lead time, 2026-W46 – 2026-W47 (n = 4)",
            "lead time before the SLA deadline (min; negative = after the breach)",
            "escalations",
            "escalated after the breach",
            "escalated before the deadline",
            "SLA deadline (lead 0)",
        ],
    );
    let sheet = svg_of(&files, "charts/engineer_alice.svg");
    assert_texts(
        sheet,
        "trend sheet",
        &[
            "Alice Archer: weekly trends, 2026-W46 – 2026-W47",
            "Acks within SLA",
            "% of decided ack clocks",
            "score (0–100)",
            "team median",
            "2026-W47",
        ],
    );
}

#[test]
fn charts_without_their_columns_are_not_drawn() {
    // Today's weekly tables stop at silent_breaches: no continuity, calls or score.
    let weekly = Table::from_csv(
        b"week,engineer,engineer_name,ack_p90_min,sla_breaches\n2026-W47,alice,Alice,12,2\n",
    )
    .unwrap();
    let team = Table::from_csv(
        b"week,engineer,engineer_name,ack_p90_min,sla_breaches\n2026-W47,(team),,12,2\n",
    )
    .unwrap();
    let empty = Table::default();
    let weeks = vec!["2026-W47".to_string()];
    let inputs = Inputs {
        engineer_weekly: &weekly,
        team_weekly: &team,
        escalations: &empty,
        breaches: &empty,
        feedback: &empty,
        weeks: &weeks,
        as_of: "2026-11-23T09:15:00Z",
        jira_url: "",
        ack_targets: &[],
        goals: &[],
        self_review: None,
    };
    let files = charts(&inputs).unwrap();
    assert_eq!(
        names(&files),
        [
            "charts/team_trends.png",
            "charts/team_trends.svg",
            "charts/week_breaches.png",
            "charts/week_breaches.svg",
            "charts/engineer_alice.png",
            "charts/engineer_alice.svg",
        ]
    );
    let trends = svg_of(&files, "charts/team_trends.svg");
    let found = texts(trends);
    assert!(found.contains(&"SLA breaches by kind"));
    assert!(!found.contains(&"Ownership continuity"));
    assert!(!found.contains(&"Call time reported"));
    let sheet = svg_of(&files, "charts/engineer_alice.svg");
    let found = texts(sheet);
    assert!(found.contains(&"Ack latency, 90th percentile"));
    assert!(!found.contains(&"Score"));
}

#[test]
fn a_window_without_escalations_says_so() {
    let f = Fixture::new();
    let escalations = Table::from_csv(b"ticket,lead_min,engineer\n").unwrap();
    let inputs = Inputs {
        escalations: &escalations,
        ..f.inputs()
    };
    let files = charts(&inputs).unwrap();
    let lead = svg_of(&files, "charts/escalation_lead.svg");
    assert_texts(
        lead,
        "lead chart",
        &[
            "Escalation lead time, 2026-W46 – 2026-W47 (n = 0)",
            "no escalation with a pending SLA deadline in the window",
        ],
    );
}

#[test]
fn long_windows_label_weeks_short_with_the_year_on_the_axis() {
    let f = Fixture::new();
    let weeks: Vec<String> = (40..53)
        .map(|w| format!("2026-W{w}"))
        .chain(["2027-W01".to_string()])
        .collect();
    let inputs = Inputs {
        weeks: &weeks,
        ..f.inputs()
    };
    let files = charts(&inputs).unwrap();
    let svg = svg_of(&files, "charts/team_trends.svg");
    let found = texts(svg);
    assert!(found.contains(&"W40"));
    assert!(found.contains(&"W01"));
    assert!(!found.contains(&"2026-W40"));
    assert!(found.contains(&"ISO week (2026–2027)"));
}
