//! `supportlens export`: the tickets the JQL selects, read from JIRA and merged into the
//! snapshot by id, holding the data folder's lock throughout.
//!
//! Resume point: the snapshot's `exported_at` is the instant the last settled export
//! started. The next export asks only for tickets updated since then minus `[jira] overlap`,
//! provided the snapshot came from the same flavor, URL and JQL (otherwise, or with
//! `--full`, it reads everything). A failed export writes nothing, so the next run redoes
//! the same window; an export that could not settle keeps the previous resume point.

use std::path::Path;

use anyhow::Result;
use chrono::Utc;

use crate::cli::{Cli, ExportArgs};
use crate::error::Failure;
use crate::jira::client::{Client, Retry};
use crate::jira::export::{self, Query, window_start};
use crate::settings::{Flavor, Settings};
use crate::snapshot::{self, Meta};

pub fn run(cli: &Cli, args: &ExportArgs) -> Result<()> {
    let settings = settings_for(cli, args)?;
    export_with(&cli.data, &settings, args.full)
}

/// The configuration with `--jira-url` (or `SUPPORTLENS_JIRA_URL`), `--flavor` and `--jql`
/// applied over the file.
pub(crate) fn settings_for(cli: &Cli, args: &ExportArgs) -> Result<Settings> {
    let mut settings = crate::config::load(cli.config.as_deref())?;
    crate::config::apply_overrides(
        &mut settings,
        args.jira_url.clone(),
        args.flavor.clone(),
        args.jql.clone(),
    )?;
    Ok(settings)
}

/// Exports into the snapshot in `data`: incremental unless `full` or no compatible earlier
/// export exists.
pub(crate) fn export_with(data: &Path, settings: &Settings, full: bool) -> Result<()> {
    let jql = read_jql(&settings.jira.jql)?;
    let client = Client::from_env(&settings.jira.url, settings.jira.flavor, Retry::from_env()?)?;
    let _lock = snapshot::lock(data)?;
    let started = Utc::now();
    let inputs = inputs(settings, &jql);
    let (existing, previous) = if snapshot::exists(data) {
        let (tickets, meta) = snapshot::read(data)?;
        (tickets, Some(meta))
    } else {
        (Vec::new(), None)
    };
    let resume = previous
        .as_ref()
        .filter(|m| !full && m.source == "jira" && m.inputs == inputs)
        .and_then(|m| m.exported_at);
    if !full && resume.is_none() && previous.is_some() {
        super::say("the snapshot holds no export of this JIRA and JQL; reading every ticket");
    }
    let query = Query {
        jql,
        since: resume.map(|r| window_start(r, settings.jira.overlap)),
        severity_field: settings.types.severity_field.clone(),
        concurrency: settings.jira.concurrency,
    };
    let result = export::export(&client, &query, &|line| super::say(line))?;
    for w in &result.warnings {
        eprintln!("supportlens: warning: {w}");
    }
    let count = result.tickets.len();
    let merged = snapshot::merge(existing, result.tickets);
    let meta = Meta {
        source: "jira".to_string(),
        inputs,
        // Unsettled: keep the old resume point (none after --full) so the window is re-read.
        exported_at: if result.settled {
            Some(started)
        } else {
            resume
        },
        written_at: Utc::now(),
        version: env!("CARGO_PKG_VERSION").to_string(),
    };
    snapshot::write(data, &merged, &meta)?;
    super::say(&format!(
        "exported {count} tickets; the snapshot in {} now holds {}",
        data.display(),
        merged.len()
    ));
    Ok(())
}

/// What the snapshot records as this export's source; a later export resumes only from a
/// snapshot with the same values.
fn inputs(settings: &Settings, jql: &str) -> Vec<String> {
    let flavor = match settings.jira.flavor {
        Flavor::Cloud => "cloud",
        Flavor::Server => "server",
    };
    vec![
        format!("{flavor} {}", settings.jira.url),
        format!("jql: {jql}"),
    ]
}

/// The JQL file's text, trimmed; missing or empty is a configuration error (exit 2).
fn read_jql(path: &Path) -> Result<String> {
    let text = crate::input_file::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the JQL file {}: {e}; set [jira] jql or --jql to a file holding the \
             query, e.g. `project = SUP`",
            path.display()
        ))
    })?;
    let jql = text.trim();
    if jql.is_empty() || export::strip_order_by(jql).trim().is_empty() {
        return Err(Failure::usage(format!(
            "the JQL file {} selects nothing in particular; write a query such as \
             `project = SUP`, so the export does not read every ticket on the site",
            path.display()
        ))
        .into());
    }
    Ok(jql.to_string())
}
