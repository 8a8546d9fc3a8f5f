//! From tickets to a report folder (SPEC §5): compute the items, cut them to the window,
//! render every file to bytes, then write the folder in one atomic step.

pub mod calls;
pub mod charts;
pub mod csv;
pub mod goals;
pub mod handoffs;
pub mod pages;
pub mod tables;
pub mod tickets;
pub mod values;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Context;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::Failure;
use crate::metrics::{Prepared, feedback, quality, seen, weekly};
use crate::model::{Ticket, Ts, fmt_ts};
use crate::progress::Progress;
use crate::settings::{ClockKind, Settings, TicketType};
use crate::week::{self, Week};

/// Renders one output file.
type Render<'a> = Box<dyn Fn() -> Vec<u8> + Send + Sync + 'a>;

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
    /// Draw the charts and pages; false renders the tables only (for `query`).
    pub draw: bool,
    /// Set when the tickets are the part of the snapshot the window sees: who is who
    /// across all of it (see `snapshot::read_window`).
    pub whole: Option<crate::snapshot::Whole>,
}

/// A rendered report: the folder name, every file's bytes, and the measured values the
/// files were rendered from, for the outputs that follow (delivery).
#[derive(Debug)]
pub struct Report {
    pub folder: String,
    pub files: Vec<(String, Vec<u8>)>,
    /// Lines worth a warning on stderr (e.g. unknown statuses), each once.
    pub warnings: Vec<String>,
    /// The window's weeks, oldest first.
    pub weeks: Vec<Week>,
    /// `engineer_weekly.csv` and `team_weekly.csv` as values (self-review: scoped).
    pub values: values::WeeklyValues,
    /// The rows of `feedback.csv`.
    pub feedback: Vec<feedback::Point>,
    /// The rows of `goals.csv`.
    pub goals: Vec<goals::GoalRow>,
    /// The ids of the engineers among the people of the rows: staff who are not leads
    /// (SPEC §1), the people who get their own page by mail (SPEC §7).
    pub engineers: std::collections::BTreeSet<String>,
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

/// Computes and renders a report of `tickets`, saying each step to `progress`. The tickets
/// are taken, so their comments, worklogs and changes can be released as soon as every
/// per-ticket metric is measured: the tables need only the keys.
pub fn build(
    settings: &Settings,
    mut tickets: Vec<Ticket>,
    opts: &Options,
    progress: &mut Progress,
) -> anyhow::Result<Report> {
    if opts.weeks == 0 {
        return Err(Failure::usage("--weeks must be at least 1").into());
    }
    let tz = settings.team.timezone;
    let last = opts
        .week
        .unwrap_or_else(|| week::last_complete_week(opts.as_of, tz));
    let window = week::window(last, opts.weeks);
    let weeks: std::collections::BTreeSet<Week> = window.iter().copied().collect();

    let mut prepared = Prepared::new(settings, &tickets, opts.as_of);
    if let Some(whole) = &opts.whole {
        // The tickets left out still say who is who.
        prepared.people = whole.people.clone();
    }
    if let Some(id) = opts
        .engineer
        .as_deref()
        .filter(|id| !prepared.people.is_known(id))
    {
        return Err(Failure::usage(format!(
            "--engineer {}: nobody with that id is in [team] or in the data; give a person \
             id as engineer_weekly.csv shows it (an accountId on Cloud, a user name on Server)",
            crate::error::cut(id, 80)
        ))
        .into());
    }
    progress.step(&format!(
        "rebuilt the timelines of {} tickets",
        tickets.len()
    ));
    let items = prepared.items(settings);
    progress.step(&format!(
        "measured {} clocks, {} escalations, {} calls, {} worklogs",
        items.clocks.len(),
        items.escalations.len(),
        items.calls.len(),
        items.logged.len()
    ));
    let mut problems = quality::problems(&prepared, settings, &opts.gone);
    // tickets.csv lists the tickets the window sees (SPEC §5).
    let seen = seen::seen_in(&prepared, settings, window_start(&window, tz), last.end(tz));
    // The data checks and the seen check are the timelines' last readers: freed (millions
    // of small frees, on every core) before presence adds its own, which keeps them out of
    // the peak.
    std::mem::take(&mut prepared.timelines)
        .into_par_iter()
        .for_each(drop);
    let present = prepared.presence(settings, &items, &window);
    progress.step("checked the data and found who was at work each week");
    // The events are done with too: released before the tables are rendered.
    let people = prepared.people;
    tickets.par_iter_mut().for_each(Ticket::release_events);
    let tickets = tickets.as_slice();
    progress.step("released the tickets' events");
    let mut weekly = weekly::aggregate(&items, &window, &present, tz);
    progress.step(&format!(
        "aggregated {} engineer-weeks",
        weekly.engineers.len()
    ));

    let scope = Scope(opts.engineer.as_deref());
    weekly.engineers.retain(|r| scope.mine(&r.engineer));
    let mut clocks: Vec<_> = items
        .clocks
        .iter()
        .filter(|c| weeks.contains(&c.week) && scope.mine(&c.engineer))
        .collect();
    clocks.sort_by(|a, b| {
        (a.start, &tickets[a.ticket].key, a.kind).cmp(&(b.start, &tickets[b.ticket].key, b.kind))
    });
    let mut escalations: Vec<_> = items
        .escalations
        .iter()
        .filter(|e| weeks.contains(&e.week) && scope.mine(&e.engineer))
        .map(|e| scope.redacted(e, |e, s| e.by = s.redact(&e.by)))
        .collect();
    escalations.sort_by(|a, b| (a.at, &tickets[a.ticket].key).cmp(&(b.at, &tickets[b.ticket].key)));
    let mut handoff_rows: Vec<_> = items
        .continuity
        .handoffs
        .iter()
        .filter(|h| weeks.contains(&h.week) && (scope.mine(&h.from) || scope.mine(&h.to)))
        .map(|h| {
            scope.redacted(h, |h, s| {
                h.from = s.redact(&h.from);
                h.to = s.redact(&h.to);
            })
        })
        .collect();
    handoff_rows
        .sort_by(|a, b| (a.at, &tickets[a.ticket].key).cmp(&(b.at, &tickets[b.ticket].key)));
    // One row per ticket; a self-review keeps the tickets the person owned, others hidden.
    let summaries: Vec<_> = items
        .continuity
        .tickets
        .iter()
        .filter(|t| seen[t.ticket])
        .filter(|t| scope.0.is_none_or(|me| t.owners.iter().any(|o| o == me)))
        .map(|t| {
            scope.redacted(t, |t, s| {
                t.owners = t.owners.iter().map(|o| s.redact(o)).collect();
                t.primary_owner = t.primary_owner.as_deref().map(|o| s.redact(o));
            })
        })
        .collect();
    if scope.0.is_some() {
        // Only the tickets of this person's evidence, and nothing naming other people.
        let theirs: std::collections::BTreeSet<&str> = clocks
            .iter()
            .map(|c| tickets[c.ticket].key.as_str())
            .chain(escalations.iter().map(|e| tickets[e.ticket].key.as_str()))
            .collect();
        problems
            .retain(|p| theirs.contains(p.ticket.as_str()) && p.problem != quality::UNKNOWN_AUTHOR);
    }
    let mut warnings: Vec<String> = problems
        .iter()
        .filter(|p| p.problem == quality::UNKNOWN_STATUS)
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

    let people = &people;
    let values = values::WeeklyValues::new(&weekly, people, &settings.score);
    let engineer_ids: std::collections::BTreeSet<String> = values
        .engineers
        .iter()
        .filter(|r| people.is_staff(&r.engineer) && !people.is_lead(&r.engineer))
        .map(|r| r.engineer.clone())
        .collect();
    let goal_rows = goals::evaluate(&values, &settings.goals);
    let feedback_points = feedback::points(&weekly.engineers, &items, tickets, tz);
    let calls_rows: Vec<_> = items
        .calls
        .iter()
        .filter(|c| weeks.contains(&c.week) && scope.mine(&c.engineer))
        .collect();
    let breached = page_breaches(&clocks, &items.escalations, tickets);
    // The tables are independent: rendered on every core, listed in this order.
    let jobs: Vec<(&str, Render)> = vec![
        ("clocks.csv", Box::new(|| tables::clocks(&clocks, tickets))),
        (
            "breaches.csv",
            Box::new(|| tables::breaches(&clocks, &items.escalations, tickets)),
        ),
        (
            "escalations.csv",
            Box::new(|| {
                tables::escalations(
                    &escalations.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
                    tickets,
                )
            }),
        ),
        (
            "engineer_weekly.csv",
            Box::new(|| tables::engineer_weekly(&weekly, people, &settings.score)),
        ),
        (
            "team_weekly.csv",
            Box::new(|| tables::team_weekly(&weekly, people, &settings.score)),
        ),
        (
            "handoffs.csv",
            Box::new(|| {
                handoffs::handoffs_csv(
                    &handoff_rows.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
                    tickets,
                )
            }),
        ),
        (
            "tickets.csv",
            Box::new(|| {
                tickets::tickets_csv(
                    &summaries.iter().map(AsRef::as_ref).collect::<Vec<_>>(),
                    tickets,
                )
            }),
        ),
        (
            "calls.csv",
            Box::new(|| calls::calls_csv(&calls_rows, tickets)),
        ),
        (
            "feedback.csv",
            Box::new(|| tables::feedback(&feedback_points)),
        ),
        ("goals.csv", Box::new(|| goals::goals_csv(&goal_rows))),
        (
            "data_quality.csv",
            Box::new(|| tables::data_quality(&problems)),
        ),
    ];
    let mut files: Vec<(String, Vec<u8>)> = jobs
        .into_par_iter()
        .map(|(name, render)| (name.to_string(), render()))
        .collect();
    files.push(("run.json".to_string(), run_json));
    progress.step(&format!("rendered {} tables", files.len()));
    let typed = Typed {
        weeks: &window,
        values: &values,
        feedback: &feedback_points,
        breaches: &breached,
        goals: &goal_rows,
        engineers: &engineer_ids,
    };
    // `query` needs the tables only: no chart or page is drawn for it.
    if opts.draw {
        let visuals = visuals(settings, opts, &files, &typed, &run.as_of)?;
        let charts = visuals.iter().filter(|(n, _)| n.ends_with(".png")).count();
        let pages = visuals.iter().filter(|(n, _)| n.ends_with(".html")).count();
        progress.step(&format!("drew {charts} charts and {pages} pages"));
        files.extend(visuals);
    }
    Ok(Report {
        folder: last.to_string(),
        files,
        warnings,
        weeks: window,
        values,
        feedback: feedback_points,
        goals: goal_rows,
        engineers: engineer_ids,
    })
}

/// The typed values the pages are made from (the CSVs are their text).
struct Typed<'a> {
    weeks: &'a [Week],
    values: &'a values::WeeklyValues,
    feedback: &'a [feedback::Point],
    breaches: &'a [pages::Breach],
    goals: &'a [goals::GoalRow],
    /// Who has a page: the engineers (staff who are not leads).
    engineers: &'a std::collections::BTreeSet<String>,
}

/// The breached clocks of the window as the pages list them.
fn page_breaches(
    clocks: &[&crate::metrics::Clock],
    escalations: &[crate::metrics::Escalation],
    tickets: &[Ticket],
) -> Vec<pages::Breach> {
    let index = crate::metrics::escalations::EscalationIndex::new(escalations);
    clocks
        .iter()
        .filter(|c| c.breached)
        .map(|c| pages::Breach {
            week: c.week,
            engineer: c.engineer.to_string(),
            ticket: tickets[c.ticket].key.to_string(),
            kind: c.kind.as_str(),
            ticket_type: c.ticket_type.as_str(),
            severity: c.severity.as_deref().unwrap_or_default().to_string(),
            deadline: c.deadline.map(fmt_ts).unwrap_or_default(),
            escalated_before_deadline: index.escalated_within(c),
        })
        .collect()
}

/// Charts (PNG and SVG) and the pages. The charts are drawn from the CSV bytes just
/// rendered, so every picture shows exactly the numbers of the tables; the pages read the
/// typed values, so no id or text goes through a CSV cell's formula guard.
fn visuals(
    settings: &Settings,
    opts: &Options,
    files: &[(String, Vec<u8>)],
    typed: &Typed,
    as_of: &str,
) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let table = |name: &str| -> anyhow::Result<charts::Table> {
        let bytes = files
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
            .unwrap_or_default();
        charts::Table::from_csv(bytes).with_context(|| format!("reading back {name}"))
    };
    let (engineer_weekly, team_weekly) = (table("engineer_weekly.csv")?, table("team_weekly.csv")?);
    let (escalations, breaches) = (table("escalations.csv")?, table("breaches.csv")?);
    let feedback = table("feedback.csv")?;
    let ack_targets: Vec<(&'static str, f64)> =
        [TicketType::Incident, TicketType::Query, TicketType::Other]
            .into_iter()
            .filter_map(|ty| {
                let secs = settings.sla.get(&(ClockKind::Ack, ty))?.default?;
                Some((ty.as_str(), secs as f64 / 60.0))
            })
            .collect();
    let weeks: Vec<String> = typed.weeks.iter().map(Week::to_string).collect();
    let goal_lines: Vec<(&'static str, f64)> = settings
        .goals
        .iter()
        .map(|g| (g.metric, g.target))
        .collect();
    let inputs = charts::Inputs {
        engineer_weekly: &engineer_weekly,
        team_weekly: &team_weekly,
        escalations: &escalations,
        breaches: &breaches,
        feedback: &feedback,
        weeks: &weeks,
        as_of,
        jira_url: &settings.jira.url,
        ack_targets: &ack_targets,
        goals: &goal_lines,
        self_review: opts.engineer.as_deref(),
    };
    let mut out = charts::charts(&inputs)?;
    let svgs = charts::svgs(&out);
    let page_inputs = pages::Inputs {
        weeks: typed.weeks,
        as_of,
        jira_url: &settings.jira.url,
        self_review: opts.engineer.as_deref(),
        values: typed.values,
        feedback: typed.feedback,
        breaches: typed.breaches,
        goals: typed.goals,
        engineers: Some(typed.engineers),
        svgs: &svgs,
    };
    out.extend(pages::pages(&page_inputs)?);
    Ok(out)
}

/// The start of the window's first week.
fn window_start(window: &[Week], tz: chrono_tz::Tz) -> Ts {
    window
        .first()
        .expect("a window has at least one week")
        .start(tz)
}

/// Who a report is for: everyone, or one engineer (self-review).
struct Scope<'a>(Option<&'a str>);

impl Scope<'_> {
    /// True when rows and items credited to `who` belong in this report.
    fn mine(&self, who: &str) -> bool {
        self.0.is_none_or(|me| me == who)
    }

    /// `item` as this report shows it: borrowed as it is for the whole team, a copy with
    /// other people's ids hidden by `hide` in a self-review.
    fn redacted<'t, T: Clone>(&self, item: &'t T, hide: impl FnOnce(&mut T, &Self)) -> Cow<'t, T> {
        if self.0.is_none() {
            return Cow::Borrowed(item);
        }
        let mut copy = item.clone();
        hide(&mut copy, self);
        Cow::Owned(copy)
    }

    /// Another person's id, hidden in a self-review.
    fn redact(&self, who: &str) -> String {
        match self.0 {
            Some(me) if me != who && !who.is_empty() => "(other)".to_string(),
            _ => who.to_string(),
        }
    }
}

/// Writes the report into `out/<folder>/` atomically: the files go to a temporary folder
/// beside it, which then replaces the old report (moved aside, then removed). The old
/// folder's `delivery.json` is carried over into the new one. A failure
/// leaves the previous report in place, or says where it is if it cannot be moved back.
pub fn write(out: &Path, report: &Report) -> anyhow::Result<PathBuf> {
    // A folder that cannot be written is the run's setting, not a bug: exit 2, not 1.
    write_folder(out, report).map_err(|e| {
        Failure::usage(format!(
            "{e:#}; check that --out {} is a writable folder with free space",
            out.display()
        ))
        .into()
    })
}

fn write_folder(out: &Path, report: &Report) -> anyhow::Result<PathBuf> {
    std::fs::create_dir_all(out)
        .with_context(|| format!("creating the output folder {}", out.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".supportlens-tmp-")
        .tempdir_in(out)
        .with_context(|| format!("creating a temporary folder in {}", out.display()))?;
    let paths: Vec<PathBuf> = report
        .files
        .iter()
        .map(|(n, _)| tmp.path().join(n))
        .collect();
    let folders: std::collections::BTreeSet<&Path> =
        paths.iter().filter_map(|p| p.parent()).collect();
    for &folder in &folders {
        std::fs::create_dir_all(folder)
            .with_context(|| format!("creating {}", folder.display()))?;
    }
    // Hundreds of megabytes for a large report: written on every core. File names are
    // distinct even where case is ignored (see `engineer_chart`), so no two writes share a
    // file. The first failing file in report order is the one reported.
    let written: Vec<anyhow::Result<()>> = paths
        .par_iter()
        .zip(&report.files)
        .map(|(path, (_, bytes))| {
            std::fs::write(path, bytes).with_context(|| format!("writing {}", path.display()))
        })
        .collect();
    written.into_iter().collect::<anyhow::Result<()>>()?;
    // The files and the folders' entries reach the disk before the swap makes them the
    // report: a power cut after it must not leave a report folder of empty or missing files.
    sync_staged(tmp.path(), &paths, &folders)
        .with_context(|| format!("writing {}", tmp.path().display()))?;
    let target = out.join(&report.folder);
    // What was delivered for this week stays with the week's folder (SPEC §7: once per
    // week), so a re-run never mails anyone twice.
    let delivered = target.join(crate::delivery::record::FILE);
    if delivered.exists() {
        std::fs::copy(&delivered, tmp.path().join(crate::delivery::record::FILE))
            .with_context(|| format!("carrying {} over", delivered.display()))?;
    }
    // Where the disk allows, the new report and the previous one trade places in one step,
    // so no crash can leave the folder missing; the staging folder, now holding the previous
    // report, removes itself.
    if target.exists() && exchange(tmp.path(), &target)? {
        drop(tmp);
        let _ = sync_folder(out);
        return Ok(target);
    }
    // Elsewhere the previous report moves aside while the staging folder still cleans
    // itself up, so a failure here leaves both as they were.
    let old = if target.exists() {
        let old = out.join(format!(".supportlens-old-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&target, &old).with_context(|| {
            format!(
                "moving the previous report {} aside (it is untouched)",
                target.display()
            )
        })?;
        Some(old)
    } else {
        None
    };
    let staged = tmp.keep();
    if let Err(e) = std::fs::rename(&staged, &target) {
        let _ = std::fs::remove_dir_all(&staged);
        let restored = match &old {
            Some(old) if std::fs::rename(old, &target).is_err() => format!(
                "; the previous report is in {}: move it back to {}",
                old.display(),
                target.display()
            ),
            Some(_) => " (the previous report is back in place)".to_string(),
            None => String::new(),
        };
        return Err(e)
            .with_context(|| format!("moving the new report into {}{restored}", target.display()));
    }
    if let Some(old) = old {
        let _ = std::fs::remove_dir_all(old);
    }
    let _ = sync_folder(out);
    Ok(target)
}

/// Flushes the staged report to the disk. On Linux one `syncfs` of the staging folder's file
/// system does it for every file and folder at once: an `fsync` per file made a 46-file
/// report a second slower on ext4. Elsewhere each file, then each folder, is synced.
fn sync_staged(
    tmp: &Path,
    files: &[PathBuf],
    folders: &std::collections::BTreeSet<&Path>,
) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let _ = (files, folders);
        rustix::fs::syncfs(std::fs::File::open(tmp)?)?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        for file in files {
            std::fs::File::open(file)?.sync_all()?;
        }
        for folder in folders.iter().copied().chain([tmp]) {
            sync_folder(folder)?;
        }
        Ok(())
    }
}

/// Flushes a folder's entries to the disk (a no-op where folders cannot be opened).
fn sync_folder(folder: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        std::fs::File::open(folder)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = folder;
        Ok(())
    }
}

/// Swaps the folders `a` and `b` atomically: true when done, false when this system or
/// disk cannot (the caller then moves them one at a time).
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> anyhow::Result<bool> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    use rustix::io::Errno;
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(true),
        // An old kernel, or a file system without the flag (some network disks).
        Err(Errno::INVAL | Errno::NOSYS | Errno::NOTSUP) => Ok(false),
        Err(e) => Err(std::io::Error::from(e)).with_context(|| {
            format!(
                "replacing the previous report {} (it is untouched)",
                b.display()
            )
        }),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> anyhow::Result<bool> {
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(files: &[(&str, &str)]) -> Report {
        Report {
            folder: "2026-W47".to_string(),
            files: files
                .iter()
                .map(|(n, b)| (n.to_string(), b.as_bytes().to_vec()))
                .collect(),
            warnings: Vec::new(),
            weeks: Vec::new(),
            values: values::WeeklyValues::default(),
            feedback: Vec::new(),
            goals: Vec::new(),
            engineers: Default::default(),
        }
    }

    /// A second report of the same week replaces the first whole (a file only the first
    /// had is gone) and leaves no staging or previous folder behind, whichever way the
    /// folders were swapped.
    #[test]
    fn a_new_report_replaces_the_previous_one_whole() {
        let out = tempfile::tempdir().unwrap();
        let first = report(&[("clocks.csv", "old\r\n"), ("charts/a.svg", "<svg/>")]);
        let target = write(out.path(), &first).unwrap();
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"old\r\n"
        );
        let second = report(&[("clocks.csv", "new\r\n"), ("index.html", "<html>")]);
        assert_eq!(write(out.path(), &second).unwrap(), target);
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"new\r\n"
        );
        assert_eq!(std::fs::read(target.join("index.html")).unwrap(), b"<html>");
        assert!(
            !target.join("charts").exists(),
            "the first report's charts went with it"
        );
        let mut left: Vec<String> = std::fs::read_dir(out.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, ["2026-W47"]);
    }

    /// The week's delivery record survives a new report of the same week; nothing else
    /// of the old folder does.
    #[test]
    fn the_delivery_record_is_carried_over() {
        let out = tempfile::tempdir().unwrap();
        let target = write(out.path(), &report(&[("clocks.csv", "old\r\n")])).unwrap();
        std::fs::write(target.join("delivery.json"), "{\"sent\": []}\n").unwrap();
        std::fs::create_dir(target.join("outbox")).unwrap();
        write(out.path(), &report(&[("clocks.csv", "new\r\n")])).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("delivery.json")).unwrap(),
            "{\"sent\": []}\n"
        );
        assert!(!target.join("outbox").exists());
        assert_eq!(
            std::fs::read(target.join("clocks.csv")).unwrap(),
            b"new\r\n"
        );
    }

    /// On Linux the swap is one step: two folders trade places and keep their contents.
    #[cfg(target_os = "linux")]
    #[test]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::create_dir(&a).unwrap();
        std::fs::create_dir(&b).unwrap();
        std::fs::write(a.join("from_a"), "").unwrap();
        std::fs::write(b.join("from_b"), "").unwrap();
        // tmpfs and ext4 support the flag; a disk that does not reports false, not an error.
        if exchange(&a, &b).unwrap() {
            assert!(a.join("from_b").exists() && b.join("from_a").exists());
            assert!(!a.join("from_a").exists() && !b.join("from_b").exists());
        }
        let missing = dir.path().join("missing");
        let err = exchange(&missing, &b).unwrap_err();
        assert!(
            format!("{err:#}").contains("replacing the previous report"),
            "{err:#}"
        );
    }
}
