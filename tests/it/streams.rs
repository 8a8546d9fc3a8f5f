//! The real binary with standard output or error that cannot be written: a reader that went
//! away (a broken pipe) or a log on a full disk (`/dev/full`). A run's work and its exit
//! code must not depend on them (`eprintln!` and `println!` panic, exit 101).
#![cfg(target_os = "linux")]

use crate::support::{bin, fixture};
use std::fs::{File, OpenOptions};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// `/dev/full`: every write fails with ENOSPC.
fn full() -> File {
    OpenOptions::new().write(true).open("/dev/full").unwrap()
}

/// The write end of a pipe whose reader is already gone: every write fails with EPIPE.
fn broken_pipe() -> std::io::PipeWriter {
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    writer
}

fn run(cmd: &mut Command) -> Output {
    cmd.output().unwrap()
}

/// Imports the scenario into `<dir>/data`.
fn import(dir: &Path) {
    let out = run(bin(dir)
        .arg("import")
        .arg(fixture("scenario/two-tickets.json")));
    assert!(out.status.success(), "{out:?}");
}

fn report(dir: &Path) -> Command {
    let mut cmd = bin(dir);
    cmd.arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out"])
        .env("SUPPORTLENS_PROGRESS", "1");
    cmd
}

#[test]
fn progress_lines_onto_a_full_disk_or_a_closed_pipe_leave_the_report_whole() {
    for (name, stderr) in [
        ("full", Stdio::from(full())),
        ("pipe", Stdio::from(broken_pipe())),
    ] {
        let dir = tempfile::tempdir().unwrap();
        import(dir.path());
        let out = run(report(dir.path()).stderr(stderr));
        assert_eq!(out.status.code(), Some(0), "{name}: {out:?}");
        let weekly = dir.path().join("out/2026-W47/engineer_weekly.csv");
        assert!(weekly.is_file(), "{name}");
    }
}

#[test]
fn an_error_line_onto_a_full_disk_or_a_closed_pipe_keeps_its_exit_code() {
    for (name, stderr) in [
        ("full", Stdio::from(full())),
        ("pipe", Stdio::from(broken_pipe())),
    ] {
        let dir = tempfile::tempdir().unwrap();
        // No snapshot: exit 3.
        let out = run(report(dir.path()).stderr(stderr));
        assert_eq!(out.status.code(), Some(3), "{name}: {out:?}");
    }
}

fn query(dir: &Path, csv: bool) -> Command {
    let mut cmd = bin(dir);
    cmd.arg("query");
    if csv {
        cmd.arg("--csv");
    }
    cmd.arg("SELECT key FROM tickets ORDER BY key");
    cmd
}

#[test]
fn a_query_printed_into_a_closed_pipe_ends_quietly() {
    let dir = tempfile::tempdir().unwrap();
    import(dir.path());
    for csv in [true, false] {
        let out = run(query(dir.path(), csv).stdout(broken_pipe()));
        assert_eq!(out.status.code(), Some(0), "csv {csv}: {out:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "csv {csv}");
    }
}

#[test]
fn a_query_printed_onto_a_full_disk_is_exit_2_naming_standard_output() {
    let dir = tempfile::tempdir().unwrap();
    import(dir.path());
    for csv in [true, false] {
        let out = run(query(dir.path(), csv).stdout(full()));
        assert_eq!(out.status.code(), Some(2), "csv {csv}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "supportlens: error: cannot write the query's result to standard output: No space \
             left on device (os error 28); check where it goes (a full disk?)\n",
            "csv {csv}"
        );
    }
}

/// Help and the version written onto a full disk are exit 2 saying so (clap said 0 though
/// nothing was written); into a closed pipe they end quietly, as `query` does.
#[test]
fn help_onto_a_full_disk_is_exit_2_and_into_a_closed_pipe_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    for flag in ["--help", "--version"] {
        let out = run(bin(dir.path()).arg(flag).stdout(full()));
        assert_eq!(out.status.code(), Some(2), "{flag}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "supportlens: error: cannot write to standard output: No space left on device (os \
             error 28); check where it goes (a full disk?)\n",
            "{flag}"
        );
    }
    let out = run(bin(dir.path()).arg("--help"));
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run(bin(dir.path()).arg("--no-such-flag").stderr(full()));
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
