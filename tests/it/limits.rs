//! The real binary under a low limit on open files (`ulimit -n`): a sound snapshot must
//! not be called damaged (exit 3, "rebuild it"), whatever file the limit stops.
#![cfg(target_os = "linux")]

use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn fixture(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

fn bin(dir: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("supportlens"));
    cmd.current_dir(dir).stdin(Stdio::null());
    cmd
}

/// `cmd` with at most `files` open files.
fn limited(mut cmd: Command, files: u64) -> Command {
    let limit = libc::rlimit {
        rlim_cur: files,
        rlim_max: files,
    };
    // SAFETY: setrlimit is a plain system call, safe between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    cmd
}

#[test]
fn too_few_open_files_is_exit_2_never_a_damaged_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let import = bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    let mut refused = 0;
    for files in 4..=40 {
        let mut report = bin(dir.path());
        report
            .arg("--config")
            .arg(fixture("scenario/supportlens.toml"))
            .args(["report", "--week", "2026-W47", "--weeks", "1"])
            .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out"]);
        let mut query = bin(dir.path());
        query.args(["query", "--csv", "SELECT count(*) AS n FROM comments"]);
        for (name, cmd) in [("report", report), ("query", query)] {
            let out = limited(cmd, files).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            match out.status.code() {
                Some(0) => {}
                Some(2) => {
                    assert!(!stderr.contains("damaged"), "{name} {files}: {stderr}");
                    if stderr.contains("is not at fault: raise the limit on open files") {
                        refused += 1;
                    }
                }
                code => panic!("{name} with {files} open files: exit {code:?}: {stderr}"),
            }
        }
    }
    // Some limit stopped a table's read (the case this test is for).
    assert!(refused > 0);
    // And the snapshot was never touched: it still reads in full.
    let out = bin(dir.path())
        .args(["query", "--csv", "SELECT count(*) AS n FROM tickets"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "n\n2\n");
}
