//! `supportlens generate`: the synthetic organisation, for demos, tests and benchmarks.
//!
//! The files are generated into a temporary folder inside `--out` and renamed into place
//! one by one once complete, so a full disk or a failed write leaves no half-written
//! `issues.jsonl`; a folder that cannot be written is a usage error (exit 2).

use std::path::Path;

use crate::cli::GenerateArgs;
use crate::error::Failure;
use crate::generate::{self, Options};

/// The files `generate` writes, in the order they are moved into place.
const FILES: [&str; 2] = ["issues.jsonl", "supportlens.toml"];

pub fn run(args: &GenerateArgs) -> anyhow::Result<()> {
    use chrono::Datelike;
    let end = chrono::NaiveDate::parse_from_str(args.end.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (crate::week::MIN_YEAR..=crate::week::MAX_YEAR).contains(&d.year()))
        .ok_or_else(|| {
            Failure::usage(format!(
                "--end {} is not a date like 2026-11-23 in the years {} to {}",
                crate::error::shown(&args.end),
                crate::week::MIN_YEAR,
                crate::week::MAX_YEAR
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
    let summary = staged(&opts).map_err(|e| {
        if crate::error::exit_code(&e) == 1 {
            Failure::usage(format!(
                "{e:#}; check that --out {} is a folder you can write with free space",
                args.out.display()
            ))
            .into()
        } else {
            e
        }
    })?;
    super::say(&format!("wrote {}: {summary}", args.out.display()));
    Ok(())
}

/// Generates into a staging folder in `opts.out`, then moves each file into place. An
/// output folder this run created is removed again when the run fails before filling it.
fn staged(opts: &Options) -> anyhow::Result<generate::Summary> {
    let created = !opts.out.exists();
    let result = stage_and_move(opts);
    if result.is_err() && created {
        let _ = std::fs::remove_dir(&opts.out);
    }
    result
}

fn stage_and_move(opts: &Options) -> anyhow::Result<generate::Summary> {
    use anyhow::Context;
    std::fs::create_dir_all(&opts.out)
        .with_context(|| format!("cannot create the output folder {}", opts.out.display()))?;
    let tmp = tempfile::Builder::new()
        .prefix(".supportlens-tmp-")
        .tempdir_in(&opts.out)
        .with_context(|| format!("cannot create a temporary folder in {}", opts.out.display()))?;
    let summary = generate::generate(&Options {
        out: tmp.path().to_path_buf(),
        ..opts.clone()
    })?;
    for name in FILES {
        let (from, to) = (tmp.path().join(name), opts.out.join(name));
        sync(&from).with_context(|| format!("cannot write {}", from.display()))?;
        std::fs::rename(&from, &to).with_context(|| format!("cannot write {}", to.display()))?;
    }
    Ok(summary)
}

/// Flushes a finished file to the disk before it replaces the previous one.
fn sync(path: &Path) -> std::io::Result<()> {
    std::fs::File::open(path)?.sync_all()
}
