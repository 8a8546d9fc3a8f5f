//! The pages of a small hand-built report: three engineers and `(unassigned)` over two
//! weeks, one of them with an id a spreadsheet would run as a formula, hostile ticket
//! text, goals met and missed.

use super::*;
use crate::metrics::columns::COLUMNS;
use crate::metrics::columns::Col;
use crate::metrics::feedback::{Kind, Point};
use crate::metrics::goals::GoalRow;
use crate::metrics::values::{ValueRow, WeeklyValues};

fn week(s: &str) -> Week {
    s.parse().unwrap()
}

/// A weekly row with the named columns set and every other one empty.
fn row(w: &str, engineer: &str, name: &str, set: &[(Col, f64)]) -> ValueRow {
    let mut values = vec![None; COLUMNS.len()];
    for (col, v) in set {
        values[col.index()] = Some(*v);
    }
    ValueRow {
        week: week(w),
        engineer: engineer.to_string(),
        name: name.to_string(),
        values,
    }
}

fn point(
    w: &str,
    engineer: &str,
    kind: Kind,
    metric: &'static str,
    message: &str,
    tickets: &[&str],
) -> Point {
    Point {
        week: week(w),
        engineer: engineer.to_string(),
        kind,
        metric,
        message: message.to_string(),
        tickets: tickets.iter().map(|t| t.to_string()).collect(),
    }
}

fn goal(
    w: &str,
    engineer: &str,
    metric: &'static str,
    value: f64,
    target: f64,
    met: bool,
) -> GoalRow {
    GoalRow {
        week: week(w),
        engineer: engineer.to_string(),
        metric,
        value,
        goal: target,
        met,
    }
}

/// The id a spreadsheet would run as a formula; CSV cells write it `'=dave+1`.
const DAVE: &str = "=dave+1";

struct Report {
    weeks: Vec<Week>,
    values: WeeklyValues,
    feedback: Vec<Point>,
    breaches: Vec<Breach>,
    goals: Vec<GoalRow>,
    svgs: Vec<(String, String)>,
}

fn report() -> Report {
    let (w46, w47) = ("2026-W46", "2026-W47");
    let engineers = vec![
        row(
            w46,
            "(unassigned)",
            "",
            &[(Col::Acks, 0.0), (Col::SlaBreaches, 1.0)],
        ),
        row(
            w46,
            DAVE,
            "Dave <Dee>",
            &[(Col::Acks, 2.0), (Col::AckSlaPct, 50.0), (Col::Score, 70.0)],
        ),
        row(
            w46,
            "alice",
            "Alice Archer",
            &[
                (Col::Acks, 4.0),
                (Col::AckP90Min, 12.5),
                (Col::AckSlaPct, 100.0),
                (Col::SlaBreaches, 3.0),
                (Col::HoursLogged, 30.25),
                (Col::Score, 95.5),
            ],
        ),
        row(
            w46,
            "bob7",
            "Bob O'Neil",
            &[
                (Col::Acks, 3.0),
                (Col::AckP90Min, 30.0),
                (Col::AckSlaPct, 33.3),
                (Col::SlaBreaches, 2.0),
                (Col::Score, 61.2),
            ],
        ),
        row(
            w47,
            DAVE,
            "Dave <Dee>",
            &[
                (Col::Acks, 3.0),
                (Col::AckSlaPct, 100.0),
                (Col::Score, 90.0),
            ],
        ),
        row(
            w47,
            "alice",
            "Alice Archer",
            &[
                (Col::Acks, 6.0),
                (Col::AckP90Min, 14.0),
                (Col::AckSlaPct, 83.3),
                (Col::SlaBreaches, 1.0),
                (Col::HoursLogged, 30.25),
                (Col::Score, 80.0),
            ],
        ),
        row(
            w47,
            "bob7",
            "",
            &[(Col::Acks, 2.0), (Col::SlaBreaches, 1.0)],
        ),
    ];
    let team = vec![
        row(
            w46,
            "(team)",
            "",
            &[
                (Col::Acks, 9.0),
                (Col::AckP90Min, 20.0),
                (Col::AckSlaPct, 75.0),
                (Col::SlaBreaches, 6.0),
                (Col::Score, 85.0),
            ],
        ),
        row(
            w47,
            "(team)",
            "",
            &[
                (Col::Acks, 11.0),
                (Col::AckP90Min, 14.0),
                (Col::AckSlaPct, 91.7),
                (Col::SlaBreaches, 2.0),
                (Col::Score, 88.8),
            ],
        ),
    ];
    let feedback = vec![
        point(
            w46,
            "alice",
            Kind::Plus,
            Col::AckSlaPct.name(),
            "Every ack on time (4 clocks)",
            &["SUP-1"],
        ),
        point(
            w46,
            DAVE,
            Kind::Improve,
            Col::AckSlaPct.name(),
            "1 ack clock breached",
            &["SUP-4"],
        ),
        point(
            w47,
            DAVE,
            Kind::Plus,
            Col::AckSlaPct.name(),
            "Every ack on time (3 clocks)",
            &["SUP-5", "SUP-6"],
        ),
        point(
            w47,
            "alice",
            Kind::Improve,
            Col::CallsMissingNotes.name(),
            "Call lacks notes: <script>alert(1)</script> \"q\"",
            &["SUP-9", "X\"<>&'1"],
        ),
        point(
            w47,
            "bob7",
            Kind::Improve,
            Col::AckSlaPct.name(),
            "1 ack clock breached",
            &["SUP-2"],
        ),
    ];
    let breach = |w: &str, engineer: &str, ticket: &str, escalated| Breach {
        week: week(w),
        engineer: engineer.to_string(),
        ticket: ticket.to_string(),
        kind: "ack",
        ticket_type: "incident",
        severity: "high".to_string(),
        deadline: "2026-11-17T09:15:00Z".to_string(),
        escalated_before_deadline: escalated,
    };
    let breaches = vec![
        breach(w46, DAVE, "SUP-4", false),
        breach(w47, "alice", "SUP-7", true),
        breach(w47, "bob7", "SUP-8", false),
    ];
    // Goals: ack_sla_pct ≥ 95 and sla_breaches ≤ 1, rows as goals.csv has them.
    let goals = vec![
        goal(w46, DAVE, Col::AckSlaPct.name(), 50.0, 95.0, false),
        goal(w46, "(team)", Col::AckSlaPct.name(), 75.0, 95.0, false),
        goal(w46, "(team)", Col::SlaBreaches.name(), 6.0, 1.0, false),
        goal(w46, "alice", Col::AckSlaPct.name(), 100.0, 95.0, true),
        goal(w46, "alice", Col::SlaBreaches.name(), 3.0, 1.0, false),
        goal(w46, "bob7", Col::AckSlaPct.name(), 33.3, 95.0, false),
        goal(w46, "bob7", Col::SlaBreaches.name(), 2.0, 1.0, false),
        goal(w47, DAVE, Col::AckSlaPct.name(), 100.0, 95.0, true),
        goal(w47, "(team)", Col::AckSlaPct.name(), 91.7, 95.0, false),
        goal(w47, "(team)", Col::SlaBreaches.name(), 2.0, 1.0, false),
        goal(w47, "alice", Col::AckSlaPct.name(), 83.3, 95.0, false),
        goal(w47, "alice", Col::SlaBreaches.name(), 1.0, 1.0, true),
        goal(w47, "bob7", Col::SlaBreaches.name(), 1.0, 1.0, true),
    ];
    let svg = |name: &str, text: &str| {
        (
            format!("charts/{name}.svg"),
            format!(
                "<?xml version=\"1.0\"?>\n<svg width=\"10\" height=\"10\" xmlns=\"http://www.w3.org/2000/svg\"><text>{text}</text></svg>\n"
            ),
        )
    };
    Report {
        weeks: vec![week(w46), week(w47)],
        values: WeeklyValues { engineers, team },
        feedback,
        breaches,
        goals,
        svgs: vec![
            svg("team_trends", "team trends"),
            svg("week_breaches", "breaches per engineer"),
            svg("engineer_alice", "alice sheet"),
            svg(
                &format!("engineer_{}", crate::report::charts::file_id(DAVE)),
                "dave sheet",
            ),
        ],
    }
}

impl Report {
    fn inputs(&self, self_review: Option<&'static str>) -> Inputs<'_> {
        Inputs {
            weeks: &self.weeks,
            as_of: "2026-11-23T09:15:00Z",
            jira_url: "https://jira.example.com/",
            self_review,
            values: &self.values,
            feedback: &self.feedback,
            breaches: &self.breaches,
            goals: &self.goals,
            engineers: None,
            svgs: &self.svgs,
        }
    }
}

/// The pages as text, by file name.
fn pages_of(inputs: &Inputs) -> Vec<(String, String)> {
    pages(inputs)
        .unwrap()
        .files
        .into_iter()
        .map(|(n, b)| (n, String::from_utf8(b).unwrap()))
        .collect()
}

fn page<'a>(pages: &'a [(String, String)], name: &str) -> &'a str {
    &pages
        .iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .1
}

#[test]
fn a_team_report_has_the_team_page_and_a_page_per_engineer() {
    let r = report();
    let pages = pages_of(&r.inputs(None));
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    // People by what a reader sees: Alice Archer, bob7 (no name in W47, "Bob O'Neil" in
    // W46: the latest non-empty), Dave <Dee>; never (unassigned).
    assert_eq!(
        names,
        [
            "index.html",
            "engineers/alice.html",
            "engineers/bob7.html",
            "engineers/_3Ddave_2B1.html"
        ]
    );
}

/// The team page a lead is mailed holds no link to the engineers' pages, which the mail
/// does not carry (SPEC §5: a page "can be mailed alone"): it is the folder's page with
/// each name as text and the header line naming the report folder instead. A self-review
/// has no mailed copy: its page links to no other.
#[test]
fn the_mailed_team_page_links_to_no_page_it_does_not_carry() {
    let r = report();
    let all = pages(&r.inputs(None)).unwrap();
    let index = String::from_utf8(all.files[0].1.clone()).unwrap();
    let mailed = String::from_utf8(all.mailed.unwrap()).unwrap();
    let mut expected = index.replace(
        "each engineer's own page is linked from the table",
        "each engineer's own page is in the report folder 2026-W47 (engineers/), not in \
         this mail",
    );
    for (file, name) in [
        ("alice", "Alice Archer"),
        ("bob7", "Bob O&#39;Neil"),
        ("_3Ddave_2B1", "Dave &#60;Dee&#62;"),
    ] {
        let link = format!("<a href=\"engineers/{file}.html\"><bdi>{name}</bdi></a>");
        assert!(index.contains(&link), "{link}");
        expected = expected.replace(&link, &format!("<bdi>{name}</bdi>"));
    }
    assert_ne!(expected, index);
    assert_eq!(mailed, expected);
    assert!(!mailed.contains("href"), "{mailed}");
    assert!(pages(&r.inputs(Some("alice"))).unwrap().mailed.is_none());
}

/// Only engineers have a page and a row: here bob7 is taken for a lead, so the team page
/// neither lists nor links him and no page of his is written.
#[test]
fn a_lead_with_a_row_gets_no_page() {
    let r = report();
    let engineers: std::collections::BTreeSet<String> =
        ["alice", "=dave+1"].map(String::from).into();
    let inputs = Inputs {
        engineers: Some(&engineers),
        ..r.inputs(None)
    };
    let pages = pages_of(&inputs);
    let names: Vec<&str> = pages.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "index.html",
            "engineers/alice.html",
            "engineers/_3Ddave_2B1.html"
        ]
    );
    assert!(!page(&pages, "index.html").contains("bob7"));
}

#[test]
fn team_page_snapshot() {
    let r = report();
    let pages = pages_of(&r.inputs(None));
    insta::assert_snapshot!("team_page", page(&pages, "index.html"));
}

#[test]
fn engineer_page_snapshot() {
    let r = report();
    let pages = pages_of(&r.inputs(None));
    insta::assert_snapshot!("engineer_page", page(&pages, "engineers/alice.html"));
}

/// The last week's numbers with their change, coloured by the column's better direction:
/// alice's ack p90 12.5 → 14 is up and worse (lower is better), her acks within SLA
/// 100.0 → 83.3 down and worse, her SLA breaches 3 → 1 down and better, her hours 30.25 →
/// 30.25 unchanged.
#[test]
fn changes_are_coloured_by_the_better_direction() {
    let r = report();
    let pages = pages_of(&r.inputs(None));
    let team = page(&pages, "index.html");
    let alice = &team[team.find("engineers/alice.html").unwrap()..];
    let alice = &alice[..alice.find("</tr>").unwrap()];
    for cell in [
        "<td data-v=\"80.0\">80.0<span class=\"d bad\" title=\"down from the week before\">▼ −15.5</span></td>",
        "<td data-v=\"83.3\">83.3<span class=\"d bad\" title=\"down from the week before\">▼ −16.7</span></td>",
        "<td data-v=\"14\">14<span class=\"d bad\" title=\"up from the week before\">▲ +1.5</span></td>",
        "<td data-v=\"1\">1<span class=\"d good\" title=\"down from the week before\">▼ −2</span></td>",
        "<td data-v=\"30.25\">30.25<span class=\"d flat\" title=\"same as the week before\">= 0</span></td>",
        // One goal missed in W47: acks within SLA.
        "<td data-v=\"1\"><span class=\"missed\">1</span><span class=\"d\" title=\"ack_sla_pct\">Acks within SLA (%): 83.3 (goal ≥ 95)</span></td>",
    ] {
        assert!(alice.contains(cell), "alice's row lacks {cell:?}:\n{alice}");
    }
    let engineer = page(&pages, "engineers/alice.html");
    assert!(engineer.contains(
        "<tr><th scope=\"row\" title=\"score\">Score (0–100)</th><td>80.0</td><td class=\"bad\" title=\"down from the week before\">▼ −15.5</td><td>95.5</td><td>87.8</td><td></td></tr>"
    ));
}

/// An engineer's page is sent to them alone: no other engineer's id or name is in it.
#[test]
fn an_engineer_page_names_no_other_person() {
    let r = report();
    let people = [
        ("alice", "Alice Archer", "Alice Archer"),
        ("bob7", "Bob O'Neil", "Bob O&#39;Neil"),
        (DAVE, "Dave <Dee>", "Dave &#60;Dee&#62;"),
    ];
    let pages = pages_of(&r.inputs(None));
    for (id, ..) in people {
        let text = page(&pages, &engineer_page(id));
        assert!(text.contains("<title>"));
        for (other, name, escaped) in people.iter().filter(|p| p.0 != id) {
            let file = crate::report::charts::file_id(other);
            for bad in [*other, *name, *escaped, file.as_str()] {
                assert!(!text.contains(bad), "{id}'s page names {bad:?}");
            }
        }
        assert!(!text.contains("(unassigned)"), "{id}'s page");
    }
}

/// Ticket keys and the JIRA address go into links escaped, and a key is percent-encoded
/// in the path; ticket text is inert.
#[test]
fn links_and_text_are_escaped() {
    let r = report();
    let inputs = Inputs {
        jira_url: "https://j.example.com/a\"<>&'b",
        ..r.inputs(None)
    };
    let pages = pages_of(&inputs);
    let alice = page(&pages, "engineers/alice.html");
    assert!(alice.contains(
        "<a href=\"https://j.example.com/a&#34;&#60;&#62;&#38;&#39;b/browse/X%22%3C%3E%26%271\"><bdi>X&#34;&#60;&#62;&#38;&#39;1</bdi></a>"
    ), "{alice}");
    assert!(
        alice.contains("Call lacks notes: &#60;script&#62;alert(1)&#60;/script&#62; &#34;q&#34;")
    );
    assert!(!alice.contains("<script"));
    // Not a web address: keys are shown without links.
    let inputs = Inputs {
        jira_url: "javascript:alert(1)",
        ..r.inputs(None)
    };
    let pages = pages_of(&inputs);
    assert!(!page(&pages, "engineers/alice.html").contains("<a href=\"javascript"));
    assert!(
        page(&pages, "engineers/alice.html").contains(" — tickets: <bdi>SUP-9</bdi>, <bdi>X&#34;")
    );
}

/// A self-review of an id a spreadsheet would run as a formula (`=dave+1`) has its whole
/// page: its numbers, points and breaches, read from the values, not from CSV text where
/// the id is written `'=dave+1`. It is the only page, as index.html, with no other person.
#[test]
fn a_self_review_of_a_formula_like_id_keeps_its_page() {
    let r = report();
    let pages = pages_of(&r.inputs(Some(DAVE)));
    assert_eq!(pages.len(), 1);
    let (name, text) = &pages[0];
    assert_eq!(name, "index.html");
    for expected in [
        "<title>Self-review of Dave &#60;Dee&#62;, 2026-W46 – 2026-W47</title>",
        "<span class=\"id\">=dave+1</span>",
        "<tr><th scope=\"row\" title=\"ack_sla_pct\">Acks within SLA (%)</th><td>100.0</td><td class=\"good\" title=\"up from the week before\">▲ +50.0</td><td>50.0</td><td>75.0</td><td>≥ 95 <span class=\"met\">met</span></td></tr>",
        "Every ack on time (3 clocks)</bdi> — tickets: <a href=\"https://jira.example.com/browse/SUP-5\"><bdi>SUP-5</bdi></a>, <a href=\"https://jira.example.com/browse/SUP-6\"><bdi>SUP-6</bdi></a>",
        "1 ack clock breached</bdi> — tickets: <a href=\"https://jira.example.com/browse/SUP-4\"><bdi>SUP-4</bdi></a>",
        "<h2>SLA breaches in the window (1)</h2>",
        "dave sheet",
        "team trends",
        "met in 1 of 2 weeks with a value",
    ] {
        assert!(
            text.contains(expected),
            "self-review lacks {expected:?}:\n{text}"
        );
    }
    for other in [
        "alice", "Alice", "bob7", "Bob", "Neil", "SUP-7", "SUP-8", "SUP-9", "'=dave",
    ] {
        assert!(!text.contains(other), "self-review shows {other:?}");
    }
}

/// The team page opens offline: nothing is loaded from anywhere, the only script is the
/// inline sort, and every web address is a configured JIRA link (none on the team page).
#[test]
fn pages_load_nothing_from_outside() {
    let r = report();
    for (name, text) in pages_of(&r.inputs(None)) {
        for bad in [
            "<script src",
            "<link",
            "<img",
            "<iframe",
            "src=",
            "@import",
            "url(",
            "xmlns=",
        ] {
            assert!(!text.contains(bad), "{name} contains {bad:?}");
        }
        let mut rest = text.as_str();
        while let Some(i) = rest.find("http") {
            assert!(
                rest[i..].starts_with("https://jira.example.com/browse/"),
                "{name}: unexpected address at {:?}",
                &rest[i..(i + 60).min(rest.len())]
            );
            rest = &rest[i + 4..];
        }
        let scripts = text.matches("<script").count();
        assert_eq!(scripts, usize::from(name == "index.html"), "{name}");
    }
}

/// A window longer than eight weeks lists the points and breaches of its last eight and
/// counts the rest: weeks W38–W47 list from W40, so alice's W46 point is listed and a W39
/// copy of it is counted.
#[test]
fn long_window_lists_the_last_eight_weeks_and_counts_the_rest() {
    let mut r = report();
    r.weeks = (38..=47).map(|w| week(&format!("2026-W{w}"))).collect();
    r.feedback.push(point(
        "2026-W39",
        "alice",
        Kind::Plus,
        Col::AckSlaPct.name(),
        "An old point",
        &["SUP-0"],
    ));
    r.breaches.push(Breach {
        week: week("2026-W39"),
        ..r.breaches[1].clone()
    });
    let pages = pages_of(&r.inputs(None));
    let alice = page(&pages, "engineers/alice.html");
    assert!(alice.contains("Every ack on time (4 clocks)"));
    assert!(!alice.contains("An old point"));
    assert!(alice.contains(
        "<p class=\"empty\">1 more in earlier weeks of the window: see feedback.csv</p>"
    ));
    assert!(alice.contains("<h2>SLA breaches in the last 8 weeks (1)</h2>\n<p class=\"empty\">1 more in earlier weeks of the window: see breaches.csv</p>"));
    // The scorecard keeps every week.
    assert!(alice.contains("<th scope=\"col\">2026-W38</th>"));
}

/// An engineer's own median over the window is a number even for a count column: bob7's
/// SLA breaches 2 and 1 have the median 1.5 (not "2"), his acks 3 and 2 the median 2.5.
#[test]
fn a_median_of_counts_keeps_its_half() {
    let r = report();
    let inputs = r.inputs(None);
    let people = inputs.people();
    let by = super::own::ByEngineer::new(&inputs, &people);
    let bob = people.iter().find(|p| p.id == "bob7").unwrap();
    let page = super::engineer::EngineerPage::new(&inputs, &by, bob);
    let median = |name: &str| {
        page.this_week
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.median.clone())
            .unwrap()
    };
    assert_eq!(median(Col::SlaBreaches.name()), "1.5");
    assert_eq!(median(Col::Acks.name()), "2.5");
    assert_eq!(median(Col::AckSlaPct.name()), "33.3");
}

/// Each engineer's group holds exactly the rows a scan of each table for their id finds,
/// in the table's order (checked by address, so a duplicate week keeps its place), and
/// nothing of anyone without a page; a goal's target is its first row's.
#[test]
fn grouping_by_engineer_is_each_table_filtered_to_them() {
    let mut r = report();
    // Tables out of order and with repeats: the groups must follow them as they are.
    let mut reversed = r.values.engineers.clone();
    reversed.reverse();
    r.values.engineers.extend(reversed);
    let mut feedback = r.feedback.clone();
    feedback.reverse();
    r.feedback.extend(feedback);
    r.goals.push(goal(
        "2026-W45",
        "alice",
        Col::AckSlaPct.name(),
        1.0,
        7.0,
        false,
    ));
    let engineers: std::collections::BTreeSet<String> =
        ["alice".to_string(), DAVE.to_string()].into();
    let inputs = Inputs {
        engineers: Some(&engineers),
        ..r.inputs(None)
    };
    let people = inputs.people();
    assert_eq!(people.len(), 2);
    let by = super::own::ByEngineer::new(&inputs, &people);
    fn scan<T>(table: &[T], id: &str, of: impl Fn(&T) -> &str) -> Vec<*const T> {
        table
            .iter()
            .filter(|x| of(x) == id)
            .map(|x| x as *const T)
            .collect()
    }
    fn addresses<T>(group: &[&T]) -> Vec<*const T> {
        group.iter().map(|x| *x as *const T).collect()
    }
    fn keep<T>(has_page: bool, rows: Vec<T>) -> Vec<T> {
        if has_page { rows } else { Vec::new() }
    }
    for id in ["alice", DAVE, "bob7", "(unassigned)", "nobody"] {
        let own = by.of(id);
        let has_page = people.iter().any(|p| p.id == id);
        assert_eq!(by.has(id), has_page, "{id}");
        assert_eq!(
            addresses(&own.rows),
            keep(has_page, scan(&r.values.engineers, id, |x| &x.engineer)),
            "{id}"
        );
        assert_eq!(
            addresses(&own.goals),
            keep(has_page, scan(&r.goals, id, |x| &x.engineer)),
            "{id}"
        );
        assert_eq!(
            addresses(&own.feedback),
            keep(has_page, scan(&r.feedback, id, |x| &x.engineer)),
            "{id}"
        );
        assert_eq!(
            addresses(&own.breaches),
            keep(has_page, scan(&r.breaches, id, |x| &x.engineer)),
            "{id}"
        );
    }
    assert_eq!(by.of("alice").rows.len(), 4);
    assert_eq!(by.of(DAVE).feedback.len(), 4);
    for def in COLUMNS {
        let first = r
            .goals
            .iter()
            .find(|g| g.metric == def.name)
            .map(|g| g.goal);
        assert_eq!(by.target(def.name), first, "{}", def.name);
    }
    assert_eq!(by.target(Col::SlaBreaches.name()), Some(1.0));
    assert_eq!(by.target(Col::AckSlaPct.name()), Some(95.0));
}

/// A display name is untrusted text, and a bidi control in it (U+202E, right-to-left
/// override) would turn what follows it on the line right to left: the id beside the name
/// shown reversed, the footer's words too. Each name is isolated (`<bdi>`, or U+2068 …
/// U+2069 in the title, which holds no markup), so its direction ends with it.
#[test]
fn a_name_with_a_bidi_override_turns_nothing_after_it() {
    let mut r = report();
    for row in &mut r.values.engineers {
        if row.engineer == DAVE {
            row.name = "\u{202E}Dave".to_string();
        }
    }
    let pages = pages_of(&r.inputs(None));
    let dave = page(&pages, "engineers/_3Ddave_2B1.html");
    assert!(
        dave.contains("<h1><bdi>\u{202E}Dave</bdi><span class=\"id\">=dave+1</span></h1>"),
        "{dave}"
    );
    assert!(
        dave.contains("<title>\u{2068}\u{202E}Dave\u{2069}: weekly review"),
        "{dave}"
    );
    assert!(
        dave.contains("sent to <bdi>\u{202E}Dave</bdi> alone."),
        "{dave}"
    );
    let team = page(&pages, "index.html");
    assert!(
        team.contains(
            "<a href=\"engineers/_3Ddave_2B1.html\"><bdi>\u{202E}Dave</bdi></a>\
             <span class=\"d week\">=dave+1</span>"
        ),
        "{team}"
    );
}

/// Ticket keys and a point's message carry JIRA's text too: a right-to-left override in
/// one would show the keys after it backwards ("SUP-6" as "6-PUS"). Each is isolated.
#[test]
fn a_key_or_message_with_a_bidi_override_turns_no_other_key_around() {
    let mut r = report();
    r.feedback.push(point(
        "2026-W47",
        "alice",
        Kind::Improve,
        Col::SlaBreaches.name(),
        "1 breach \u{202E}x",
        &["SUP-\u{202E}7", "SUP-8"],
    ));
    let pages = pages_of(&r.inputs(None));
    let alice = page(&pages, "engineers/alice.html");
    assert!(
        alice.contains(
            "<bdi>1 breach \u{202E}x</bdi> — tickets: \
             <a href=\"https://jira.example.com/browse/SUP-%E2%80%AE7\"><bdi>SUP-\u{202E}7</bdi></a>, \
             <a href=\"https://jira.example.com/browse/SUP-8\"><bdi>SUP-8</bdi></a></li>"
        ),
        "{alice}"
    );
    let plain = Inputs {
        jira_url: "",
        ..r.inputs(None)
    };
    let pages = pages_of(&plain);
    assert!(
        page(&pages, "engineers/alice.html")
            .contains(" — tickets: <bdi>SUP-\u{202E}7</bdi>, <bdi>SUP-8</bdi></li>")
    );
}
