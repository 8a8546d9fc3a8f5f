//! supportlens's integration tests, one binary (as ripgrep and uv keep theirs): each module
//! runs the real executable, or the library's readers, against files and loopback servers.

mod chunks;
mod cli;
mod delivery;
mod export;
mod hostile;
mod jira_fixtures;
mod limits;
mod mail_hostile;
mod mutations;
mod prune;
mod readonly;
mod snapshots;
mod streams;
mod support;
mod tls;
