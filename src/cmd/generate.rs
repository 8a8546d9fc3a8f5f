//! `supportlens generate`: the synthetic organisation, for demos, tests and benchmarks.

use crate::cli::GenerateArgs;
use crate::error::Failure;
use crate::generate::{self, Options};

pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    let end = chrono::NaiveDate::parse_from_str(args.end.trim(), "%Y-%m-%d").map_err(|_| {
        Failure::usage(format!(
            "--end '{}' is not a date like 2026-11-23",
            args.end
        ))
    })?;
    let opts = Options {
        tickets: args.tickets,
        engineers: args.engineers,
        weeks: args.weeks,
        seed: args.seed,
        out: args.out.clone(),
        end,
    };
    let summary = generate::generate(&opts)?;
    super::say(&format!("wrote {}: {summary}", args.out.display()));
    Ok(())
}
