//! `supportlens report`: the weekly report from the snapshot or from JSON files.

use crate::cli::{Cli, ReportArgs, WindowArgs};
use crate::error::Failure;
use crate::model::{Ticket, Ts, parse_ts};
use crate::progress::Progress;
use crate::report::{self, Options, Report};
use crate::settings::Settings;
use crate::snapshot;
use crate::week::{Week, local_midnight};

pub fn run(cli: &Cli, args: &ReportArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    report_with(cli, &settings, args)
}

/// The report with settings already resolved (`run` passes the ones its export used).
pub(crate) fn report_with(cli: &Cli, settings: &Settings, args: &ReportArgs) -> anyhow::Result<()> {
    let mut progress = Progress::new();
    let built = build(cli, settings, &args.window, &mut progress)?;
    let folder = report::write(&args.out, &built)?;
    progress.step("wrote the report folder");
    super::say(&format!("wrote {}", folder.display()));
    Ok(())
}

/// Reads the input the window flags name and renders the report in memory; warnings go
/// to stderr once each.
pub(crate) fn build(
    cli: &Cli,
    settings: &Settings,
    args: &WindowArgs,
    progress: &mut Progress,
) -> anyhow::Result<Report> {
    let (tickets, opts) = inputs(cli, settings, args)?;
    progress.step(&format!(
        "read {} tickets from {}",
        tickets.len(),
        opts.input
    ));
    let built = report::build(settings, tickets, &opts, progress)?;
    for w in &built.warnings {
        eprintln!("supportlens: warning: {w}");
    }
    Ok(built)
}

/// The tickets and report options the window flags describe.
pub(crate) fn inputs(
    cli: &Cli,
    settings: &Settings,
    args: &WindowArgs,
) -> anyhow::Result<(Vec<Ticket>, Options)> {
    let week = args
        .week
        .as_deref()
        .map(|w| {
            w.parse::<Week>()
                .map_err(|e| Failure::usage(format!("--week: {e}")))
        })
        .transpose()?;
    let as_of_flag = args
        .as_of
        .as_deref()
        .map(|s| parse_as_of(s, settings))
        .transpose()?;
    let mut gone = Vec::new();
    let (tickets, default_as_of, input) = if args.input.is_empty() {
        let _lock = snapshot::lock(&cli.data)?;
        let (tickets, meta) = snapshot::read(&cli.data)?;
        if let Some(u) = &meta.unfinished {
            eprintln!(
                "supportlens: warning: the snapshot in {} holds an unfinished export (started \
                 {}): tickets changed in JIRA since it started may be missing or out of date; \
                 run `supportlens export` to finish it",
                cli.data.display(),
                crate::model::fmt_ts(u.started)
            );
        }
        gone = meta.gone;
        let as_of = meta.exported_at.or_else(|| report::latest_update(&tickets));
        (tickets, as_of, format!("snapshot {}", cli.data.display()))
    } else {
        let tickets = crate::jira::read_files(&args.input, &settings.types.severity_field)?;
        let as_of = report::latest_update(&tickets);
        let names: Vec<String> = args.input.iter().map(|p| p.display().to_string()).collect();
        (tickets, as_of, format!("files {}", names.join(" ")))
    };
    let Some(as_of) = as_of_flag.or(default_as_of) else {
        return Err(Failure::input(format!(
            "{input} holds no tickets, so there is no as-of; import tickets first or pass --as-of"
        ))
        .into());
    };
    let opts = Options {
        week,
        weeks: args.weeks,
        as_of,
        input,
        engineer: args.engineer.clone(),
        gone,
    };
    Ok((tickets, opts))
}

/// `--as-of`: an RFC 3339 / JIRA timestamp, or a date meaning 00:00 in the team's zone.
fn parse_as_of(s: &str, settings: &Settings) -> anyhow::Result<Ts> {
    if let Some(t) = parse_ts(s) {
        return Ok(t);
    }
    match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
        Ok(d) => Ok(local_midnight(d, settings.team.timezone)),
        Err(_) => Err(Failure::usage(format!(
            "--as-of '{s}' is neither a timestamp like 2026-11-23T09:00:00Z nor a date like 2026-11-23"
        ))
        .into()),
    }
}
