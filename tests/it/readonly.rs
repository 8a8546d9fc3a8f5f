//! A snapshot on a read-only file system (a backup mounted to audit, a read-only bind
//! mount): `report` and `query` only read it, and a shared lock needs no write access, so
//! they read it; `import` is refused (exit 2). The mount is made in a mount namespace of
//! the command's own (`unshare`), so nothing is left mounted whatever happens; that needs
//! root, which CI has.
#![cfg(target_os = "linux")]

use crate::support::fixture;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn binary() -> PathBuf {
    assert_cmd::cargo::cargo_bin("supportlens")
}

/// supportlens with `args`, run in `dir` with `dir/data` mounted read-only.
fn on_read_only_data(dir: &Path, args: &[&str]) -> Output {
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(
            "mount --bind data data && mount -o remount,bind,ro data || exit 99; \
             touch data/probe 2>/dev/null && exit 98; exec \"$0\" \"$@\"",
        )
        .arg(binary())
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Whether a read-only bind mount can be made in a mount namespace of its own in `dir`:
/// root without CAP_SYS_ADMIN (a default container) or a machine without `unshare` cannot.
fn can_mount_read_only(dir: &Path) -> bool {
    Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(
            "mkdir -p probe && mount --bind probe probe && mount -o remount,bind,ro probe \
             && ! touch probe/file 2>/dev/null",
        )
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn a_read_only_snapshot_is_reported_and_queried_not_written() {
    let dir = tempfile::tempdir().unwrap();
    if !can_mount_read_only(dir.path()) {
        eprintln!(
            "skipped: this machine lets no read-only bind mount be made here (needs root with CAP_SYS_ADMIN and `unshare`)"
        );
        return;
    }
    let import = Command::new(binary())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    let config = fixture("scenario/supportlens.toml");
    let config = config.to_str().unwrap();
    let report = on_read_only_data(
        dir.path(),
        &[
            "--config",
            config,
            "report",
            "--week",
            "2026-W47",
            "--weeks",
            "1",
            "--as-of",
            "2026-11-23T00:00:00Z",
            "--out",
            "out",
        ],
    );
    assert_eq!(report.status.code(), Some(0), "{report:?}");
    assert!(dir.path().join("out/2026-W47/clocks.csv").is_file());
    let query = on_read_only_data(
        dir.path(),
        &["query", "--csv", "SELECT count(*) AS n FROM tickets"],
    );
    assert_eq!(query.status.code(), Some(0), "{query:?}");
    assert_eq!(String::from_utf8_lossy(&query.stdout), "n\n2\n");
    let fixture = fixture("scenario/two-tickets.json");
    let import = on_read_only_data(dir.path(), &["import", fixture.to_str().unwrap()]);
    assert_eq!(import.status.code(), Some(2), "{import:?}");
    assert_eq!(
        String::from_utf8_lossy(&import.stderr),
        "supportlens: error: cannot open the lock file data/.lock: Read-only file system (os \
         error 30); check that --data data is a folder you can write\n"
    );
}
