//! Measured results → the report's files: the CSV tables, `run.json`, the charts and the
//! pages, each rendered from the typed values, independent ones on every core, each put
//! into the sink ([`Sink`]) as it is rendered.

use std::io::{self, Write};

use anyhow::Context;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::csv::{num2, to_vec};
use super::sink::{Sink, Unwritten};
use super::{Options, calls, charts, goals, handoffs, pages, tables, tickets};
use crate::measure::Measured;
use crate::metrics::columns::Col;
use crate::model::fmt_ts;
use crate::progress::Progress;
use crate::settings::{ClockKind, Settings, TicketType};
use crate::week::Week;

/// Writes one CSV table into the writer it is given.
type Render<'a> = Box<dyn Fn(&mut (dyn Write + Send)) -> io::Result<()> + Send + Sync + 'a>;

#[derive(Serialize)]
struct RunInfo<'a> {
    as_of: String,
    weeks: Vec<String>,
    input: &'a str,
    version: &'static str,
    config_sha256: String,
}

/// Puts every file of the report of `m` into `sink` as it is rendered: the tables,
/// `run.json`, then (when `opts.draw`) the charts and the pages. Returns the page delivery
/// attaches to a lead's mail (`index.html` as mailed, see [`pages::Pages::mailed`]), when
/// the pages were drawn.
pub(super) fn render(
    settings: &Settings,
    m: &Measured,
    opts: &Options,
    sink: &Sink,
    progress: &mut Progress,
) -> anyhow::Result<Option<Vec<u8>>> {
    let jobs = tables_of(m, |_| true);
    let count = jobs.len() + 1;
    // The tables are independent: each written into its file on every core (the largest
    // also renders its rows on every core). The charts and pages are drawn beside them:
    // the tables alone keep the cores a third idle, waiting on their largest file. The
    // first failing file in the report's order is the one reported: a table's before a
    // chart's.
    let tables = || -> anyhow::Result<()> {
        let written: Vec<Result<(), Unwritten>> = jobs
            .into_par_iter()
            .map(|(name, render)| sink.put(name, |w| render(w)))
            .collect();
        written.into_iter().collect::<Result<(), _>>()?;
        sink.bytes("run.json", &run_json(settings, m, &opts.input)?)?;
        Ok(())
    };
    if !opts.draw {
        tables()?;
        progress.step(&format!("rendered {count} tables"));
        return Ok(None);
    }
    let (tables, drawn) = rayon::join(tables, || visuals(settings, m, sink));
    tables?;
    let (charts, pages, index) = drawn?;
    progress.step(&format!(
        "rendered {count} tables, drew {charts} charts and {pages} pages"
    ));
    Ok(index)
}

/// The files a sink holds in the report's order: the tables, `run.json`, then the charts
/// and pages by name.
pub(super) fn in_report_order(mut files: Vec<(String, Vec<u8>)>) -> Vec<(String, Vec<u8>)> {
    let tables: Vec<&str> = tables_of(&Measured::default(), |_| true)
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    let rank = |name: &str| match tables.iter().position(|t| *t == name) {
        Some(i) => i,
        None if name == "run.json" => tables.len(),
        None => tables.len() + 1,
    };
    files.sort_by(|a, b| (rank(&a.0), &a.0).cmp(&(rank(&b.0), &b.0)));
    files
}

/// The CSV tables of `m` as `(file name, bytes)`, in the report's order.
pub fn csv_files(m: &Measured) -> Vec<(String, Vec<u8>)> {
    csv_files_where(m, |_| true)
}

/// The CSV tables of `m` whose file name `want` accepts (`query` renders only the tables
/// its SQL names), in the report's order, rendered in memory by the code that writes them
/// into the report folder.
pub fn csv_files_where(m: &Measured, want: impl Fn(&str) -> bool) -> Vec<(String, Vec<u8>)> {
    tables_of(m, want)
        .into_par_iter()
        .map(|(name, render)| (name.to_string(), to_vec(|out| render(out))))
        .collect()
}

/// The CSV tables of `m` whose file name `want` accepts, each as its name and how to write
/// it, in the report's order.
fn tables_of(m: &Measured, want: impl Fn(&str) -> bool) -> Vec<(&'static str, Render<'_>)> {
    let t = m.tickets.as_slice();
    let clocks: Vec<_> = m.clocks.iter().collect();
    let escalations: Vec<_> = m.escalations.iter().collect();
    let handoff_rows: Vec<_> = m.handoffs.iter().collect();
    let summaries: Vec<_> = m.summaries.iter().collect();
    let calls_rows: Vec<_> = m.calls.iter().collect();
    // `clocks` serves two tables.
    let clocks = std::sync::Arc::new(clocks);
    let breached = clocks.clone();
    let jobs: Vec<(&'static str, Render)> = vec![
        (
            "clocks.csv",
            Box::new(move |w| tables::clocks(w, &clocks, t)),
        ),
        (
            "breaches.csv",
            Box::new(move |w| tables::breaches(w, &breached, &m.all_escalations, t)),
        ),
        (
            "escalations.csv",
            Box::new(move |w| tables::escalations(w, &escalations, t)),
        ),
        (
            "engineer_weekly.csv",
            Box::new(move |w| tables::weekly_csv(w, &m.values.engineers)),
        ),
        (
            "team_weekly.csv",
            Box::new(move |w| tables::weekly_csv(w, &m.values.team)),
        ),
        (
            "handoffs.csv",
            Box::new(move |w| handoffs::handoffs_csv(w, &handoff_rows, t)),
        ),
        (
            "tickets.csv",
            Box::new(move |w| tickets::tickets_csv(w, &summaries, t)),
        ),
        (
            "calls.csv",
            Box::new(move |w| calls::calls_csv(w, &calls_rows, t)),
        ),
        (
            "feedback.csv",
            Box::new(move |w| tables::feedback(w, &m.feedback)),
        ),
        (
            "goals.csv",
            Box::new(move |w| goals::goals_csv(w, &m.goals)),
        ),
        (
            "data_quality.csv",
            Box::new(move |w| tables::data_quality(w, &m.problems)),
        ),
    ];
    jobs.into_iter().filter(|(name, _)| want(name)).collect()
}

/// `run.json`: the as-of, the weeks, where the data came from, the version and a hash of
/// the effective settings.
fn run_json(settings: &Settings, m: &Measured, input: &str) -> anyhow::Result<Vec<u8>> {
    let run = RunInfo {
        as_of: fmt_ts(m.as_of),
        weeks: m.window.weeks.iter().map(Week::to_string).collect(),
        input,
        version: env!("CARGO_PKG_VERSION"),
        config_sha256: format!("{:x}", Sha256::digest(settings.effective.as_bytes())),
    };
    let mut bytes = serde_json::to_vec_pretty(&run).context("rendering run.json")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The breached clocks of the window as the pages list them.
fn page_breaches(m: &Measured) -> Vec<pages::Breach> {
    let index = crate::metrics::escalations::EscalationIndex::new(&m.all_escalations);
    m.clocks
        .iter()
        .filter(|c| c.breached)
        .map(|c| pages::Breach {
            week: c.week,
            engineer: c.engineer.to_string(),
            ticket: m.tickets[c.ticket].key.to_string(),
            kind: c.kind.as_str(),
            ticket_type: c.ticket_type.as_str(),
            severity: c.severity.as_deref().unwrap_or_default().to_string(),
            deadline: c.deadline.map(fmt_ts).unwrap_or_default(),
            escalated_before_deadline: index.escalated_within(c),
        })
        .collect()
}

/// Draws the charts (PNG and SVG) and the pages of `m` into `sink`, each chart as it is
/// drawn. Both read the measured values, each number as the CSVs write it, and ids and
/// names as they are (never as a CSV cell's formula guard writes them). Returns how many
/// charts and pages were drawn, and `index.html` as a lead is mailed it.
fn visuals(
    settings: &Settings,
    m: &Measured,
    sink: &Sink,
) -> anyhow::Result<(usize, usize, Option<Vec<u8>>)> {
    let (ack, goals, leads) = (
        ack_targets(settings),
        goal_lines(settings),
        escalation_leads(m),
    );
    let inputs = chart_inputs(m, &ack, &goals, &leads);
    let svgs = charts::draw_each(&inputs, |name, bytes| Ok(sink.bytes(name, bytes)?))?;
    // The pages are a tenth of the report's bytes (the PNGs most of the rest): drawn at
    // once, then written and let go, all but the team page.
    let pages = pages_of(settings, m, &svgs)?;
    let written: Vec<Result<(), Unwritten>> = pages
        .files
        .par_iter()
        .map(|(name, bytes)| sink.bytes(name, bytes))
        .collect();
    written.into_iter().collect::<Result<(), _>>()?;
    Ok((svgs.len(), pages.files.len(), pages.mailed))
}

/// Engineer `m.engineer`'s self-review page: exactly the `index.html` that `report
/// --engineer` writes for the same results, its charts drawn as SVG only. For `m` made
/// by [`Measured::scoped`], it names no one else and links to no other page (SPEC §7: the
/// page an engineer's mail carries).
pub fn review_page(settings: &Settings, m: &Measured) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(
        m.engineer.is_some(),
        "a review page is made of one engineer's results"
    );
    let (ack, goals, leads) = (
        ack_targets(settings),
        goal_lines(settings),
        escalation_leads(m),
    );
    let svgs = charts::svg_charts(&chart_inputs(m, &ack, &goals, &leads))?;
    pages_of(settings, m, &svgs)?
        .files
        .into_iter()
        .find(|(name, _)| name == "index.html")
        .map(|(_, page)| page)
        .context("a self-review renders its page as index.html")
}

/// What the charts of `m` are drawn from.
fn chart_inputs<'a>(
    m: &'a Measured,
    ack_targets: &'a [(&'static str, f64)],
    goals: &'a [(Col, f64)],
    leads: &'a [f64],
) -> charts::Inputs<'a> {
    charts::Inputs {
        engineer_weekly: &m.values.engineers,
        team_weekly: &m.values.team,
        escalation_leads: leads,
        weeks: &m.window.weeks,
        ack_targets,
        goals,
        self_review: m.engineer.as_deref(),
        engineers: Some(&m.engineers),
    }
}

/// The pages of `m`, with the charts `svgs` (as `(<name>.svg, text)`) embedded.
fn pages_of(
    settings: &Settings,
    m: &Measured,
    svgs: &[(String, String)],
) -> anyhow::Result<pages::Pages> {
    let as_of = fmt_ts(m.as_of);
    let breached = page_breaches(m);
    pages::pages(&pages::Inputs {
        weeks: &m.window.weeks,
        as_of: &as_of,
        jira_url: &settings.jira.url,
        self_review: m.engineer.as_deref(),
        values: &m.values,
        feedback: &m.feedback,
        breaches: &breached,
        goals: &m.goals,
        engineers: Some(&m.engineers),
        svgs,
    })
}

/// The ack target in minutes of each ticket type that has one, for the charts' lines.
fn ack_targets(settings: &Settings) -> Vec<(&'static str, f64)> {
    [TicketType::Incident, TicketType::Query, TicketType::Other]
        .into_iter()
        .filter_map(|ty| {
            let secs = settings.sla.get(&(ClockKind::Ack, ty))?.default?;
            Some((ty.as_str(), secs as f64 / 60.0))
        })
        .collect()
}

/// The configured goals as (column, target), for the charts' goal lines.
fn goal_lines(settings: &Settings) -> Vec<(Col, f64)> {
    settings
        .goals
        .iter()
        .filter_map(|g| Some((Col::named(g.metric)?, g.target)))
        .collect()
}

/// The lead times of the window's escalations with a pending deadline, in minutes as
/// `escalations.csv` writes them (2 decimals), so the histogram bins the file's numbers.
fn escalation_leads(m: &Measured) -> Vec<f64> {
    m.escalations
        .iter()
        .filter_map(|e| e.lead_ms)
        .filter_map(|ms| num2(ms as f64 / 60_000.0).parse().ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Window;
    use crate::metrics::columns::COLUMNS;
    use crate::metrics::values::{ValueRow, WeeklyValues};

    /// Two weeks of an engineer whose id and name look like formulas, and the team.
    fn measured() -> Measured {
        let weeks: Vec<Week> = vec!["2026-W46".parse().unwrap(), "2026-W47".parse().unwrap()];
        let row = |week: Week, id: &str, name: &str| {
            let mut values = vec![None; COLUMNS.len()];
            values[Col::AckBreaches.index()] = Some(2.0);
            values[Col::AckSlaPct.index()] = Some(50.0);
            ValueRow {
                week,
                engineer: id.into(),
                name: name.into(),
                values,
            }
        };
        Measured {
            values: WeeklyValues {
                engineers: weeks.iter().map(|w| row(*w, "=eve", "=Eve")).collect(),
                team: weeks.iter().map(|w| row(*w, "(team)", "")).collect(),
            },
            engineers: ["=eve".to_string()].into(),
            window: Window { weeks },
            ..Measured::default()
        }
    }

    /// The charts and the pages are drawn from the values, ids and names as they are: the
    /// bars say `=Eve` (not the CSV's `'=Eve`), and her page finds her trend sheet.
    #[test]
    fn visuals_show_ids_and_names_as_they_are() {
        let settings = crate::config::defaults();
        let m = measured();
        let sink = Sink::memory();
        visuals(&settings, &m, &sink).unwrap();
        let files = sink.into_files();
        let text = |name: &str| {
            let (_, bytes) = files.iter().find(|(n, _)| n == name).unwrap();
            String::from_utf8(bytes.clone()).unwrap()
        };
        let bars = text("charts/week_breaches.svg");
        assert!(bars.contains("\n=Eve\n"), "{bars}");
        assert!(!bars.contains("&apos;=Eve"), "{bars}");
        assert!(files.iter().any(|(n, _)| n == "charts/engineer__3Deve.svg"));
        let page = text("engineers/_3Deve.html");
        assert!(page.contains("=Eve: weekly trends, 2026-W46 – 2026-W47"));
        assert!(!page.contains("No trend sheet"));

        // Her self-review page is the same page a mail carries, with the same sheet.
        let review = review_page(&settings, &m.scoped("=eve")).unwrap();
        let review = String::from_utf8(review).unwrap();
        assert!(review.contains("Self-review"));
        assert!(review.contains("=Eve: weekly trends, 2026-W46 – 2026-W47"));
        let err = review_page(&settings, &m).unwrap_err();
        assert!(format!("{err:#}").contains("one engineer's results"));
    }
}
