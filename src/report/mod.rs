//! From tickets to a report folder (SPEC §5): compute the items, cut them to the window,
//! render every file to bytes, then write the folder in one atomic step.

pub mod charts;
pub mod csv;
pub mod html;
pub mod tables;

use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Failure;
use crate::metrics::{Prepared, quality, weekly};
use crate::model::{Ticket, Ts, fmt_ts};
use crate::settings::Settings;
use crate::week::{self, Week};

/// What the user asked of `report`.
#[derive(Debug, Clone)]
pub struct Options {
    /// The last week of the window; default: the last week that ended at or before as-of.
    pub week: Option<Week>,
    pub weeks: u32,
    /// The instant the data describes; default: the caller's (snapshot export time or the
    /// latest `updated`).
    pub as_of: Ts,
    /// Where the input came from, for `run.json`.
    pub input: String,
}

/// A rendered report: the folder name and every file's bytes.
#[derive(Debug)]
pub struct Report {
    pub folder: String,
    pub files: Vec<(String, Vec<u8>)>,
    /// Lines worth a warning on stderr (e.g. unknown statuses), each once.
    pub warnings: Vec<String>,
}

#[derive(Serialize)]
struct RunInfo<'a> {
    as_of: String,
    weeks: Vec<String>,
    input: &'a str,
    version: &'static str,
    config_sha256: String,
}

/// The latest `updated` of all tickets: the as-of of data read from files.
pub fn latest_update(tickets: &[Ticket]) -> Option<Ts> {
    tickets.iter().filter_map(|t| t.updated).max()
}

/// Computes and renders a report of `tickets`.
pub fn build(settings: &Settings, tickets: &[Ticket], opts: &Options) -> anyhow::Result<Report> {
    if opts.weeks == 0 {
        return Err(Failure::usage("--weeks must be at least 1").into());
    }
    let tz = settings.team.timezone;
    let last = opts
        .week
        .unwrap_or_else(|| week::last_complete_week(opts.as_of, tz));
    let window = week::window(last, opts.weeks);
    let weeks: std::collections::BTreeSet<Week> = window.iter().copied().collect();

    let prepared = Prepared::new(settings, tickets, opts.as_of);
    let items = prepared.items(settings);
    let present = prepared.presence(settings, &items, &window);
    let weekly = weekly::aggregate(&items, &window, &present);

    let mut clocks: Vec<_> = items
        .clocks
        .iter()
        .filter(|c| weeks.contains(&c.week))
        .collect();
    clocks.sort_by(|a, b| {
        (a.start, &tickets[a.ticket].key, a.kind).cmp(&(b.start, &tickets[b.ticket].key, b.kind))
    });
    let mut escalations: Vec<_> = items
        .escalations
        .iter()
        .filter(|e| weeks.contains(&e.week))
        .collect();
    escalations.sort_by(|a, b| (a.at, &tickets[a.ticket].key).cmp(&(b.at, &tickets[b.ticket].key)));
    let problems = quality::problems(&prepared, settings);
    let mut warnings: Vec<String> = problems
        .iter()
        .filter(|p| p.problem == "unknown status")
        .map(|p| p.detail.clone())
        .collect();
    warnings.sort();
    warnings.dedup();

    let run = RunInfo {
        as_of: fmt_ts(opts.as_of),
        weeks: window.iter().map(Week::to_string).collect(),
        input: &opts.input,
        version: env!("CARGO_PKG_VERSION"),
        config_sha256: format!("{:x}", Sha256::digest(settings.effective.as_bytes())),
    };
    let mut run_json = serde_json::to_vec_pretty(&run).context("rendering run.json")?;
    run_json.push(b'\n');

    let people = &prepared.people;
    let files = vec![
        ("clocks.csv".to_string(), tables::clocks(&clocks, tickets)),
        (
            "breaches.csv".to_string(),
            tables::breaches(&clocks, &items.escalations, tickets),
        ),
        (
            "escalations.csv".to_string(),
            tables::escalations(&escalations, tickets),
        ),
        (
            "engineer_weekly.csv".to_string(),
            tables::engineer_weekly(&weekly, people),
        ),
        (
            "team_weekly.csv".to_string(),
            tables::team_weekly(&weekly, people),
        ),
        (
            "data_quality.csv".to_string(),
            tables::data_quality(&problems),
        ),
        ("run.json".to_string(), run_json),
    ];
    Ok(Report {
        folder: last.to_string(),
        files,
        warnings,
    })
}

/// Writes the report into `out/<folder>/` atomically: the files go to a temporary folder
/// beside it, which then replaces the old report in one rename. A failure leaves the
/// previous report untouched.
pub fn write(out: &Path, report: &Report) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating the output folder {}", out.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".supportlens-tmp-")
        .tempdir_in(out)
        .with_context(|| format!("creating a temporary folder in {}", out.display()))?;
    for (name, bytes) in &report.files {
        let path = tmp.path().join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    let target = out.join(&report.folder);
    let staged = tmp.keep();
    let old = if target.exists() {
        let old = out.join(format!(".supportlens-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&target, &old)
            .with_context(|| format!("moving the previous report {} aside", target.display()))?;
        Some(old)
    } else {
        None
    };
    if let Err(e) = std::fs::rename(&staged, &target) {
        if let Some(old) = &old {
            let _ = std::fs::rename(old, &target);
        }
        let _ = std::fs::remove_dir_all(&staged);
        return Err(e).with_context(|| format!("moving the new report into {}", target.display()));
    }
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    Ok(target)
}
