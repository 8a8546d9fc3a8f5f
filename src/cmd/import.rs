//! `supportlens import FILES…`: JIRA JSON files merged into the snapshot by ticket id.

use rayon::prelude::*;

use crate::cli::{Cli, ImportArgs};
use crate::progress::Progress;
use crate::snapshot::{self, Meta};

pub fn run(cli: &Cli, args: &ImportArgs) -> anyhow::Result<()> {
    let settings = crate::config::load(cli.config.as_deref())?;
    let mut progress = Progress::new();
    let incoming = crate::jira::read_files(&args.files, &settings.types.severity_field)?;
    progress.step(&format!("read {} tickets", incoming.len()));
    let _lock = snapshot::lock(&cli.data)?;
    let existing = if snapshot::exists(&cli.data) {
        let stored = snapshot::read(&cli.data)?.0;
        progress.step(&format!("read the {} tickets stored before", stored.len()));
        stored
    } else {
        Vec::new()
    };
    let count = incoming.len();
    let merged = snapshot::merge(existing, incoming);
    let meta = Meta {
        source: "files".to_string(),
        inputs: args.files.iter().map(|p| p.display().to_string()).collect(),
        exported_at: None,
        written_at: chrono::Utc::now(),
        version: env!("CARGO_PKG_VERSION").to_string(),
        severity_field: Some(settings.types.severity_field.clone()),
        ..Meta::default()
    };
    snapshot::write(&cli.data, &merged, &meta)?;
    progress.step("wrote the snapshot");
    super::say(&format!(
        "imported {count} tickets; the snapshot in {} now holds {}",
        cli.data.display(),
        merged.len()
    ));
    // Millions of comments, worklogs and changes: freed on every core.
    merged.into_par_iter().for_each(drop);
    Ok(())
}
