//! `supportlens run`: export, then the report of the last complete weeks, with the same
//! resolved settings, then its delivery when `[delivery]` names a destination. Made for
//! cron: silent unless something is wrong.

use crate::cli::{Cli, ReportArgs, RunArgs, WindowArgs};
use crate::delivery::{Mode, Setup};
use crate::error::Failure;
use crate::model::{Ts, fmt_ts};

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
    // And the clock, which dates the report: not after an export stamped with it.
    clock_checked(chrono::Utc::now())?;
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
            // An export that did not settle dates nothing: the snapshot's own as-of.
            as_of: started.map(fmt_ts),
        },
        out: args.out.clone(),
        deliver: delivery.is_some() && mode == Mode::Send,
        dry_run_delivery: delivery.is_some() && mode == Mode::DryRun,
    };
    super::report::report_with(cli, &settings, &report, delivery.as_ref())
}

/// `now` when a report can be dated by it (the years `week::check_year` allows); else a
/// usage error (exit 2) saying the machine's clock is wrong.
fn clock_checked(now: Ts) -> anyhow::Result<Ts> {
    crate::week::check_year(now).map_err(|e| {
        Failure::usage(format!(
            "this machine's clock ({}) {e}, so no report week can be chosen; set the clock \
             right and run again",
            fmt_ts(now)
        ))
    })?;
    Ok(now)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Kind;

    #[test]
    fn a_clock_outside_the_years_read_is_a_usage_error_naming_it() {
        let far = chrono::DateTime::from_timestamp(300_000_000_000, 0).unwrap();
        let err = clock_checked(far).unwrap_err();
        let failure = err.downcast_ref::<Failure>().unwrap();
        assert_eq!(failure.kind, Kind::Usage);
        assert_eq!(
            failure.message,
            "this machine's clock (+11476-08-15T05:20:00Z) is in the year 11476, outside \
             the years 1900 to 9999 supportlens reads, so no report week can be chosen; set \
             the clock right and run again"
        );
        let now = crate::model::parse_ts("2026-12-07T06:00:00Z").unwrap();
        assert_eq!(clock_checked(now).unwrap(), now);
    }
}
