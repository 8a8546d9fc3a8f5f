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
    super::export::export_with(&cli.data, &settings, args.export.full)?;
    // No --week or --as-of: the report ends with the last week the export's start closed.
    let report = ReportArgs {
        window: WindowArgs {
            input: Vec::new(),
            engineer: None,
            week: None,
            weeks: args.weeks,
            as_of: None,
        },
        out: args.out.clone(),
        deliver: delivery.is_some() && mode == Mode::Send,
        dry_run_delivery: delivery.is_some() && mode == Mode::DryRun,
    };
    super::report::report_with(cli, &settings, &report, delivery.as_ref())
}
