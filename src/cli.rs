//! Command-line definitions (clap). Parsing only: `cmd` turns these into work.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Weekly, per-engineer support evidence from JIRA history.
#[derive(Debug, Parser)]
#[command(
    name = "supportlens",
    version,
    about,
    after_help = "Examples:\n  supportlens --config sample-data/supportlens.toml report --input sample-data/ --out reports/\n  supportlens import exports/*.json && supportlens report --weeks 4\n  supportlens config init\n\nExit codes: 0 success, 2 usage or configuration error, 3 bad input data,\n4 JIRA unreachable or failing, 5 another run holds the lock, 6 the report was written\nbut a delivery failed, 1 internal error."
)]
pub struct Cli {
    /// Configuration file [default: ./supportlens.toml if present, else built-in defaults].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Snapshot folder holding the Parquet tables.
    #[arg(long, global = true, value_name = "DIR", default_value = "data")]
    pub data: PathBuf,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Read JIRA JSON files (search pages, arrays, single issues, .jsonl, folders) into the snapshot.
    Import(ImportArgs),
    /// Compute the weekly metrics and write CSV files into <out>/<last week>/.
    #[command(after_help = DELIVERY_HELP)]
    Report(ReportArgs),
    /// Run read-only SQL over the snapshot's tables and the computed items.
    Query(QueryArgs),
    /// Write a deterministic synthetic organisation in JIRA's JSON shape, with its config.
    Generate(GenerateArgs),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Read the tickets the JQL selects from JIRA into the snapshot; after the first run,
    /// only those updated since the last export.
    #[command(after_help = EXPORT_HELP)]
    Export(ExportArgs),
    /// Export, then report the last complete weeks, then deliver them as [delivery] says:
    /// the command for cron.
    #[command(after_help = RUN_HELP)]
    Run(RunArgs),
}

const DELIVERY_HELP: &str = "Delivery ([delivery] in the config) takes its secrets from the environment only:\n  SUPPORTLENS_SMTP_USER, SUPPORTLENS_SMTP_PASSWORD  the SMTP login (both, or neither)\n  SUPPORTLENS_WEBHOOK_URL                           the webhook's address\n\nExamples:\n  supportlens report --deliver\n  supportlens report --dry-run-delivery   # messages into reports/<week>/outbox/\n\nExit code 6: the report was written but a message could not be sent; run again to\nsend what delivery.json does not list.";

const RUN_HELP: &str = "Credentials come from the environment only:\n  Cloud:     SUPPORTLENS_JIRA_USER (account e-mail) and SUPPORTLENS_JIRA_TOKEN (API token)\n  Server/DC: SUPPORTLENS_JIRA_TOKEN (personal access token)\n  Delivery:  SUPPORTLENS_SMTP_USER, SUPPORTLENS_SMTP_PASSWORD, SUPPORTLENS_WEBHOOK_URL\n\nExamples:\n  SUPPORTLENS_JIRA_USER=lead@example.com SUPPORTLENS_JIRA_TOKEN=... supportlens run\n  supportlens run --weeks 4 --out reports/\n  supportlens run --dry-run-delivery\n\nExit code 6: the report was written but a message could not be sent; the next run\nsends only what delivery.json does not list.";

const EXPORT_HELP: &str = "Credentials come from the environment only:\n  Cloud:     SUPPORTLENS_JIRA_USER (account e-mail) and SUPPORTLENS_JIRA_TOKEN (API token)\n  Server/DC: SUPPORTLENS_JIRA_TOKEN (personal access token)\n\nExamples:\n  SUPPORTLENS_JIRA_USER=lead@example.com SUPPORTLENS_JIRA_TOKEN=... supportlens export\n  supportlens export --full --jql queries/support.jql\n  supportlens run --weeks 4 --out reports/";

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Re-read every ticket the JQL selects, not only those updated since the last export.
    #[arg(long)]
    pub full: bool,

    /// JIRA base address, e.g. https://support.example.com (beats [jira] url).
    #[arg(long, env = "SUPPORTLENS_JIRA_URL", value_name = "URL")]
    pub jira_url: Option<String>,

    /// cloud (REST API v3) or server (Server/Data Center, REST API v2) (beats [jira] flavor).
    #[arg(long, value_name = "FLAVOR")]
    pub flavor: Option<String>,

    /// File holding the JQL (beats [jira] jql).
    #[arg(long, value_name = "FILE")]
    pub jql: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    #[command(flatten)]
    pub export: ExportArgs,

    /// How many weeks the report covers (1 to 520).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = weeks_range())]
    pub weeks: u32,

    /// Output folder; the report goes into <out>/<last week>/.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: PathBuf,

    /// Write the messages [delivery] would send into <report folder>/outbox/ (.eml files
    /// and webhook.json) instead of sending them.
    #[arg(long)]
    pub dry_run_delivery: bool,
}

/// `--weeks` of a report: 1 to `week::MAX_WEEKS`, checked before anything is read.
fn weeks_range() -> clap::builder::RangedI64ValueParser<u32> {
    clap::value_parser!(u32).range(1..=i64::from(crate::week::MAX_WEEKS))
}

/// A count flag of `generate`, 0 to `max`: beyond it the roster alone would not fit in
/// memory, and a run would fill the disk for days.
fn count_range(max: u64) -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(0..=max)
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// JSON or JSONL files, or folders read recursively.
    #[arg(required = true, value_name = "FILES")]
    pub files: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub window: WindowArgs,

    /// Output folder; the report goes into <out>/<last week>/.
    #[arg(long, default_value = "reports", value_name = "DIR")]
    pub out: PathBuf,

    /// After writing the report, send what [delivery] asks for: mail to the leads and
    /// engineers, the webhook post; each message once per week (see delivery.json).
    #[arg(long, conflicts_with_all = ["engineer", "dry_run_delivery"])]
    pub deliver: bool,

    /// Like --deliver, but write the messages into <report folder>/outbox/ (.eml files and
    /// webhook.json) instead of sending them.
    #[arg(long, conflicts_with = "engineer")]
    pub dry_run_delivery: bool,
}

/// What the metrics are computed over: input, as-of and the window of weeks.
#[derive(Debug, Args)]
pub struct WindowArgs {
    /// Read these JIRA JSON files instead of the snapshot.
    #[arg(long, num_args = 1.., value_name = "FILES")]
    pub input: Vec<PathBuf>,

    /// Only this person's rows, items and evidence, plus team aggregates (self-review).
    #[arg(long, value_name = "ID")]
    pub engineer: Option<String>,

    /// The last week of the window, e.g. 2026-W47 [default: the last week ended by as-of].
    #[arg(long, value_name = "WEEK")]
    pub week: Option<String>,

    /// How many weeks the window covers (1 to 520).
    #[arg(long, default_value_t = 8, value_name = "N", value_parser = weeks_range())]
    pub weeks: u32,

    /// The instant the data describes, RFC 3339 (2026-11-23T00:00:00Z) or a date in the
    /// team's zone [default: snapshot export time, or the latest ticket update].
    #[arg(long, value_name = "TIME")]
    pub as_of: Option<String>,
}

#[derive(Debug, Args)]
pub struct QueryArgs {
    /// The SQL, e.g. "SELECT engineer, sum(sla_breaches) FROM engineer_weekly GROUP BY engineer",
    /// or the path of a saved query such as queries/silent-breaches.sql.
    /// Tables: tickets, comments, worklogs, changes (the snapshot) and the report's items:
    /// clocks, breaches, escalations, engineer_weekly, team_weekly, data_quality, ...
    #[arg(value_name = "SQL")]
    pub sql: String,

    /// Print CSV instead of a table.
    #[arg(long)]
    pub csv: bool,

    #[command(flatten)]
    pub window: WindowArgs,
}

#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// Number of tickets (at most 50,000,000).
    #[arg(long, default_value_t = 300, value_parser = count_range(50_000_000))]
    pub tickets: usize,
    /// Number of engineers, leads and bots come on top (at most 100,000).
    #[arg(long, default_value_t = 12, value_parser = count_range(100_000))]
    pub engineers: usize,
    /// Number of weeks the tickets span.
    #[arg(long, default_value_t = 10)]
    pub weeks: u32,
    /// Seed of the pseudo-random choices: same seed and sizes, same bytes.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// The Monday after the last generated week.
    #[arg(long, default_value = "2026-11-23", value_name = "DATE")]
    pub end: String,
    /// Output folder for issues.jsonl and supportlens.toml.
    #[arg(long, default_value = "sample-data", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Write the fully commented default configuration.
    Init {
        /// Where to write it.
        #[arg(default_value = "supportlens.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}
