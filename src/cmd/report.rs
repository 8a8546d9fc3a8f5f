//! `supportlens report`: the weekly report from the snapshot or from JSON files.

use std::collections::BTreeMap;

use chrono::Datelike;

use crate::cli::{Cli, ReportArgs, WindowArgs};
use crate::delivery::{Mode, Setup};
use crate::error::{Failure, shown};
use crate::measure::Input;
use crate::model::{Ts, parse_ts};
use crate::progress::Progress;
use crate::report::{self, Options, Report};
use crate::settings::Settings;
use crate::snapshot;
use crate::week::{self, Week, local_midnight};

pub fn run(cli: &Cli, args: &ReportArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    let mode = match (args.deliver, args.dry_run_delivery) {
        (_, true) => Some(Mode::DryRun),
        (true, false) => Some(Mode::Send),
        (false, false) => None,
    };
    let delivery = match mode {
        Some(mode) => Some(Setup::new(&settings, mode)?.ok_or_else(|| {
            Failure::usage(
                "--deliver: [delivery] names no destination; set smtp, from and leads, \
                 engineers = true, or webhook = true",
            )
        })?),
        None => None,
    };
    report_with(cli, &settings, args, delivery.as_ref())
}

/// The report with settings already resolved (`run` passes the ones its export used),
/// then its delivery when `delivery` is given.
pub(crate) fn report_with(
    cli: &Cli,
    settings: &Settings,
    args: &ReportArgs,
    delivery: Option<&Setup>,
) -> anyhow::Result<()> {
    let mut progress = Progress::new();
    let (tickets, opts, lock) = inputs(
        cli,
        settings,
        &args.window,
        Measuring::Tickets,
        &mut progress,
    )?;
    // Tickets in memory: another run may use the folder while this one computes. A
    // snapshot read in chunks stays locked until every chunk is read.
    let lock = match &tickets {
        Input::Tickets(_) => {
            drop(lock);
            None
        }
        Input::Chunks(_) => lock,
    };
    // Addresses are read before the report takes the tickets, and only when needed.
    let jira = match (delivery, &opts.whole, &tickets) {
        (Some(_), Some(whole), _) => whole.addresses.clone(),
        (Some(_), None, Input::Tickets(tickets)) => crate::delivery::jira_addresses(tickets),
        // A snapshot read in chunks always comes with `whole`.
        (Some(_), None, Input::Chunks(_)) | (None, _, _) => BTreeMap::new(),
    };
    let mut built = measure(settings, tickets, &opts, &mut progress)?;
    drop(lock);
    // Every report holds the lock on --out from writing its folder (which carries the
    // week's delivery.json over) and, when delivered, to the last record: a report written
    // meanwhile could carry over a record from before a message was sent, and everyone
    // would be mailed again (SPEC §7). Another holder is exit 5. Under it, what interrupted
    // runs left in --out is removed.
    let _out_lock = crate::snapshot::lock_out(&args.out)?;
    report::sweep_leftovers(&args.out);
    let folder = report::write(&args.out, settings, &opts, &mut built, &mut progress)?;
    progress.step("wrote the report folder");
    super::say(&format!("wrote {}", folder.display()));
    if let Some(setup) = delivery {
        crate::delivery::deliver(setup, settings, &built, &folder, &jira, &mut progress)?;
    }
    // The measured results are let go on a thread of their own: millions of small values
    // (~0.1 s for two years of 200,000 tickets) that the process, about to end, would
    // otherwise free one by one before exiting. Where no thread can start, they are let go
    // here.
    let _ = std::thread::Builder::new()
        .name("supportlens-release".into())
        .spawn(move || drop((built, opts, jira)));
    Ok(())
}

/// Measures the report of `tickets`; warnings go to stderr once each.
fn measure(
    settings: &Settings,
    tickets: Input,
    opts: &Options,
    progress: &mut Progress,
) -> anyhow::Result<Report> {
    progress.step(&format!(
        "read {} tickets from {}",
        tickets.len(),
        opts.input
    ));
    let built = report::build(settings, tickets, opts, progress)?;
    for w in &built.warnings {
        crate::stderr_line!("supportlens: warning: {}", crate::error::cut(w, 300));
    }
    Ok(built)
}

/// The tickets and report options the window flags describe, and the data folder's lock
/// when they came from the snapshot (held until the caller drops it: a snapshot read in
/// chunks, [`Input::Chunks`], must stay locked until measured). Its steps go to the
/// caller's `progress`, so each step's time is counted once.
pub(crate) fn inputs(
    cli: &Cli,
    settings: &Settings,
    args: &WindowArgs,
    measured: Measuring,
    progress: &mut Progress,
) -> anyhow::Result<(Input, Options, Option<snapshot::Lock>)> {
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
    let mut pruned = None;
    let (tickets, default_as_of, input, lock) = if args.input.is_empty() {
        // A reader never creates the folder or its lock: no snapshot is exit 3 first.
        let lock = snapshot::lock_existing(&cli.data)?;
        // Only the tickets the window can see are read whole (README "Window pruning"),
        // and a large snapshot's a chunk at a time (README "Large snapshots").
        let prune = std::env::var("SUPPORTLENS_PRUNE").as_deref() != Ok("0");
        let chunk = snapshot::tickets_per_chunk()?;
        let opened = snapshot::open(&cli.data, progress)?;
        let default_as_of = opened.meta().read_whole_at().or(opened.latest_update());
        let window = as_of_flag.or(default_as_of).and_then(|as_of| {
            window_start(settings, week, args.weeks, as_of).map(|start| snapshot::Window {
                start,
                as_of,
                settings,
            })
        });
        let meta = opened.meta().clone();
        let (tickets, whole) = match measured {
            // Nothing is measured (a query of the snapshot's own tables): no ticket is read.
            Measuring::Nothing => (Input::Tickets(Vec::new()), None),
            Measuring::Tickets => tickets_of(
                opened.select(window, prune, chunk, progress)?,
                chunk,
                progress,
            )?,
        };
        pruned = whole;
        if let Some(u) = &meta.unfinished {
            crate::stderr_line!(
                "supportlens: warning: the snapshot in {} holds an unfinished export (started \
                 {}): tickets changed in JIRA since it started may be missing or out of date; \
                 run `supportlens export` to finish it",
                cli.data.display(),
                crate::model::fmt_ts(u.started)
            );
        }
        if meta.unfinished.is_none() && !meta.exports.is_empty() && meta.read_whole_at().is_none() {
            crate::stderr_line!(
                "supportlens: warning: no export into the snapshot in {} has read JIRA whole \
                 (the search's paging did not settle): tickets may be missing from any week; \
                 run `supportlens export` again",
                cli.data.display()
            );
        }
        gone = meta.gone;
        let input = format!("snapshot {}", cli.data.display());
        (tickets, default_as_of, input, Some(lock))
    } else {
        let tickets = crate::jira::read_files(&args.input, &settings.types.severity_field)?;
        let as_of = report::latest_update(&tickets);
        let names: Vec<String> = args.input.iter().map(|p| p.display().to_string()).collect();
        let input = format!("files {}", names.join(" "));
        (Input::Tickets(tickets), as_of, input, None)
    };
    let Some(as_of) = as_of_flag.or(default_as_of) else {
        return Err(Failure::input(format!(
            "{input} holds no tickets, so there is no as-of; import tickets first or pass --as-of"
        ))
        .into());
    };
    // A window reaching before 1900 (an as-of in its first days) would report weeks no
    // data may hold: refused as a `--week` there is.
    if let Some(start) = window_start(settings, week, args.weeks, as_of)
        && let Err(e) = week::check_year(start)
    {
        return Err(Failure::usage(format!(
            "the report's window of {} weeks as of {} starts {}, which {e}; pass a later \
             --as-of or --week, or fewer --weeks",
            args.weeks,
            crate::model::fmt_ts(as_of),
            crate::model::fmt_ts(start)
        ))
        .into());
    }
    if let Some(w) = week
        && w.start(settings.team.timezone) >= as_of
    {
        crate::stderr_line!(
            "supportlens: warning: --week {w} starts after the as-of {}: nothing of it had \
             happened by then, so its numbers are empty; name a week that started before the \
             as-of, or a later --as-of",
            crate::model::fmt_ts(as_of)
        );
    }
    let opts = Options {
        week,
        weeks: args.weeks,
        as_of,
        input,
        engineer: args.engineer.clone(),
        gone,
        draw: true,
        whole: pruned,
    };
    Ok((tickets, opts, lock))
}

/// Whether the caller measures the tickets `inputs` reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Measuring {
    Tickets,
    /// Nothing is measured: a snapshot's tickets are not read at all.
    Nothing,
}

/// The tickets of `selected`: read at once, or handed to the measure stage a chunk at a
/// time; and who is who across the snapshot when they do not tell it alone.
fn tickets_of(
    mut selected: snapshot::Selected,
    chunk: usize,
    progress: &mut Progress,
) -> anyhow::Result<(Input, Option<snapshot::Whole>)> {
    let whole = selected.take_whole();
    let tickets = if selected.is_chunked() {
        progress.step(&format!(
            "will read {} tickets whole, {chunk} rows of the tickets table at a time; left \
             out {} the window cannot see",
            selected.len(),
            whole.as_ref().map_or(0, |w| w.left_out)
        ));
        Input::Chunks(Box::new(selected))
    } else {
        let tickets = selected.read_all()?;
        progress.step(&match &whole {
            Some(w) => format!(
                "decoded {} tickets whole; left out {} the window cannot see",
                tickets.len(),
                w.left_out
            ),
            None => format!("decoded all {} tickets", tickets.len()),
        });
        Input::Tickets(tickets)
    };
    Ok((tickets, whole))
}

/// The start of the window `report::build` will cover (its first week's Monday 00:00),
/// or `None` for no window (`--weeks 0` is refused there).
fn window_start(settings: &Settings, week: Option<Week>, weeks: u32, as_of: Ts) -> Option<Ts> {
    let tz = settings.team.timezone;
    let last = week.unwrap_or_else(|| week::last_complete_week(as_of, tz));
    week::window(last, weeks)
        .first()
        .filter(|_| weeks > 0)
        .map(|first| first.start(tz))
}

/// `--as-of`: an RFC 3339 / JIRA timestamp, or a date meaning 00:00 in the team's zone.
fn parse_as_of(s: &str, settings: &Settings) -> anyhow::Result<Ts> {
    let t = match parse_ts(s) {
        Some(t) => t,
        None => match chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d") {
            // A date far outside the years read would not even have a local midnight.
            Ok(d) if !(week::MIN_YEAR..=week::MAX_YEAR).contains(&d.year()) => {
                return Err(Failure::usage(format!(
                    "--as-of {} is outside the years {} to {}",
                    shown(s),
                    week::MIN_YEAR,
                    week::MAX_YEAR
                ))
                .into());
            }
            Ok(d) => local_midnight(d, settings.team.timezone),
            Err(_) => {
                return Err(Failure::usage(format!(
                    "--as-of {} is neither a timestamp like 2026-11-23T09:00:00Z nor a date like 2026-11-23",
                    shown(s)
                ))
                .into());
            }
        },
    };
    week::check_year(t).map_err(|e| Failure::usage(format!("--as-of {} {e}", shown(s))))?;
    Ok(t)
}
