//! `supportlens run`: export, then the report of the last complete weeks, with the same
//! resolved settings. Made for cron: silent unless something is wrong.

use crate::cli::{Cli, ReportArgs, RunArgs, WindowArgs};

pub fn run(cli: &Cli, args: &RunArgs) -> anyhow::Result<()> {
    let settings = super::export::settings_for(cli, &args.export)?;
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
    };
    super::report::report_with(cli, &settings, &report)
}
