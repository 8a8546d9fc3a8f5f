//! The real binary under low limits: on open files (`ulimit -n`), where a sound snapshot
//! must not be called damaged (exit 3, "rebuild it"), whatever file the limit stops; on
//! memory (`ulimit -v`), where a refused allocation must end with exit 2 and a line
//! saying so, not SIGABRT (exit 134).
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use crate::support::{bin, fixture};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::Command;

/// `cmd` with at most `files` open files.
fn limited(cmd: Command, files: u64) -> Command {
    with_limit(cmd, libc::RLIMIT_NOFILE, files)
}

/// `cmd` with `resource` limited to `value`.
fn with_limit(mut cmd: Command, resource: libc::__rlimit_resource_t, value: u64) -> Command {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: setrlimit is a plain system call, safe between fork and exec.
    unsafe {
        cmd.pre_exec(move || {
            if libc::setrlimit(resource, &limit) == 0 {
                Ok(())
            } else {
                Err(std::io::Error::last_os_error())
            }
        });
    }
    cmd
}

/// Runs `cmd` (named `name`) with at most `files` open files: `None` when it succeeds,
/// its stderr when it ends with exit 2; any other end fails the test.
fn exit_2_or_success(name: &str, cmd: Command, files: u64) -> Option<String> {
    let out = limited(cmd, files).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    match out.status.code() {
        Some(0) => None,
        Some(2) => Some(stderr),
        code => panic!("{name} with {files} open files: exit {code:?}: {stderr}"),
    }
}

/// A folder with the scenario's snapshot in `data/`, imported without limits.
fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let import = bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .output()
        .unwrap();
    assert!(import.status.success(), "{import:?}");
    dir
}

/// A week's report and a query of the snapshot in `dir`.
fn report_and_query(dir: &Path) -> [Command; 2] {
    let mut report = bin(dir);
    report
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out"]);
    let mut query = bin(dir);
    query.args(["query", "--csv", "SELECT count(*) AS n FROM comments"]);
    [report, query]
}

#[test]
fn too_few_open_files_is_exit_2_never_a_damaged_snapshot() {
    let dir = imported();
    let mut refused = 0;
    for files in 4..=40 {
        let [report, query] = report_and_query(dir.path());
        for (name, cmd) in [("report", report), ("query", query)] {
            if let Some(stderr) = exit_2_or_success(name, cmd, files) {
                assert!(!stderr.contains("damaged"), "{name} {files}: {stderr}");
                if stderr.contains("is not at fault: raise the limit on open files") {
                    refused += 1;
                }
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

/// The same for the export files handed to `import` and `report --input`: a limit on open
/// files that stops one is exit 2 naming the file and the limit, not exit 3 telling people
/// to check that a file which is there exists.
#[test]
fn too_few_open_files_for_the_input_files_is_exit_2_naming_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    for name in ["a.json", "b.json", "c.json"] {
        std::fs::copy(fixture("scenario/two-tickets.json"), input.join(name)).unwrap();
    }
    let mut refused = 0;
    for files in 4..=40 {
        let mut import = bin(dir.path());
        import.args(["--data", "data", "import", "input"]);
        let mut report = bin(dir.path());
        report
            .arg("--config")
            .arg(fixture("scenario/supportlens.toml"))
            .args([
                "report", "--input", "input", "--week", "2026-W47", "--weeks", "1",
            ])
            .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out"]);
        for (name, cmd) in [("import", import), ("report", report)] {
            if let Some(stderr) = exit_2_or_success(name, cmd, files) {
                // Neither the input nor the data folder is blamed for the machine's limit.
                assert!(
                    !stderr.contains("check the path exists")
                        && !stderr.contains("is writable and has free space"),
                    "{name} {files}: {stderr}"
                );
                if stderr.contains("input") && stderr.contains("the input is not at fault") {
                    refused += 1;
                }
            }
        }
    }
    // Some limit stopped an input file's opening (the case this test is for).
    assert!(refused > 0);
}

/// The line a run that ran out of memory ends with.
const OUT_OF_MEMORY_LINE: &str = "supportlens: error: out of memory: an allocation was refused; \
     check `ulimit -v` and the machine's free memory, or report fewer weeks, then run again \
     (the previous report and snapshot are whole)\n";

/// Whether `stderr` shows glibc or Rust's runtime aborting for memory it maps itself.
fn c_runtime_out_of_memory(stderr: &str) -> bool {
    stderr.contains("Fatal glibc error") && stderr.contains("out of memory")
        || stderr.contains("failed to allocate an alternative stack")
}

#[test]
fn a_refused_allocation_or_thread_is_exit_2_saying_so() {
    let dir = imported();
    let (mut refused, mut no_thread) = (0, 0);
    // Below some size the binary cannot even be loaded (the loader says so, or it dies by
    // a signal before any Rust runs, saying nothing); above it, every run must end as
    // documented.
    for mib in (96..=480).step_by(8) {
        let [report, query] = report_and_query(dir.path());
        let mut import = bin(dir.path());
        import
            .args(["--data", "again", "import"])
            .arg(fixture("scenario/two-tickets.json"));
        for (name, mut cmd) in [("report", report), ("query", query), ("import", import)] {
            // As many threads as on a 2-core machine whatever this one has: how much
            // address space a run needs, and where a limit stops it, depend on them.
            cmd.env("RUST_BACKTRACE", "0")
                .env("RAYON_NUM_THREADS", "2")
                .env("POLARS_MAX_THREADS", "2")
                .env("TOKIO_WORKER_THREADS", "2");
            let out = with_limit(cmd, libc::RLIMIT_AS, mib << 20)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            let unloaded = (out.status.code().is_none() && stderr.is_empty())
                || stderr.contains("error while loading shared libraries");
            if unloaded {
                continue;
            }
            let at = format!("{name} under {mib} MiB: {stderr}");
            // Memory that glibc or Rust's runtime maps for a new thread (its TLS, its
            // signal stack) fails out of any allocator's sight, and they abort: a gap the
            // README names, counted apart.
            if out.status.signal() == Some(libc::SIGABRT) && c_runtime_out_of_memory(&stderr) {
                continue;
            }
            match out.status.code() {
                Some(0) => continue,
                Some(2) => {}
                code => panic!("exit {code:?}, {at}"),
            }
            if stderr.contains(OUT_OF_MEMORY_LINE) {
                refused += 1;
            } else if stderr.contains("a thread could not start")
                || stderr.contains("cannot start the query's memory watch")
                || stderr.contains("out of memory: the Parquet codec could not allocate")
            {
                no_thread += 1;
            } else {
                panic!("exit 2 for another reason, {at}");
            }
        }
    }
    // Some limit made an allocation fail (the case this test is for).
    assert!(refused > 0, "no limit made an allocation fail");
    eprintln!("{refused} refused allocations, {no_thread} threads that could not start");
}
