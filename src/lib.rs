//! supportlens: weekly, per-engineer evidence from a support team's JIRA history.

// `eprintln!` and `println!` panic when the stream fails (a broken pipe, a log on a full
// disk); lines go through `stderr_line!` and results through checked writes instead.
#![warn(clippy::print_stderr, clippy::print_stdout)]

pub mod bidi;
pub mod calendar;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod delivery;
pub mod error;
pub mod format;
pub mod generate;
pub mod input_file;
pub mod interrupt;
pub mod jira;
pub mod measure;
pub mod metrics;
pub mod model;
pub mod oom;
pub mod progress;
pub mod report;
#[cfg(test)]
mod scenarios;
pub mod settings;
pub mod snapshot;
pub mod timeline;
pub mod week;
