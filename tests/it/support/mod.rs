//! What the integration tests share: a JIRA-compatible server and its organisation, a real
//! SMTP server (aiosmtpd) and a webhook receiver, all on loopback.

pub mod jira_org;
pub mod jira_server;
pub mod smtp;
pub mod webhook_receiver;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A file under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The supportlens binary as a plain process run in `dir`, its standard input empty (for
/// tests that set limits or streams `assert_cmd` does not reach).
pub fn bin(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("supportlens"));
    cmd.current_dir(dir).stdin(Stdio::null());
    cmd
}
