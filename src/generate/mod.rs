//! `supportlens generate`: a deterministic synthetic support organisation in JIRA Cloud's JSON
//! shape (`issues.jsonl`, one issue per line) plus the matching `supportlens.toml`.
//!
//! The data exercises every rule of the metrics in realistic proportions: most tickets are
//! handled well, a minority breaks each rule (late acks and updates, escalations early, late,
//! after a breach or with no clock running, handoffs, calls without notes, late time logs,
//! prebooking, reopens, untagged tickets, a duplicate). The same options always give the same
//! bytes: the only randomness is a splitmix64 stream per ticket derived from `seed`, and
//! tickets are written one at a time so memory stays flat for any size.

mod config_file;
mod json;
mod life;
mod people;
mod plan;
mod rng;
mod script;
mod story;
mod texts;
mod window;
mod work;

#[cfg(test)]
mod tests;

use std::fmt;
use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::PathBuf;

use anyhow::Context;
use chrono::{Datelike, NaiveDate, Weekday};

use crate::error::Failure;
use people::{Roster, Who};
use plan::Plan;
use rng::Rng;
use script::{Ids, Script};
use story::{Kind, Severity, Status, Story};
use window::Window;

/// What to generate and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub tickets: usize,
    pub engineers: usize,
    pub weeks: u32,
    pub seed: u64,
    /// Folder receiving `issues.jsonl` and `supportlens.toml`; created if missing.
    pub out: PathBuf,
    /// The Monday after the last generated week.
    pub end: NaiveDate,
}

/// The Monday after the last week when none is given.
pub fn default_end() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default()
}

impl Default for Options {
    fn default() -> Options {
        Options {
            tickets: 300,
            engineers: 12,
            weeks: 10,
            seed: 1,
            out: PathBuf::from("generated"),
            end: default_end(),
        }
    }
}

/// Counts of what was written, for the one-line message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Summary {
    pub tickets: usize,
    pub comments: usize,
    pub worklogs: usize,
    pub histories: usize,
    pub history_items: usize,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} tickets, {} comments, {} worklogs, {} changelog items",
            self.tickets, self.comments, self.worklogs, self.history_items
        )
    }
}

/// Largest `--weeks` accepted: ten years is already far beyond any review.
const MAX_WEEKS: u32 = 520;

/// Writes the organisation into `opts.out` and returns what was written.
pub fn generate(opts: &Options) -> anyhow::Result<Summary> {
    validate(opts)?;
    fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create the output folder {}", opts.out.display()))?;
    let window = Window::new(opts.end, opts.weeks);
    let roster = Roster::new(opts.engineers, opts.tickets);

    let path = opts.out.join("issues.jsonl");
    let file = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut out = BufWriter::new(file);
    let mut ids = Ids::default();
    let mut summary = Summary::default();
    for i in 0..opts.tickets {
        let story = ticket(i, opts, &window, &roster, &mut ids);
        json::write_issue(&mut out, &story, &roster)
            .with_context(|| format!("cannot write {}", path.display()))?;
        summary.tickets += 1;
        summary.comments += story.comments.len();
        summary.worklogs += story.worklogs.len();
        summary.histories += story.histories.len();
        summary.history_items += story.item_count();
    }
    out.flush()
        .with_context(|| format!("cannot write {}", path.display()))?;

    let config = opts.out.join("supportlens.toml");
    fs::write(&config, config_file::render(opts, &roster, &window))
        .with_context(|| format!("cannot write {}", config.display()))?;
    Ok(summary)
}

fn validate(opts: &Options) -> anyhow::Result<()> {
    if opts.engineers == 0 {
        return Err(Failure::usage("--engineers must be at least 1").into());
    }
    if opts.weeks == 0 || opts.weeks > MAX_WEEKS {
        return Err(Failure::usage(format!(
            "--weeks must be between 1 and {MAX_WEEKS} (got {})",
            opts.weeks
        ))
        .into());
    }
    if opts.end.weekday() != Weekday::Mon {
        return Err(Failure::usage(format!(
            "the end date must be a Monday, the day after the last generated week (got {}, a {})",
            opts.end,
            opts.end.weekday()
        ))
        .into());
    }
    Ok(())
}

/// Builds ticket `i`: its fields at creation, its plan, and its played-out life.
fn ticket(i: usize, opts: &Options, window: &Window, roster: &Roster, ids: &mut Ids) -> Story {
    let mut rng = Rng::new(opts.seed, i as u64 + 1);
    let created = window.creation(i, opts.tickets, &mut rng);
    let kind = rng.weighted(&[(Kind::Incident, 45), (Kind::Query, 50), (Kind::Task, 5)]);
    let severity = rng.weighted(&[
        (Severity::Catastrophic, 3),
        (Severity::Critical, 10),
        (Severity::High, 22),
        (Severity::Normal, 45),
        (Severity::Low, 20),
    ]);
    let mut labels = Vec::new();
    if rng.chance(0.85) {
        labels.push(*rng.pick(&["apim", "iam", "ei", "ob", "analytics"]));
    }
    if rng.chance(0.1) {
        labels.push("customer-prod");
    }
    // Tasks are internal follow-ups that a lead files; everything else comes from customers.
    let reporter = if kind == Kind::Task {
        Who::Lead(rng.below(roster.leads().len() as u64) as u32)
    } else {
        Who::Customer(rng.below(u64::from(roster.customer_count())) as u32)
    };
    let untagged = !labels.iter().any(|l| *l != "customer-prod");
    let plan = Plan::draw(&mut rng, roster, kind, severity, untagged);
    // Some tickets arrive already assigned, e.g. to the customer's usual engineer.
    let assignee = rng.chance(0.1).then_some(plan.owner);
    let story = Story {
        number: i as u64 + 1,
        created,
        reporter,
        summary: texts::summary(&mut rng),
        kind,
        severity,
        status: Status::Open,
        resolution: None,
        labels,
        assignee,
        comments: Vec::new(),
        worklogs: Vec::new(),
        histories: Vec::new(),
    };
    let mut script = Script::new(story, rng, window, ids);
    life::live(&mut script, roster, &plan);
    script.story
}
