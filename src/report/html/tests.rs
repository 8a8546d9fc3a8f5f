use super::*;
use crate::report::charts::{self, fixture::Fixture};

fn page(inputs: &Inputs) -> String {
    let files = charts::charts(inputs).unwrap();
    index_html(inputs, &charts::svgs(&files))
}

#[test]
fn escape_makes_markup_and_quotes_inert() {
    assert_eq!(
        escape(r#"<script>alert('x')</script> & "q""#),
        "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
    );
}

#[test]
fn ticket_keys_link_to_jira_only_when_configured() {
    assert_eq!(
        ticket("https://jira.example.com/", "SUP-12"),
        "<a href=\"https://jira.example.com/browse/SUP-12\">SUP-12</a>"
    );
    assert_eq!(ticket("", "SUP-12"), "SUP-12");
    // Not a web address: no link, so no javascript: or other scheme gets in.
    assert_eq!(ticket("javascript:alert(1)", "SUP-12"), "SUP-12");
    assert_eq!(
        ticket("https://j.example.com", "X\"><b>"),
        "<a href=\"https://j.example.com/browse/X%22%3E%3Cb%3E\">X&quot;&gt;&lt;b&gt;</a>"
    );
}

#[test]
fn page_shows_window_team_summary_and_a_section_per_engineer() {
    let f = Fixture::new();
    let html = page(&f.inputs());
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    for text in [
        "<title>Support team review, 2026-W46 – 2026-W47</title>",
        "Window: 2026-W46 – 2026-W47 (2 weeks) · data as of 2026-11-23T09:15:00Z",
        "<h3>Team summary by week</h3>",
        "<th scope=\"row\" title=\"ack_p90_min\">Ack latency p90 (min)</th><td>20</td><td>14</td></tr>",
        "<section id=\"engineer_alice\" class=\"engineer\">\n<h2>Alice Archer<span class=\"id\">alice</span></h2>",
        "<h2>Bob O&#39;Neil<span class=\"id\">bob</span></h2>",
        "<a href=\"#engineer_carol\">Carol Chen</a>",
        // Bob has no ack p90 in W47: a no-data cell, not 0.
        "<th scope=\"row\" title=\"ack_p90_min\">Ack latency p90 (min)</th><td>30</td><td class=\"na\">–</td></tr>",
        "Team trends, 2026-W46 – 2026-W47",
        "SLA breaches per engineer in 2026-W47",
        "Escalation lead time",
        "Alice Archer: weekly trends",
        "<div class=\"plus\"><h3>Plus points</h3>",
        "<span class=\"week\">2026-W47</span><span class=\"metric\">ack_sla_pct</span>: Acked every incident on time — tickets: <a href=\"https://jira.example.com/browse/SUP-1\">SUP-1</a>, <a href=\"https://jira.example.com/browse/SUP-5\">SUP-5</a>",
        "<summary>SLA breaches in the window (1)</summary>",
        "<td class=\"text\"><a href=\"https://jira.example.com/browse/SUP-7\">SUP-7</a></td>",
    ] {
        assert!(html.contains(text), "page lacks {text:?}");
    }
    // Newest week first among the plus points.
    let w47 = html.find("Acked every incident").unwrap();
    let w46 = html.find("Resolved every ticket").unwrap();
    assert!(w47 < w46);
    // Carol has no feedback.
    let carol = &html[html.find("id=\"engineer_carol\"").unwrap()..];
    assert!(carol.contains("<p class=\"empty\">none in the window</p>"));
}

#[test]
fn page_loads_nothing_from_outside() {
    let f = Fixture::new();
    let html = page(&f.inputs());
    for bad in [
        "<script", "<link", "<img", "<iframe", "src=", "@import", "url(",
    ] {
        assert!(!html.contains(bad), "page contains {bad:?}");
    }
    // Every web address is a configured JIRA link.
    let mut rest = html.as_str();
    let mut links = 0;
    while let Some(i) = rest.find("http") {
        assert!(
            rest[i..].starts_with("https://jira.example.com/browse/"),
            "unexpected address at {:?}",
            &rest[i..(i + 60).min(rest.len())]
        );
        links += 1;
        rest = &rest[i + 4..];
    }
    // SUP-1, SUP-5, SUP-3, SUP-9 (alice), SUP-2 (bob), SUP-7 and SUP-8 (breaches).
    assert_eq!(links, 7);
    // SVGs are inlined, without the XML namespace address.
    assert_eq!(html.matches("<svg ").count(), 6);
}

#[test]
fn hostile_ticket_text_comes_out_inert() {
    let f = Fixture::new();
    let html = page(&f.inputs());
    assert!(html.contains(
        "Call on SUP-9 lacks notes: &lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;"
    ));
    assert!(!html.contains("alert(1)</script>"));
}

#[test]
fn page_without_jira_url_has_no_links() {
    let f = Fixture::new();
    let inputs = Inputs {
        jira_url: "",
        ..f.inputs()
    };
    let html = page(&inputs);
    assert!(!html.contains("http"));
    assert!(html.contains("— tickets: SUP-1, SUP-5"));
}

#[test]
fn self_review_shows_no_one_else() {
    let f = Fixture::new();
    // The tables are not cut to alice here: the page must keep the others out by itself.
    let inputs = Inputs {
        self_review: Some("alice"),
        ..f.inputs()
    };
    let html = page(&inputs);
    assert!(html.contains("<title>Self-review of Alice Archer, 2026-W46 – 2026-W47</title>"));
    assert!(html.contains("SLA breaches in 2026-W47: Alice Archer and the whole team"));
    assert!(html.contains(">\nwhole team\n</text>"));
    assert!(
        html.contains("(n = 2)"),
        "only alice's escalations are counted"
    );
    assert!(
        html.contains(">\nteam\n</text>"),
        "trend sheet compares with the team"
    );
    assert_eq!(html.matches("class=\"engineer\"").count(), 1);
    for other in [
        "bob",
        "Bob",
        "Neil",
        "carol",
        "Carol",
        "(unassigned)",
        "SUP-2",
        "SUP-8",
    ] {
        assert!(!html.contains(other), "self-review shows {other:?}");
    }
}

/// A window longer than eight weeks lists the points and breaches of its last eight, and
/// says how many older ones the CSVs hold. Weeks W38–W47: listed from W40; alice's
/// continuity point and bob's breach are moved to W39, so each is counted, not shown.
#[test]
fn long_window_lists_the_last_eight_weeks_and_counts_the_rest() {
    let mut f = Fixture::new();
    f.weeks = (38..=47).map(|w| format!("2026-W{w}")).collect();
    let parse = |s: String| Table::from_csv(s.as_bytes()).unwrap();
    f.feedback =
        parse(charts::fixture::FEEDBACK.replace("2026-W46,alice,plus", "2026-W39,alice,plus"));
    f.breaches = parse(charts::fixture::BREACHES.replace("bob,2026-W47", "bob,2026-W39"));
    let html = page(&f.inputs());
    let section = |id: &str| {
        let start = html.find(&format!("id=\"engineer_{id}\"")).unwrap();
        let end = html[start..].find("</section>").unwrap();
        html[start..start + end].to_string()
    };
    let alice = section("alice");
    assert!(alice.contains("Acked every incident on time"));
    assert!(
        !alice.contains("Resolved every ticket"),
        "W39 is before the listed weeks"
    );
    assert!(alice.contains(
        "</ul><p class=\"empty\">1 more in earlier weeks of the window: see feedback.csv</p></div>"
    ));
    assert_eq!(
        alice.matches("more in earlier weeks").count(),
        1,
        "improve points all listed"
    );
    assert!(alice.contains("<summary>SLA breaches in the last 8 weeks (1)</summary>"));
    let bob = section("bob");
    assert!(bob.contains(
        "<summary>SLA breaches in the last 8 weeks (0)</summary>\n\
         <p class=\"empty\">1 more in earlier weeks of the window: see breaches.csv</p>\n\
         <p class=\"empty\">none</p></details>"
    ));
    assert!(!bob.contains("SUP-8"));
    let carol = section("carol");
    assert!(carol.contains("<p class=\"empty\">none in the last 8 weeks</p></div>"));
    // The scorecard still has a column for every week of the window.
    assert!(alice.contains("<th scope=\"col\">2026-W38</th>"));
}
