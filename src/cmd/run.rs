//! `supportlens run`: export, then the report of the last complete weeks, with the same
//! resolved settings, then its delivery when `[delivery]` names a destination. Made for
//! cron: silent unless something is wrong.

use crate::cli::{Cli, ReportArgs, RunArgs, WindowArgs};
use crate::delivery::{Mode, Setup};

pub fn run(cli: &Cli, args: &RunArgs) -> anyhow::Result<()> {
    let settings = super::export::settings_for(cli, &args.export)?;
    // Delivery's settings and secrets are checked before anything is read or written.
    let mode = if args.dry_run_delivery {
        Mode::DryRun
    } else {
        Mode::Send
    };
    let delivery = Setup::new(&settings, mode)?;
    // So is the report's chunk size (README "Large snapshots"): not after a whole export.
    crate::snapshot::tickets_per_chunk()?;
    let started = super::export::export_with(&cli.data, &settings, args.export.full)?;
    // The report ends with the last week this run's start closed. Not the snapshot's
    // resume point: when this run finished an export a killed run began a week or more
    // ago, that point stays at the killed run's start, and a report ending there would
    // write an old week again and never last week's.
    let report = ReportArgs {
        window: WindowArgs {
            input: Vec::new(),
            engineer: None,
            week: None,
            weeks: args.weeks,
            as_of: Some(crate::model::fmt_ts(started)),
        },
        out: args.out.clone(),
        deliver: delivery.is_some() && mode == Mode::Send,
        dry_run_delivery: delivery.is_some() && mode == Mode::DryRun,
    };
    super::report::report_with(cli, &settings, &report, delivery.as_ref())
}
