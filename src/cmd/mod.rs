//! One module per subcommand, each with the same entry: `run(&Settings-or-args) -> Result`.

mod config;
mod export;
mod generate;
mod import;
mod query;
mod report;
mod run;

use std::io::IsTerminal;

use crate::cli::{Cli, Command};

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Command::Import(args) => import::run(&cli, args),
        Command::Report(args) => report::run(&cli, args),
        Command::Query(args) => query::run(&cli, args),
        Command::Generate(args) => generate::run(args),
        Command::Config(c) => config::run(c),
        Command::Export(args) => export::run(&cli, args),
        Command::Run(args) => run::run(&cli, args),
    }
}

/// Prints a summary line for a person at a terminal; cron runs stay quiet.
fn say(line: &str) {
    if std::io::stderr().is_terminal() {
        crate::stderr_line!("{line}");
    }
}
