//! supportlens: weekly, per-engineer evidence from a support team's JIRA history.

pub mod calendar;
pub mod config;
pub mod error;
pub mod generate;
pub mod jira;
pub mod model;
pub mod settings;
pub mod snapshot;
