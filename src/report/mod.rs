//! From tickets to a report folder (SPEC §5): the measure stage ([`crate::measure`])
//! computes the window's results; this module renders them — every CSV, the charts and
//! the pages ([`render`]) — each straight into the folder it writes in one atomic step
//! ([`write`]).
//!
//! - `render`: measured values → files; `sink`: where they go (the staging folder, or
//!   memory; `query` renders its tables into memory through the same functions);
//!   `write`: the staging folder → the report folder;
//! - `tables`, `calls`, `handoffs`, `tickets`, `goals`, `csv`: the CSV tables;
//! - `values`: the weekly rows as numbers; `charts`, `pages`: the pictures and pages.

pub mod calls;
pub mod charts;
pub mod csv;
pub mod goals;
pub mod handoffs;
pub mod pages;
mod render;
pub mod sink;
pub mod tables;
#[cfg(test)]
pub(crate) mod tests;
pub mod tickets;
mod write;

use std::path::{Path, PathBuf};

use crate::measure::{self, Measured, Window};
use crate::model::{Ticket, Ts};
use crate::progress::Progress;
use crate::settings::Settings;
use crate::week::Week;

pub use render::{csv_files, csv_files_where, review_page};
pub use sink::Sink;
pub use write::{atomically, sweep_leftovers};

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
    /// Self-review: only this person's rows and evidence, plus team aggregates.
    pub engineer: Option<String>,
    /// Tickets the last full export no longer found in JIRA (from `snapshot.json`).
    pub gone: Vec<crate::snapshot::Gone>,
    /// Draw the charts and pages; false renders the tables only.
    pub draw: bool,
    /// Set when the tickets are the part of the snapshot the window sees: who is who
    /// across all of it (see `snapshot::read_window`).
    pub whole: Option<crate::snapshot::Whole>,
}

/// A measured report: the folder name, the measured results its files are rendered from,
/// and, once [`write`] has written them, the files the outputs that follow need
/// (delivery attaches `index.html`).
#[derive(Debug)]
pub struct Report {
    pub folder: String,
    /// The files kept in memory after the folder is written: `index.html` as a lead's mail
    /// carries it when the pages were drawn (the team page without links to the engineers'
    /// pages, which the mail does not hold). Every other file goes to disk as it is
    /// rendered and is let go.
    pub files: Vec<(String, Vec<u8>)>,
    /// Lines worth a warning on stderr (e.g. unknown statuses), each once.
    pub warnings: Vec<String>,
    /// What the files show (self-review: scoped).
    pub measured: Measured,
}

/// The latest `updated` of all tickets: the as-of of data read from files.
pub fn latest_update(tickets: &[Ticket]) -> Option<Ts> {
    tickets.iter().filter_map(|t| t.updated).max()
}

/// Measures `tickets` over the window `opts` asks for (cut to one engineer for a
/// self-review), saying each step to `progress`.
pub fn measured(
    settings: &Settings,
    tickets: impl Into<measure::Input>,
    opts: &Options,
    progress: &mut Progress,
) -> anyhow::Result<Measured> {
    let window = Window::new(opts.week, opts.weeks, opts.as_of, settings.team.timezone)?;
    let review = opts.engineer.as_deref();
    let request = measure::Request {
        window: &window,
        as_of: opts.as_of,
        gone: &opts.gone,
        whole_people: opts.whole.as_ref().map(|w| w.people.clone()),
        review,
    };
    let team = measure::measure(settings, tickets, request, progress)?;
    Ok(match review {
        Some(id) => team.scoped(id),
        None => team,
    })
}

/// Measures the report of `tickets`, saying each step to `progress`; [`write`] renders
/// its files.
pub fn build(
    settings: &Settings,
    tickets: impl Into<measure::Input>,
    opts: &Options,
    progress: &mut Progress,
) -> anyhow::Result<Report> {
    let measured = measured(settings, tickets, opts, progress)?;
    Ok(Report {
        folder: measured
            .window
            .last()
            .map(|w| w.to_string())
            .unwrap_or_default(),
        files: Vec::new(),
        warnings: measured.warnings(),
        measured,
    })
}

/// Renders every file of `report` straight into a staging folder in `out` and swaps it in
/// as `out/<week>/` ([`atomically`]); keeps `index.html` as mailed in `report.files`. Returns the
/// report folder.
pub fn write(
    out: &Path,
    settings: &Settings,
    opts: &Options,
    report: &mut Report,
    progress: &mut Progress,
) -> anyhow::Result<PathBuf> {
    let mut index = None;
    let folder = atomically(out, &report.folder, |sink| {
        index = render::render(settings, &report.measured, opts, sink, progress)?;
        Ok(())
    })?;
    report.files = index
        .map(|page| vec![("index.html".to_string(), page)])
        .unwrap_or_default();
    Ok(folder)
}

/// Every file of `report` rendered in memory (what [`write`] would write), in the
/// report's order: the tables, `run.json`, then the charts and pages by name.
pub fn files(
    settings: &Settings,
    opts: &Options,
    report: &Report,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let sink = Sink::memory();
    render::render(
        settings,
        &report.measured,
        opts,
        &sink,
        &mut Progress::quiet(),
    )?;
    Ok(render::in_report_order(sink.into_files()))
}
