use super::build;
use super::fixture::{Fixture, row};
use super::spec::{Chart, Mark};
use super::*;
use crate::metrics::columns::Col;
use crate::metrics::values::ValueRow;

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
fn weekly_values_are_read_by_column_and_week() {
    let f = Fixture::new();
    let inputs = f.inputs();
    let bob_w47 = &f.engineer_weekly[5];
    assert_eq!(bob_w47.name, "Bob O'Neil");
    assert_eq!(bob_w47.value(Col::AckP90Min), None, "no value is no data");
    assert_eq!(bob_w47.value(Col::UpdateSlaPct), Some(50.0));
    let alice: Vec<&ValueRow> = f
        .engineer_weekly
        .iter()
        .filter(|r| r.engineer == "alice")
        .collect();
    assert_eq!(
        inputs.weekly(alice, Col::AckP90Min),
        vec![Some(12.5), Some(14.0)]
    );
    assert_eq!(inputs.team(Col::SlaBreaches), vec![Some(4.0), Some(4.0)]);
    // A week outside the window is not drawn; a week without a row is a gap.
    let only_w47 = [row("2026-W47", "x", "", [Some(1.0); 10])];
    let later = [row("2026-W48", "x", "", [Some(2.0); 10])];
    assert_eq!(inputs.weekly(&only_w47, Col::Acks), vec![None, Some(1.0)]);
    assert_eq!(inputs.weekly(&later, Col::Acks), vec![None, None]);
}

#[test]
fn only_engineers_get_a_sheet_as_only_they_get_a_page() {
    let f = Fixture::new();
    // bob is a lead (or a customer) credited with items: a weekly row, but no page.
    let engineers: std::collections::BTreeSet<String> = ["alice", "carol"].map(String::from).into();
    let inputs = Inputs {
        engineers: Some(&engineers),
        ..f.inputs()
    };
    let ids: Vec<String> = inputs.people().into_iter().map(|p| p.id).collect();
    assert_eq!(ids, ["alice", "carol"]);
    let sheets: Vec<String> = charts(&inputs)
        .unwrap()
        .into_iter()
        .map(|(name, _)| name)
        .filter(|name| name.starts_with("charts/engineer_") && name.ends_with(".svg"))
        .collect();
    assert_eq!(
        sheets,
        [
            engineer_chart("alice") + ".svg",
            engineer_chart("carol") + ".svg"
        ]
    );
    // A self-review keeps its engineer whatever the set says.
    let review = Inputs {
        self_review: Some("bob"),
        ..inputs
    };
    assert_eq!(review.people().len(), 1);
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
        inputs.reference(Col::AckP90Min),
        vec![Some(12.5), Some(11.75)]
    );
    let review = Inputs {
        self_review: Some("alice"),
        ..inputs
    };
    assert_eq!(review.people().len(), 1);
    // A self-review compares with the team's pooled value.
    assert_eq!(
        review.reference(Col::AckP90Min),
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
    // Same-day logging has no value in the fixture: its panel is there, without a line.
    assert_eq!(
        titles,
        [
            "Ack latency, 90th percentile",
            "Acks within SLA",
            "Updates within SLA",
            "Ownership continuity",
            "Same-day time logging",
            "Score"
        ]
    );
    assert_eq!(sheet.panels[4].series[1].values, vec![None, None]);
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

/// A chart drawn on a buffer another chart (of another size) was drawn on, or that holds
/// any bytes, with the panels kept from those charts, is byte for byte the chart drawn on
/// a new buffer without them: each worker reuses one of each.
#[test]
fn a_reused_pixel_buffer_draws_the_same_png_as_a_new_one() {
    let f = Fixture::new();
    let inputs = f.inputs();
    let weeks = week_labels(&inputs);
    let specs = specs(&inputs).unwrap();
    assert_eq!(specs.len(), 6);
    let fresh: Vec<Vec<u8>> = specs
        .iter()
        .map(|(_, chart)| png_of(chart, &weeks, &mut Vec::new(), None).unwrap())
        .collect();
    let mut reused = vec![0xA5; 3 * 1024 * 1024];
    // With the panels of every chart drawn before on this buffer.
    let panels = super::draw::Panels::new();
    // Largest and smallest charts alternate on the same buffer, in both orders.
    for (i, (name, chart)) in specs
        .iter()
        .enumerate()
        .chain(specs.iter().enumerate().rev())
    {
        assert_eq!(
            png_of(chart, &weeks, &mut reused, Some(&panels)).unwrap(),
            fresh[i],
            "{name}"
        );
        reused
            .iter_mut()
            .for_each(|b| *b = b.wrapping_mul(31).wrapping_add(7));
    }
    // And `draw_each` (one buffer per worker) writes exactly those PNGs.
    let drawn = std::sync::Mutex::new(Vec::new());
    draw_each(&inputs, |name, bytes| {
        drawn
            .lock()
            .unwrap()
            .push((name.to_string(), bytes.to_vec()));
        Ok(())
    })
    .unwrap();
    let drawn = drawn.into_inner().unwrap();
    for ((name, _), png) in specs.iter().zip(&fresh) {
        let (_, bytes) = drawn
            .iter()
            .find(|(n, _)| *n == format!("{name}.png"))
            .unwrap();
        assert_eq!(bytes, png, "{name}");
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

/// Ids and names are drawn as they are: a CSV cell guards `=eve` as `'=eve`, a chart
/// does not (the charts once read the CSV back and showed the guard).
#[test]
fn ids_and_names_that_look_like_formulas_are_drawn_as_they_are() {
    let s = Some;
    let weekly = vec![
        row(
            "2026-W47",
            "=eve",
            "",
            [
                s(1.0),
                s(12.0),
                s(2.0),
                s(50.0),
                s(1.0),
                None,
                s(3.0),
                None,
                None,
                None,
            ],
        ),
        row(
            "2026-W47",
            "fay",
            "+Fay",
            [
                s(1.0),
                s(9.0),
                s(0.0),
                s(100.0),
                s(1.0),
                None,
                s(1.0),
                None,
                None,
                None,
            ],
        ),
    ];
    let team = vec![row(
        "2026-W47",
        "(team)",
        "",
        [
            s(2.0),
            s(12.0),
            s(2.0),
            s(75.0),
            s(2.0),
            None,
            s(4.0),
            None,
            None,
            None,
        ],
    )];
    let weeks: Vec<crate::week::Week> = vec!["2026-W47".parse().unwrap()];
    let inputs = Inputs {
        engineer_weekly: &weekly,
        team_weekly: &team,
        escalation_leads: &[],
        weeks: &weeks,
        ack_targets: &[],
        goals: &[],
        self_review: None,
        engineers: None,
    };
    let Some(Chart::Bars(bars)) = build::week_breaches(&inputs) else {
        panic!("expected bars");
    };
    let labels: Vec<&str> = bars.rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(labels, ["=eve", "+Fay"]);
    let files = charts(&inputs).unwrap();
    let found = texts(svg_of(&files, "charts/week_breaches.svg"));
    assert!(
        found.contains(&"=eve") && found.contains(&"+Fay"),
        "{found:?}"
    );
    assert!(!found.iter().any(|t| t.starts_with('\'')), "{found:?}");
    // The sheet is filed under the id itself, as the page that shows it looks it up.
    let sheet = svg_of(&files, &format!("{}.svg", engineer_chart("=eve")));
    assert!(texts(sheet).contains(&"=eve: weekly trends, 2026-W47"));
    // So is a self-review's.
    let review = Inputs {
        self_review: Some("=eve"),
        ..inputs
    };
    let Some(Chart::Bars(bars)) = build::week_breaches(&review) else {
        panic!("expected bars");
    };
    assert_eq!(
        bars.rows,
        vec![
            ("=eve".to_string(), vec![2.0, 1.0]),
            ("whole team".to_string(), vec![2.0, 2.0]),
        ]
    );
}

#[test]
fn a_window_without_escalations_says_so() {
    let f = Fixture::new();
    let inputs = Inputs {
        escalation_leads: &[],
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
    let weeks: Vec<crate::week::Week> = (40..53)
        .map(|w| format!("2026-W{w}"))
        .chain(["2027-W01".to_string()])
        .map(|w| w.parse().unwrap())
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

/// The breaches chart of the fixture, as SVG text: bars, labels, legend and axes. SVG is
/// text drawn from the embedded font, the same on every machine; PNG bytes depend on the
/// encoder and are never compared.
#[test]
fn week_breaches_svg_snapshot() {
    let f = Fixture::new();
    let files = charts(&f.inputs()).unwrap();
    insta::assert_snapshot!(
        "week_breaches_svg",
        svg_of(&files, "charts/week_breaches.svg")
    );
}

/// A goal far off a panel's axis (a config may say `ack_sla_pct = -1e12`) is mapped far
/// off the panel, saturated, and left off the drawing; it used to overflow the pixel sum (a
/// panic in a debug build, a line wrapped onto the top of the panel in a release one).
#[test]
fn goals_far_off_the_axis_are_left_off_the_panel() {
    use plotters::coord::ranged1d::Ranged;
    let axis = super::draw::ticked(0.0..100.0, vec![0.0, 50.0, 100.0]);
    // A vertical axis maps from its bottom pixel to its top one.
    assert_eq!(axis.map(&50.0, (300, 20)), 160);
    assert_eq!(axis.map(&-1e12, (300, 20)), i32::MAX);
    assert_eq!(axis.map(&1e15, (300, 20)), 300 + i32::MIN);
    assert_eq!(axis.map(&-1e15, (20, 300)), 20 + i32::MIN);
    let f = Fixture::new();
    let goals = [
        (Col::AckSlaPct, -1e12),
        (Col::AckP90Min, -1e15),
        (Col::Score, -2e9),
        (Col::ContinuityPct, 1e12),
    ];
    let inputs = Inputs {
        goals: &goals,
        ..f.inputs()
    };
    let files = charts(&inputs).unwrap();
    let sheet = svg_of(&files, "charts/engineer_alice.svg");
    assert!(
        texts(sheet).iter().any(|t| t.starts_with("goal")),
        "{sheet}"
    );
}

/// A bidi control in a display name (U+202E, right-to-left override) would turn the rest
/// of the sheet's title around in a browser: the window read "74W-6202 – 64W-6202". The
/// title leaves such controls out of the name; its letters stay as they are.
#[test]
fn a_name_with_a_bidi_override_does_not_turn_the_title_around() {
    let mut f = Fixture::new();
    for row in &mut f.engineer_weekly {
        if row.engineer == "alice" {
            row.name = "\u{202E}Alice \u{2067}Archer\u{200F}".to_string();
        }
    }
    let files = charts(&f.inputs()).unwrap();
    let sheet = svg_of(&files, "charts/engineer_alice.svg");
    assert_texts(
        sheet,
        "trend sheet",
        &["Alice Archer: weekly trends, 2026-W46 – 2026-W47"],
    );
}
