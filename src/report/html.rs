//! `index.html`: one self-contained page (SPEC §5) with the window and as-of, the team
//! summary, and a section per engineer (scorecard, trend sheet, plus and improvement points,
//! breaches). Everything is inline (CSS, SVG charts), so the page opens offline; every piece
//! of table text is escaped, so ticket text cannot become markup.

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt::Write;

use rayon::prelude::*;

use crate::report::charts::{
    ESCALATION_LEAD, Inputs, Person, TEAM_TRENDS, Table, WEEK_BREACHES, engineer_chart,
};

const CSS: &str = "
body{font-family:'DejaVu Sans',Verdana,Arial,sans-serif;margin:0 auto;max-width:1520px;padding:0 24px 48px;color:#222;line-height:1.4}
header{border-bottom:2px solid #1f77b4;margin-bottom:16px}
h1{margin:20px 0 4px}
h2{border-bottom:1px solid #ccc;padding-bottom:4px;margin-top:40px}
h2 .id{font-size:60%;color:#777;font-weight:normal;margin-left:8px}
.meta{color:#555;margin:4px 0 12px}
nav{margin:0 0 12px;font-size:90%;display:flex;flex-wrap:wrap;gap:4px 14px}
nav a{white-space:nowrap}
figure{margin:16px 0}
figure svg{max-width:100%;height:auto;display:block}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:85%;margin:8px 0}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f4f6f8}
th[scope=row],td.text{text-align:left}
td.na{color:#bbb;text-align:center}
.points{display:flex;flex-wrap:wrap;gap:24px}
.points>div{flex:1 1 420px}
.points li{margin:4px 0}
.plus h3{color:#1e8449}.improve h3{color:#b03a2e}
.week{color:#777;font-size:85%;margin-right:6px}
.metric{font-weight:bold}
.empty{color:#777;font-style:italic}
footer{margin-top:48px;color:#777;font-size:85%}
";

/// Readable names of the weekly columns (SPEC §5); a column not listed shows its CSV name.
const LABELS: &[(&str, &str)] = &[
    ("acks", "Acks (stopped ack clocks)"),
    ("ack_p50_min", "Ack latency p50 (min)"),
    ("ack_p90_min", "Ack latency p90 (min)"),
    ("ack_max_min", "Ack latency max (min)"),
    ("ack_breaches", "Ack breaches"),
    ("ack_sla_pct", "Acks within SLA (%)"),
    ("update_gaps", "Update gaps (decided)"),
    ("update_breaches", "Update breaches"),
    ("update_sla_pct", "Updates within SLA (%)"),
    ("sla_breaches", "SLA breaches"),
    ("escalations", "Escalations"),
    ("escalations_early", "Escalations, early"),
    ("escalations_late", "Escalations, late"),
    ("escalations_after_breach", "Escalations after a breach"),
    ("escalation_lead_p50_min", "Escalation lead p50 (min)"),
    ("silent_breaches", "Silent breaches"),
    ("tickets_owned", "Tickets owned"),
    ("handoffs_in", "Handoffs in"),
    ("handoffs_out", "Handoffs out"),
    ("resolved", "Resolved"),
    ("resolved_sole_owner", "Resolved as sole owner"),
    ("continuity_pct", "Continuity (%)"),
    ("calls_reported", "Calls reported"),
    ("call_minutes_reported", "Call time reported (min)"),
    ("call_notes", "Call notes"),
    ("calls_missing_notes", "Calls missing notes"),
    ("calls_missing_time", "Call notes missing time"),
    ("hours_logged", "Hours logged"),
    ("worklogs", "Worklogs"),
    ("late_logs", "Late logs"),
    ("same_day_log_pct", "Logged the same day (%)"),
    ("max_wip", "Max tickets in progress"),
    ("multi_wip_hours", "Hours with 2+ in progress"),
    ("assignments", "Assignments"),
    ("prebooked", "Prebooked"),
    ("reopens", "Reopens"),
    ("untagged_tickets", "Untagged tickets"),
    ("score", "Score (0–100)"),
];

/// Columns that identify a weekly row rather than measure it.
const KEYS: [&str; 3] = ["week", "engineer", "engineer_name"];

/// How many of the window's last weeks a section lists points and breaches for: the
/// default window, what a weekly review looks at. A longer window (a recompute of two
/// years) keeps every week in the scorecard and the trend sheet, and says how many older
/// rows feedback.csv and breaches.csv hold: listing all of them made a 150-engineer,
/// 104-week page 98 MB, which a browser took a minute to open.
const LISTED_WEEKS: usize = 8;

/// The weeks a section lists rows of.
#[derive(Clone, Copy)]
struct Listed<'a> {
    /// The first listed week; None when the whole window is listed.
    since: Option<&'a str>,
}

impl<'a> Listed<'a> {
    fn new(weeks: &'a [String]) -> Listed<'a> {
        let since =
            (weeks.len() > LISTED_WEEKS).then(|| weeks[weeks.len() - LISTED_WEEKS].as_str());
        Listed { since }
    }

    /// How the listed weeks are named in headings.
    fn name(self) -> String {
        match self.since {
            Some(_) => format!("the last {LISTED_WEEKS} weeks"),
            None => "the window".to_string(),
        }
    }

    /// The rows of `rows` in the listed weeks (labels sort as the weeks do), and how many
    /// were left out.
    fn split<'r>(self, table: &Table, rows: &[&'r Vec<String>]) -> (Vec<&'r Vec<String>>, usize) {
        let Some(since) = self.since else {
            return (rows.to_vec(), 0);
        };
        let listed: Vec<&Vec<String>> = rows
            .iter()
            .copied()
            .filter(|r| table.text(r, "week").is_some_and(|w| w >= since))
            .collect();
        let left_out = rows.len() - listed.len();
        (listed, left_out)
    }

    /// The line saying how many rows of `csv` the section left out; empty for none.
    fn left_out(count: usize, csv: &str) -> String {
        if count == 0 {
            return String::new();
        }
        format!("<p class=\"empty\">{count} more in earlier weeks of the window: see {csv}</p>")
    }
}

/// Text made inert in HTML content and in quoted attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A ticket key, linked to `<jira_url>/browse/KEY` when an http(s) JIRA URL is configured.
fn ticket(jira_url: &str, key: &str) -> String {
    let base = jira_url.trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return escape(key);
    }
    // Keys are letters, digits and '-'; anything else is percent-encoded for the path.
    let mut path = String::new();
    for b in key.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            path.push(b as char);
        } else {
            let _ = write!(path, "%{b:02X}");
        }
    }
    format!(
        "<a href=\"{}/browse/{}\">{}</a>",
        escape(base),
        escape(&path),
        escape(key)
    )
}

/// An SVG chart for inlining: the namespace attribute is implied inside HTML.
fn inline_svg(charts_svg: &[(String, String)], stem: &str) -> Option<String> {
    let name = format!("{stem}.svg");
    charts_svg.iter().find(|(n, _)| *n == name).map(|(_, svg)| {
        let svg = svg.replacen(" xmlns=\"http://www.w3.org/2000/svg\"", "", 1);
        let svg = match svg.find("<svg") {
            Some(i) => &svg[i..],
            None => &svg[..],
        };
        format!("<figure>{}</figure>\n", svg.trim_end())
    })
}

/// A weekly table turned on its side: one row per metric column, one column per week.
fn by_week(out: &mut String, table: &Table, weeks: &[String], rows: &[&Vec<String>]) {
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr><th scope=\"col\">metric</th>");
    for w in weeks {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(w));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    // The first row of each week, found once rather than per cell.
    let mut of_week: HashMap<&str, &Vec<String>> = HashMap::new();
    for r in rows {
        if let Some(w) = table.text(r, "week") {
            of_week.entry(w).or_insert(r);
        }
    }
    for (col, name) in table.header.iter().enumerate() {
        if KEYS.contains(&name.as_str()) {
            continue;
        }
        let label = LABELS
            .iter()
            .find(|(n, _)| n == name)
            .map_or(name.as_str(), |(_, l)| l);
        let _ = write!(
            out,
            "<tr><th scope=\"row\" title=\"{}\">{}</th>",
            escape(name),
            escape(label)
        );
        for w in weeks {
            let cell = of_week
                .get(w.as_str())
                .and_then(|r| r.get(col))
                .filter(|c| !c.is_empty());
            match cell {
                Some(c) => {
                    let _ = write!(out, "<td>{}</td>", escape(c));
                }
                None => out.push_str("<td class=\"na\">–</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div>\n");
}

/// The rows of each engineer in the tables their section shows, grouped once.
struct ByEngineer<'a> {
    weekly: HashMap<&'a str, Vec<&'a Vec<String>>>,
    feedback: HashMap<&'a str, Vec<&'a Vec<String>>>,
    breaches: HashMap<&'a str, Vec<&'a Vec<String>>>,
}

impl<'a> ByEngineer<'a> {
    fn new(inputs: &Inputs<'a>) -> ByEngineer<'a> {
        ByEngineer {
            weekly: inputs.engineer_weekly.group_by("engineer"),
            feedback: inputs.feedback.group_by("engineer"),
            breaches: inputs.breaches.group_by("engineer"),
        }
    }
}

/// An engineer's rows of one grouped table.
fn rows_of<'a>(groups: &HashMap<&str, Vec<&'a Vec<String>>>, id: &str) -> Vec<&'a Vec<String>> {
    groups.get(id).cloned().unwrap_or_default()
}

/// The plus or improvement points of one engineer in the listed weeks, newest week first.
fn points(
    out: &mut String,
    inputs: &Inputs,
    mine: &[&Vec<String>],
    (kind, heading): (&str, &str),
    listed: Listed,
) {
    let t = inputs.feedback;
    let of_kind: Vec<&Vec<String>> = mine
        .iter()
        .copied()
        .filter(|r| t.text(r, "kind") == Some(kind))
        .collect();
    let (mut rows, left_out) = listed.split(t, &of_kind);
    rows.sort_by(|a, b| t.text(b, "week").cmp(&t.text(a, "week")));
    let _ = write!(out, "<div class=\"{kind}\"><h3>{heading}</h3>");
    let older = Listed::left_out(left_out, "feedback.csv");
    if rows.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"empty\">none in {}</p>{older}</div>",
            listed.name()
        );
        return;
    }
    out.push_str("<ul>\n");
    for r in rows {
        let field = |name| escape(t.text(r, name).unwrap_or(""));
        let _ = write!(
            out,
            "<li><span class=\"week\">{}</span><span class=\"metric\">{}</span>: {}",
            field("week"),
            field("metric"),
            field("message")
        );
        let keys: Vec<String> = t
            .text(r, "tickets")
            .unwrap_or("")
            .split_whitespace()
            .map(|k| ticket(inputs.jira_url, k))
            .collect();
        if !keys.is_empty() {
            let _ = write!(out, " — tickets: {}", keys.join(", "));
        }
        out.push_str("</li>\n");
    }
    let _ = writeln!(out, "</ul>{older}</div>");
}

/// The engineer's breached clocks in the listed weeks, folded away.
fn breaches(out: &mut String, inputs: &Inputs, mine: &[&Vec<String>], listed: Listed) {
    const COLUMNS: [&str; 7] = [
        "week",
        "ticket",
        "kind",
        "type",
        "severity",
        "deadline",
        "escalated_before_deadline",
    ];
    let t = inputs.breaches;
    let (rows, left_out) = listed.split(t, mine);
    let _ = writeln!(
        out,
        "<details><summary>SLA breaches in {} ({})</summary>",
        listed.name(),
        rows.len()
    );
    if left_out > 0 {
        let _ = writeln!(out, "{}", Listed::left_out(left_out, "breaches.csv"));
    }
    if rows.is_empty() {
        out.push_str("<p class=\"empty\">none</p></details>\n");
        return;
    }
    let columns: Vec<&str> = COLUMNS
        .into_iter()
        .filter(|c| t.column(c).is_some())
        .collect();
    out.push_str("<div class=\"scroll\"><table><thead><tr>");
    for c in &columns {
        let _ = write!(out, "<th scope=\"col\">{}</th>", c.replace('_', " "));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for c in &columns {
            let v = t.text(r, c).unwrap_or("");
            let cell = if *c == "ticket" {
                ticket(inputs.jira_url, v)
            } else {
                escape(v)
            };
            let _ = write!(out, "<td class=\"text\">{cell}</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table></div></details>\n");
}

/// The anchor of an engineer's section.
fn anchor(id: &str) -> String {
    engineer_chart(id).trim_start_matches("charts/").to_string()
}

fn engineer(
    out: &mut String,
    inputs: &Inputs,
    groups: &ByEngineer,
    charts_svg: &[(String, String)],
    p: &Person,
) {
    let _ = write!(
        out,
        "<section id=\"{}\" class=\"engineer\">\n<h2>{}",
        escape(&anchor(&p.id)),
        escape(p.label())
    );
    if p.label() != p.id {
        let _ = write!(out, "<span class=\"id\">{}</span>", escape(&p.id));
    }
    out.push_str("</h2>\n<h3>Scorecard</h3>\n");
    let t = inputs.engineer_weekly;
    by_week(out, t, inputs.weeks, &rows_of(&groups.weekly, &p.id));
    if let Some(svg) = inline_svg(charts_svg, &engineer_chart(&p.id)) {
        out.push_str(&svg);
    }
    out.push_str("<div class=\"points\">\n");
    let feedback = rows_of(&groups.feedback, &p.id);
    let listed = Listed::new(inputs.weeks);
    points(out, inputs, &feedback, ("plus", "Plus points"), listed);
    points(out, inputs, &feedback, ("improve", "To improve"), listed);
    out.push_str("</div>\n");
    breaches(out, inputs, &rows_of(&groups.breaches, &p.id), listed);
    out.push_str("</section>\n");
}

/// The report page. `charts_svg` holds `(file name, SVG text)` as named by
/// [`crate::report::charts::charts`]; a chart that is absent is left out of the page.
pub fn index_html(inputs: &Inputs, charts_svg: &[(String, String)]) -> String {
    let people = inputs.people();
    let window = inputs.window_label();
    let heading = match inputs.self_review {
        Some(id) => {
            let who = people.iter().find(|p| p.id == id).map_or(id, |p| p.label());
            format!("Self-review of {who}, {window}")
        }
        None => format!("Support team review, {window}"),
    };
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header>\n<h1>{}</h1>\n\
         <p class=\"meta\">Window: {} ({} week{}) · data as of {}</p>\n",
        escape(&heading),
        escape(&heading),
        escape(&window),
        inputs.weeks.len(),
        if inputs.weeks.len() == 1 { "" } else { "s" },
        escape(inputs.as_of)
    );
    if inputs.self_review.is_none() && !people.is_empty() {
        out.push_str("<nav><a href=\"#team\">Team</a>");
        for p in &people {
            let _ = write!(
                out,
                "<a href=\"#{}\">{}</a>",
                escape(&anchor(&p.id)),
                escape(p.label())
            );
        }
        out.push_str("</nav>\n");
    }
    out.push_str("</header>\n<section id=\"team\">\n<h2>Team</h2>\n");
    for stem in [TEAM_TRENDS, WEEK_BREACHES, ESCALATION_LEAD] {
        if let Some(svg) = inline_svg(charts_svg, stem) {
            out.push_str(&svg);
        }
    }
    out.push_str("<h3>Team summary by week</h3>\n");
    let team = inputs.team_weekly;
    let rows: Vec<&Vec<String>> = team.rows.iter().collect();
    by_week(&mut out, team, inputs.weeks, &rows);
    out.push_str("</section>\n");
    let groups = ByEngineer::new(inputs);
    // A section per engineer, written on every core and joined in the nav's order.
    let sections: Vec<String> = people
        .par_iter()
        .map(|p| {
            let mut section = String::new();
            engineer(&mut section, inputs, &groups, charts_svg, p);
            section
        })
        .collect();
    out.reserve(sections.iter().map(String::len).sum());
    for section in sections {
        out.push_str(&section);
    }
    let _ = write!(
        out,
        "<footer>Written by supportlens {}. Every number comes from the CSV files beside \
         this page; an en dash (–) is a week without data.</footer>\n</body>\n</html>\n",
        env!("CARGO_PKG_VERSION")
    );
    out
}
