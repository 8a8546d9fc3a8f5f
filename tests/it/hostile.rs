//! Hostile and malformed input through the real binary: broken data, configurations,
//! flags and file-system oddities (symbolic-link loops, FIFOs, unreadable and vanishing
//! files, a full disk).
//!
//! Every case runs in a copy of one working folder that already holds a snapshot
//! (`data/`) and a report (`reports/2026-W47/`). Each asserts the exit code, that the error
//! names the file, key or flag, that no panic and no overlong line reaches the user, that
//! no staging folder is left behind, that the snapshot and the report are byte-identical
//! afterwards, and, where a secret is involved, that it appears nowhere.
//!
//! Stand-ins: the tests run as root, where `chmod 000` does not stop a read, so an
//! unreadable file is a link to `/proc/self/mem` (every read of it fails with EIO); a file
//! that vanished between listing and opening is a dangling link; a full disk is a 64 KiB
//! tmpfs (skipped, saying so, where it cannot be mounted) or `/dev/full`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

use assert_cmd::Command;

/// The report flags every case that writes a report uses: the baseline's week.
const REPORT: &[&str] = &[
    "report",
    "--week",
    "2026-W47",
    "--weeks",
    "1",
    "--as-of",
    "2026-11-23T00:00:00Z",
    "--out",
    "reports",
];

/// A password that must never be printed or written.
const SECRET: &str = "hunter2-Sekr1t";

/// One hostile input.
struct Case {
    name: &'static str,
    /// Makes the case's files inside the working folder.
    setup: fn(&Path),
    args: Vec<String>,
    env: Vec<(&'static str, String)>,
    code: i32,
    /// Text the error must hold (the file, key or flag it names, and what is wrong).
    says: Vec<&'static str>,
    /// Text that must appear in no output and no file of the snapshot or the reports.
    secret: Option<&'static str>,
    /// Paths (in the working folder) that must not exist afterwards.
    absent: Vec<&'static str>,
}

/// `c`, also asserting that `paths` do not exist afterwards.
fn absent(mut c: Case, paths: &[&'static str]) -> Case {
    c.absent = paths.to_vec();
    c
}

fn case(
    name: &'static str,
    setup: fn(&Path),
    args: &[&str],
    code: i32,
    says: &[&'static str],
) -> Case {
    Case {
        name,
        setup,
        args: args.iter().map(|a| a.to_string()).collect(),
        env: Vec::new(),
        code,
        says: says.to_vec(),
        secret: None,
        absent: Vec::new(),
    }
}

/// `report` of the baseline week with extra arguments.
fn report(extra: &[&str]) -> Vec<&'static str> {
    let mut args: Vec<&'static str> = REPORT.to_vec();
    for a in extra {
        args.push(Box::leak(a.to_string().into_boxed_str()));
    }
    args
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("supportlens").expect("binary built");
    cmd.current_dir(dir);
    for (key, _) in std::env::vars() {
        if key.starts_with("SUPPORTLENS_") {
            cmd.env_remove(key);
        }
    }
    // A hang is a failure, not a stuck test run. HOSTILE_TIMEOUT_SECS shortens the wait,
    // e.g. to run the corpus against an older binary that hangs on FIFOs.
    let secs = std::env::var("HOSTILE_TIMEOUT_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(120);
    cmd.timeout(Duration::from_secs(secs));
    cmd
}

/// The working folder every case starts from: the scenario's config as
/// `./supportlens.toml`, its tickets imported into `data/`, and the report of 2026-W47.
fn baseline() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("tests/fixtures/scenario/supportlens.toml"),
        dir.path().join("supportlens.toml"),
    )
    .unwrap();
    std::fs::copy(
        root().join("tests/fixtures/scenario/two-tickets.json"),
        dir.path().join("good.json"),
    )
    .unwrap();
    bin(dir.path())
        .args(["import", "good.json"])
        .assert()
        .success();
    bin(dir.path()).args(REPORT).assert().success();
    dir
}

/// Copies regular files and folders (the baseline holds nothing else).
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let target = to.join(entry.file_name());
        if kind.is_dir() {
            copy_tree(&entry.path(), &target);
        } else if kind.is_file() {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every regular file under `dir` with its bytes, links not followed; the lock file's
/// content (the last holder's pid) is left out.
fn tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            out.extend(tree(&path));
        } else if kind.is_file() && entry.file_name() != ".lock" {
            out.insert(path.clone(), std::fs::read(&path).unwrap());
        }
    }
    out
}

/// Names under `dir` (links not followed) that a staging step leaves behind.
fn leftovers(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(".supportlens-") {
            out.push(entry.path());
        }
        if entry.file_type().unwrap().is_dir() {
            out.extend(leftovers(&entry.path()));
        }
    }
    out
}

/// Runs every case in its own copy of the baseline; every failing case is reported (each
/// with its own message above), not only the first.
fn run_all(cases: Vec<Case>) {
    let base = baseline();
    let mut names = std::collections::BTreeSet::new();
    let mut failed = Vec::new();
    for case in &cases {
        assert!(names.insert(case.name), "two cases named {}", case.name);
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_one(base.path(), case);
        }));
        if outcome.is_err() {
            failed.push(case.name);
        }
    }
    assert!(
        failed.is_empty(),
        "{} of {} cases failed: {failed:?}",
        failed.len(),
        cases.len()
    );
}

/// One case in a fresh copy of the baseline folder.
fn run_one(base: &Path, case: &Case) {
    let work = tempfile::tempdir().unwrap();
    copy_tree(base, work.path());
    (case.setup)(work.path());
    let watched = |w: &Path| {
        let mut all = tree(&w.join("data"));
        all.extend(tree(&w.join("reports")));
        all
    };
    let before = watched(work.path());
    let out = bin(work.path())
        .args(&case.args)
        .envs(case.env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", case.name));
    check(case, &out);
    let after = watched(work.path());
    let changed: Vec<_> = before
        .keys()
        .chain(after.keys())
        .filter(|k| before.get(*k) != after.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "{}: the snapshot or the report changed: {changed:?}",
        case.name
    );
    for path in &case.absent {
        assert!(
            std::fs::symlink_metadata(work.path().join(path)).is_err(),
            "{}: {path} exists",
            case.name
        );
    }
    let left = leftovers(work.path());
    assert!(left.is_empty(), "{}: left behind {left:?}", case.name);
    if let Some(secret) = case.secret {
        for (path, bytes) in &after {
            assert!(
                !String::from_utf8_lossy(bytes).contains(secret),
                "{}: the secret is in {}",
                case.name,
                path.display()
            );
        }
    }
}

fn check(case: &Case, out: &Output) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let name = case.name;
    assert_eq!(
        out.status.code(),
        Some(case.code),
        "{name}: exit code; stderr: {stderr}"
    );
    for needle in &case.says {
        assert!(
            stderr.contains(needle),
            "{name}: wanted {needle:?} in: {stderr}"
        );
    }
    assert!(
        !stderr.contains('\u{1b}'),
        "{name}: a raw escape reached the terminal"
    );
    for bad in ["panicked", "RUST_BACKTRACE", "stack overflow"] {
        assert!(!stderr.contains(bad), "{name}: {stderr}");
    }
    // One short line per message: no value is echoed whole.
    for line in stderr.lines() {
        assert!(line.len() < 1500, "{name}: a {} byte line", line.len());
    }
    if case.code != 0 && !stderr.starts_with("error:") {
        // clap's own usage errors start with "error:"; supportlens's with its name.
        assert!(
            stderr
                .lines()
                .last()
                .is_some_and(|l| l.starts_with("supportlens: error: ")),
            "{name}: {stderr}"
        );
    }
    if let Some(secret) = case.secret {
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{name}: {stderr}{stdout}"
        );
    }
}

fn write(dir: &Path, name: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// One issue with the given `fields.created` and worklog seconds (JSON text).
fn issue(created: &str, seconds: &str) -> String {
    format!(
        r#"{{"id": "7", "key": "SUP-7", "fields": {{"created": {created}, "updated": "2026-11-17T10:00:00.000+0000", "issuetype": {{"name": "Query"}}, "status": {{"name": "Open"}}, "worklog": {{"worklogs": [{{"id": "70", "started": "2026-11-16T10:00:00.000+0000", "created": "2026-11-16T10:00:00.000+0000", "timeSpentSeconds": {seconds}}}]}}}}}}"#
    )
}

#[cfg(unix)]
fn fifo(path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
fn link(target: &str, path: &Path) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, path).unwrap();
}

#[test]
fn malformed_data() {
    run_all(vec![
        case(
            "not json",
            |d| write(d, "bad.json", "{oops"),
            &["import", "bad.json"],
            3,
            &["bad.json is not valid JSON"],
        ),
        case(
            "empty file",
            |d| write(d, "empty.json", ""),
            &["import", "empty.json"],
            3,
            &["empty.json is not valid JSON"],
        ),
        case(
            "cut short",
            |d| {
                let text = std::fs::read_to_string(d.join("good.json")).unwrap();
                write(d, "cut.json", &text[..text.len() / 2]);
            },
            &["import", "cut.json"],
            3,
            &["cut.json is not valid JSON"],
        ),
        case(
            "a bare number",
            |d| write(d, "n.json", "42"),
            &["import", "n.json"],
            3,
            &["n.json holds no JIRA issues (found a number)"],
        ),
        case(
            "issues not a list",
            |d| write(d, "i.json", r#"{"issues": 5}"#),
            &["import", "i.json"],
            3,
            &["i.json: \"issues\" is not a list"],
        ),
        case(
            "issue without key",
            |d| write(d, "k.json", r#"[{"id": "1", "fields": {}}]"#),
            &["import", "k.json"],
            3,
            &["k.json, issue 1 of 1: ticket id 1: missing key"],
        ),
        case(
            "5 MB created",
            |d| {
                write(
                    d,
                    "big.json",
                    issue(&format!("\"{}\"", "9".repeat(5_000_000)), "60"),
                )
            },
            &["import", "big.json"],
            3,
            &[
                "big.json, issue 1 of 1: ticket SUP-7: fields.created \"9999999999",
                "\"… is not a timestamp",
            ],
        ),
        case(
            "created far beyond year 9999",
            |d| write(d, "y.json", issue("\"+200000-01-01T00:00:00+0000\"", "60")),
            &["import", "y.json"],
            3,
            &[
                "y.json, issue 1 of 1: ticket SUP-7: fields.created",
                "outside the years 1900 to 9999",
            ],
        ),
        case(
            "created before 1900",
            |d| {
                write(
                    d,
                    "old.json",
                    issue("\"1899-12-31T23:00:00.000+0000\"", "60"),
                )
            },
            &["import", "old.json"],
            3,
            &[
                "old.json",
                "fields.created",
                "outside the years 1900 to 9999",
            ],
        ),
        case(
            "created is an object",
            |d| {
                write(
                    d,
                    "o.json",
                    issue(&format!("{{\"x\": \"{}\"}}", "y".repeat(100_000)), "60"),
                )
            },
            &["import", "o.json"],
            3,
            &[
                "o.json",
                "fields.created {\"x\":\"yyy",
                "… is not a timestamp",
            ],
        ),
        case(
            "worklog of i64::MAX seconds",
            |d| {
                write(
                    d,
                    "w.json",
                    issue("\"2026-11-16T09:00:00.000+0000\"", "9223372036854775807"),
                )
            },
            &["import", "w.json"],
            3,
            &[
                "w.json, issue 1 of 1: ticket SUP-7: worklog 70: timeSpentSeconds 9223372036854775807 is longer than ten years",
            ],
        ),
        case(
            "worklog of i64::MIN seconds",
            |d| {
                write(
                    d,
                    "w.json",
                    issue("\"2026-11-16T09:00:00.000+0000\"", "-9223372036854775808"),
                )
            },
            &["import", "w.json"],
            3,
            &["worklog 70: timeSpentSeconds -9223372036854775808 is longer than ten years"],
        ),
        case(
            "worklog seconds not a number",
            |d| {
                write(
                    d,
                    "w.json",
                    issue("\"2026-11-16T09:00:00.000+0000\"", "\"soon\""),
                )
            },
            &["import", "w.json"],
            3,
            &[
                "w.json",
                "worklog 70: timeSpentSeconds is not a whole number",
            ],
        ),
        case(
            "bad second jsonl line",
            |d| {
                write(
                    d,
                    "l.jsonl",
                    format!(
                        "{}\n{{\"key\": 1\n",
                        issue("\"2026-11-16T09:00:00.000+0000\"", "60")
                    ),
                )
            },
            &["import", "l.jsonl"],
            3,
            &["l.jsonl line 2 is not valid JSON"],
        ),
        case(
            "UTF-16 file",
            |d| {
                let mut bytes = vec![0xFF, 0xFE];
                for unit in "[]".encode_utf16() {
                    bytes.extend(unit.to_le_bytes());
                }
                write(d, "u16.json", bytes);
            },
            &["import", "u16.json"],
            3,
            &["u16.json is UTF-16 text", "save the file again as UTF-8"],
        ),
        case(
            "nested 100000 deep",
            |d| write(d, "deep.json", "[".repeat(100_000)),
            &["import", "deep.json"],
            3,
            &["deep.json is not valid JSON", "recursion limit"],
        ),
        case(
            "invalid UTF-8",
            |d| write(d, "bin.json", b"[{\"key\": \"\xff\xfe\"}]"),
            &["import", "bin.json"],
            3,
            &["bin.json is not valid JSON"],
        ),
        case(
            "comments not a list",
            |d| {
                write(
                    d,
                    "c.json",
                    r#"[{"id": "1", "key": "SUP-1", "fields": {"comment": {"comments": "none"}}}]"#,
                )
            },
            &["import", "c.json"],
            3,
            &["c.json, issue 1 of 1: ticket SUP-1: comments is not a list"],
        ),
        case(
            "changelog item without field",
            |d| {
                write(
                    d,
                    "h.json",
                    r#"[{"id": "1", "key": "SUP-1", "fields": {}, "changelog": {"histories": [{"id": "5", "created": "2026-11-16T09:00:00.000+0000", "items": [{"toString": "x"}]}]}}]"#,
                )
            },
            &["import", "h.json"],
            3,
            &["h.json", "changelog history 5: item 1 has no field"],
        ),
        case(
            "5 MB key without fields",
            |d| {
                write(
                    d,
                    "key.json",
                    format!(
                        r#"[{{"id": "1", "key": "{}", "fields": 3}}]"#,
                        "K".repeat(5_000_000)
                    ),
                )
            },
            &["import", "key.json"],
            3,
            &["key.json, issue 1 of 1: ticket KKKK", "…: missing fields"],
        ),
        case(
            "a status name of 100,000 characters and escapes",
            |d| {
                let status = format!("\u{1b}[2J{}", "S".repeat(100_000));
                let text = std::fs::read_to_string(d.join("good.json"))
                    .unwrap()
                    .replace("Waiting On Client", &status.replace('\u{1b}', "\\u001b"));
                write(d, "odd.json", text);
            },
            &[
                "report",
                "--week",
                "2026-W47",
                "--weeks",
                "1",
                "--out",
                "elsewhere",
                "--input",
                "odd.json",
            ],
            0,
            &["supportlens: warning: ", "\\u{1b}[2JSSS", "S…"],
        ),
        case(
            "bad data read by report --input",
            |d| write(d, "bad.json", "[1, 2"),
            &report(&["--input", "bad.json"]),
            3,
            &["bad.json is not valid JSON"],
        ),
    ]);
}

#[cfg(unix)]
#[test]
fn file_system_oddities() {
    run_all(vec![
        case(
            "FIFO named json in a folder",
            |d| {
                write(d, "in/a.json", std::fs::read(d.join("good.json")).unwrap());
                fifo(&d.join("in/b.json"));
            },
            &report(&["--input", "in"]),
            3,
            &["in/b.json", "FIFO", "not a regular file"],
        ),
        case(
            "FIFO given by name",
            |d| fifo(&d.join("p.json")),
            &["import", "p.json"],
            3,
            &["cannot read p.json: it is a FIFO (named pipe), not a regular file"],
        ),
        case(
            "a device",
            |d| link("/dev/zero", &d.join("z.json")),
            &["import", "z.json"],
            3,
            &["cannot read z.json: it is a device, not a regular file"],
        ),
        case(
            "unreadable file",
            |d| link("/proc/self/mem", &d.join("in/mem.json")),
            &report(&["--input", "in"]),
            3,
            &["in/mem.json"],
        ),
        case(
            "vanished file",
            |d| link("missing.json", &d.join("in/gone.json")),
            &report(&["--input", "in"]),
            3,
            &["cannot open in/gone.json"],
        ),
        case(
            "a file name with an escape sequence",
            |d| write(d, "in/\u{1b}[2J.json", "{"),
            &report(&["--input", "in"]),
            3,
            &["in/\\u{1b}[2J.json is not valid JSON"],
        ),
        case(
            "missing input",
            |_| {},
            &["import", "nowhere/x.json"],
            3,
            &["cannot read nowhere/x.json", "check the path exists"],
        ),
        absent(
            case(
                "lock file is a dangling symlink",
                |d| {
                    std::fs::remove_file(d.join("data/.lock")).ok();
                    link("../made-through-link", &d.join("data/.lock"));
                },
                REPORT,
                2,
                &["data/.lock is a symbolic link"],
            ),
            &["made-through-link"],
        ),
        case(
            "lock file is a symlink",
            |d| {
                write(d, "victim.txt", "keep me\n");
                std::fs::remove_file(d.join("data/.lock")).ok();
                link("../victim.txt", &d.join("data/.lock"));
            },
            &["import", "good.json"],
            2,
            &["data/.lock is a symbolic link", "remove it"],
        ),
        case(
            "lock file is a FIFO",
            |d| {
                std::fs::remove_file(d.join("data/.lock")).ok();
                fifo(&d.join("data/.lock"));
            },
            REPORT,
            2,
            &["data/.lock is a FIFO (named pipe)"],
        ),
        absent(
            case(
                "report of a folder without a snapshot",
                |_| {},
                &["--data", "typo", "report", "--out", "reports"],
                3,
                &["no snapshot in typo; run `supportlens import"],
            ),
            &["typo"],
        ),
        absent(
            case(
                "report of an empty folder",
                |d| std::fs::create_dir(d.join("empty")).unwrap(),
                &["--data", "empty", "report", "--out", "reports"],
                3,
                &["no snapshot in empty"],
            ),
            &["empty/.lock"],
        ),
        absent(
            case(
                "query of a folder without a snapshot",
                |_| {},
                &["--data", "typo", "query", "SELECT 1"],
                3,
                &["no snapshot in typo"],
            ),
            &["typo"],
        ),
        case(
            "damaged table",
            |d| write(d, "data/tickets.parquet", "not parquet"),
            REPORT,
            3,
            &["the snapshot in data is incomplete or damaged"],
        ),
        case(
            "a table that is a FIFO",
            |d| {
                std::fs::remove_file(d.join("data/comments.parquet")).unwrap();
                fifo(&d.join("data/comments.parquet"));
            },
            REPORT,
            3,
            &[
                "data/comments.parquet: it is a FIFO",
                "incomplete or damaged",
            ],
        ),
        case(
            "a manifest that is a FIFO",
            |d| {
                std::fs::remove_file(d.join("data/snapshot.json")).unwrap();
                fifo(&d.join("data/snapshot.json"));
            },
            &["query", "SELECT 1"],
            3,
            &["cannot read data/snapshot.json: it is a FIFO"],
        ),
        case(
            "damaged manifest",
            |d| write(d, "data/snapshot.json", "{"),
            REPORT,
            3,
            &["the snapshot in data is incomplete or damaged"],
        ),
        case(
            "out is a file",
            |d| write(d, "outfile", "x"),
            &[
                "report", "--week", "2026-W47", "--weeks", "1", "--out", "outfile",
            ],
            2,
            &["outfile"],
        ),
        case(
            "JQL file is a FIFO",
            |d| fifo(&d.join("q.jql")),
            &[
                "export",
                "--jql",
                "q.jql",
                "--jira-url",
                "https://jira.example.com",
            ],
            2,
            &["cannot read the JQL file q.jql: it is a FIFO"],
        ),
        case(
            "config file is a FIFO",
            |d| fifo(&d.join("c.toml")),
            &["--config", "c.toml", "report"],
            2,
            &["cannot read the config file c.toml: it is a FIFO"],
        ),
        case(
            "holidays file is a FIFO",
            |d| {
                fifo(&d.join("h.ics"));
                write(d, "c.toml", "[calendar]\nholidays_ics = \"h.ics\"\n");
            },
            &["--config", "c.toml", "report"],
            2,
            &[
                "c.toml: line 2, column 16, key `calendar.holidays_ics`",
                "FIFO",
            ],
        ),
        case(
            "query reads a file",
            |_| {},
            &[
                "query",
                "--week",
                "2026-W47",
                "--weeks",
                "1",
                "SELECT * FROM read_csv('/etc/passwd')",
            ],
            2,
            &["the SQL calls the table function \"read_csv\""],
        ),
        case(
            "query reads the snapshot's file directly",
            |_| {},
            &[
                "query",
                "SELECT * FROM read_parquet('data/tickets.parquet')",
            ],
            2,
            &["table function \"read_parquet\""],
        ),
        absent(
            case(
                "config init into a missing folder",
                |_| {},
                &["config", "init", "no/such/dir/s.toml"],
                2,
                &["cannot write no/such/dir/s.toml: the folder no/such/dir does not exist"],
            ),
            &["no"],
        ),
        case(
            "config init onto a device",
            |_| {},
            &["config", "init", "--force", "/dev/full"],
            2,
            &["/dev/full is a device, not a file"],
        ),
        case(
            "config init over a file",
            |_| {},
            &["config", "init", "supportlens.toml"],
            2,
            &["supportlens.toml already exists"],
        ),
        case(
            "generate into a file",
            |d| write(d, "gen", "x"),
            &["generate", "--out", "gen/sub"],
            2,
            &["gen/sub", "--out gen/sub is a folder you can write"],
        ),
    ]);
}

#[test]
fn broken_configurations() {
    let secret_env = |mut c: Case, key: &'static str, value: String| {
        c.env.push((key, value));
        c.secret = Some(SECRET);
        c
    };
    let with_secret = |mut c: Case| {
        c.secret = Some(SECRET);
        c
    };
    run_all(vec![
        case(
            "huge SLA target",
            |d| write(d, "c.toml", "[sla.ack.incident]\nhigh = \"100000000d\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &[
                "c.toml: line 2, column 8, key `sla.ack.incident.high`",
                "too large: the longest accepted is 365d",
            ],
        ),
        case(
            "huge prebook window",
            |d| write(d, "c.toml", "[hygiene]\nprebook_after = \"100000000d\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &[
                "key `hygiene.prebook_after`",
                "the longest accepted is 365d",
            ],
        ),
        case(
            "huge overlap",
            |d| write(d, "c.toml", "[jira]\noverlap = \"9999999999999999999d\"\n"),
            &["--config", "c.toml", "export"],
            2,
            &["key `jira.overlap`", "too large"],
        ),
        case(
            "a year and a second",
            |d| write(d, "c.toml", "[sla.update.query]\ndefault = \"365d1s\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &["key `sla.update.query.default`", "365d"],
        ),
        with_secret(case(
            "password in the url",
            |d| {
                write(
                    d,
                    "c.toml",
                    format!("[jira]\nurl = \"https://lead:{SECRET}@jira.example.com\"\n"),
                )
            },
            &[
                "--config", "c.toml", "report", "--out", "reports", "--week", "2026-W47",
            ],
            2,
            &[
                "c.toml: line 2, column 7, key `jira.url`",
                "user name or password",
                "SUPPORTLENS_JIRA_TOKEN",
            ],
        )),
        with_secret(case(
            "password in a malformed url",
            |d| {
                write(
                    d,
                    "c.toml",
                    format!("[jira]\nurl = \"https://lead:{SECRET}@ji ra\"\n"),
                )
            },
            &["--config", "c.toml", "report"],
            2,
            &["key `jira.url`", "user name or password"],
        )),
        with_secret(case(
            "password in --jira-url",
            |_| {},
            &[
                "export",
                "--jira-url",
                format!("https://x:{SECRET}@jira.example.com").as_str(),
            ],
            2,
            &["--jira-url / SUPPORTLENS_JIRA_URL: the JIRA URL holds a user name or password"],
        )),
        secret_env(
            case(
                "password in SUPPORTLENS_JIRA_URL",
                |_| {},
                &["export"],
                2,
                &["SUPPORTLENS_JIRA_URL: the JIRA URL holds a user name or password"],
            ),
            "SUPPORTLENS_JIRA_URL",
            format!("https://x:{SECRET}@jira.example.com/"),
        ),
        with_secret(case(
            "a token in the file",
            |d| write(d, "c.toml", format!("[jira]\ntoken = \"{SECRET}\"\n")),
            &["--config", "c.toml", "report"],
            2,
            &[
                "key `jira.token`",
                "secrets are never read from the config file",
            ],
        )),
        with_secret(case(
            "a token in the wrong key",
            |d| write(d, "c.toml", format!("[team]\nengineers = \"{SECRET}\"\n")),
            &["--config", "c.toml", "report"],
            2,
            &["key `team.engineers`", "invalid type: a string, expected"],
        )),
        case(
            "5 MB time zone",
            |d| {
                write(
                    d,
                    "c.toml",
                    format!("[team]\ntimezone = \"{}\"\n", "Z".repeat(5_000_000)),
                )
            },
            &["--config", "c.toml", "report"],
            2,
            &[
                "key `team.timezone`",
                "unknown time zone \"ZZZ",
                "\"…; use an IANA name",
            ],
        ),
        case(
            "5 MB key",
            |d| {
                write(
                    d,
                    "c.toml",
                    format!("[team]\n{} = 1\n", "k".repeat(5_000_000)),
                )
            },
            &["--config", "c.toml", "report"],
            2,
            &["c.toml: line 2, column 1", "unknown field"],
        ),
        case(
            "not UTF-8",
            |d| write(d, "c.toml", b"[team]\ntimezone = \"\xff\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &["cannot read the config file c.toml"],
        ),
        case(
            "huge score weights",
            |d| write(d, "c.toml", "[score]\nack = 1e308\nupdate = 1e308\n"),
            &["--config", "c.toml", "report"],
            2,
            &["key `score.ack`", "must be a number from 0 to 1000000"],
        ),
        case(
            "a regular expression too big to build",
            |d| {
                write(
                    d,
                    "c.toml",
                    "[calls]\nworklog_pattern = 'a{1000}{1000}{1000}'\n",
                )
            },
            &["--config", "c.toml", "report"],
            2,
            &[
                "key `calls.worklog_pattern`",
                "not a valid regular expression",
            ],
        ),
        case(
            "missing config",
            |_| {},
            &["--config", "none.toml", "report"],
            2,
            &["cannot read the config file none.toml"],
        ),
        case(
            "unknown key",
            |d| write(d, "c.toml", "[hygiene]\nprebook = \"4h\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &["key `hygiene.prebook`", "unknown field"],
        ),
        case(
            "bad open hours",
            |d| write(d, "c.toml", "[calendar]\nmon = \"18:00-09:00\"\n"),
            &["--config", "c.toml", "report"],
            2,
            &["key `calendar.mon`", "empty or backwards"],
        ),
    ]);
}

#[test]
fn odd_flags() {
    run_all(vec![
        case(
            "--weeks 20000000",
            |_| {},
            &["report", "--weeks", "20000000"],
            2,
            &["--weeks <N>", "20000000 is not in 1..=520"],
        ),
        case(
            "--weeks 4294967295",
            |_| {},
            &["report", "--weeks", "4294967295"],
            2,
            &["--weeks <N>", "4294967295"],
        ),
        case(
            "--weeks 100000",
            |_| {},
            &["report", "--weeks", "100000"],
            2,
            &["not in 1..=520"],
        ),
        case(
            "--weeks 0",
            |_| {},
            &["report", "--weeks", "0"],
            2,
            &["0 is not in 1..=520"],
        ),
        case(
            "run --weeks 521",
            |_| {},
            &["run", "--weeks", "521"],
            2,
            &["not in 1..=520"],
        ),
        case(
            "--week=262143-W01",
            |_| {},
            &["report", "--week=262143-W01"],
            2,
            &["--week: \"262143-W01\" is not an ISO week"],
        ),
        case(
            "--week=-262143-W02",
            |_| {},
            &["report", "--week=-262143-W02"],
            2,
            &["--week: \"-262143-W02\" is not an ISO week"],
        ),
        case(
            "--week 1899-W52",
            |_| {},
            &["report", "--week", "1899-W52"],
            2,
            &["--week: \"1899-W52\" is outside the years 1900 to 9999"],
        ),
        case(
            "--as-of far in the future",
            |_| {},
            &["report", "--as-of", "+200000-01-01T00:00:00+0000"],
            2,
            &[
                "--as-of \"+200000-01-01T00:00:00+0000\"",
                "outside the years 1900 to 9999",
            ],
        ),
        case(
            "--as-of a long string",
            |_| {},
            &["report", "--as-of", "x".repeat(100_000).as_str()],
            2,
            &["--as-of \"xxxx", "\"… is neither a timestamp"],
        ),
        case(
            "--engineer with a long id",
            |_| {},
            &REPORT
                .iter()
                .copied()
                .chain(["--engineer", "y".repeat(100_000).as_str()])
                .collect::<Vec<_>>(),
            2,
            &["--engineer yyyy", "y…: nobody with that id"],
        ),
        case(
            "--engineer nobody",
            |_| {},
            &REPORT
                .iter()
                .copied()
                .chain(["--engineer", "nobody"])
                .collect::<Vec<_>>(),
            2,
            &["--engineer nobody: nobody with that id"],
        ),
        case(
            "--flavor odd",
            |_| {},
            &["export", "--flavor", "onprem"],
            2,
            &["--flavor: flavor \"onprem\" is not known"],
        ),
        absent(
            case(
                "generate --engineers 2^64-1",
                |_| {},
                &[
                    "generate",
                    "--engineers",
                    "18446744073709551615",
                    "--out",
                    "g",
                ],
                2,
                &["--engineers <ENGINEERS>", "not in 0..=100000"],
            ),
            &["g"],
        ),
        absent(
            case(
                "generate --end far away",
                |_| {},
                &["generate", "--end", "262143-12-29", "--out", "g"],
                2,
                &["--end \"262143-12-29\" is not a date like 2026-11-23 in the years 1900 to 9999"],
            ),
            &["g"],
        ),
        absent(
            case(
                "generate --weeks 100000",
                |_| {},
                &["generate", "--weeks", "100000", "--out", "g"],
                2,
                &["--weeks must be between 1 and 520"],
            ),
            &["g"],
        ),
    ]);
}

/// The same tickets read through a folder holding symbolic-link loops (two links to `.`,
/// one back to the parent) and a link to `/` give the same report as the file alone: links
/// to folders are not followed, each is named in a warning, and the walk ends at once.
#[cfg(unix)]
#[test]
fn symlink_loops_end_and_change_nothing() {
    let base = baseline();
    let dir = base.path();
    write(
        dir,
        "in/sub/a.json",
        std::fs::read(dir.join("good.json")).unwrap(),
    );
    link(".", &dir.join("in/loop1"));
    link(".", &dir.join("in/loop2"));
    link("..", &dir.join("in/sub/up"));
    link("/", &dir.join("in/root"));
    let mut args: Vec<&str> = REPORT.to_vec();
    args.pop();
    args.extend(["other-reports", "--input", "in"]);
    let out = bin(dir).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    for name in ["in/loop1", "in/loop2", "in/root", "in/sub/up"] {
        assert!(
            stderr.contains(&format!(
                "supportlens: warning: {name} is a link to a folder, which is not followed"
            )),
            "{stderr}"
        );
    }
    assert_eq!(
        tree(&dir.join("reports/2026-W47"))
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "csv"))
            .map(|(p, b)| (p.file_name().unwrap().to_owned(), b))
            .collect::<Vec<_>>(),
        tree(&dir.join("other-reports/2026-W47"))
            .into_iter()
            .filter(|(p, _)| p.extension().is_some_and(|e| e == "csv"))
            .map(|(p, b)| (p.file_name().unwrap().to_owned(), b))
            .collect::<Vec<_>>()
    );
}

/// A byte-order mark before the JSON is skipped: the file reads as without it.
#[test]
fn a_utf8_byte_order_mark_is_skipped() {
    let base = baseline();
    let dir = base.path();
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(std::fs::read(dir.join("good.json")).unwrap());
    write(dir, "bom.json", bytes);
    let mut args: Vec<&str> = REPORT.to_vec();
    args.pop();
    args.extend(["bom-reports", "--input", "bom.json"]);
    bin(dir).args(&args).assert().success();
    for name in ["clocks.csv", "engineer_weekly.csv"] {
        assert_eq!(
            std::fs::read(dir.join("reports/2026-W47").join(name)).unwrap(),
            std::fs::read(dir.join("bom-reports/2026-W47").join(name)).unwrap(),
            "{name}"
        );
    }
}

/// A full disk: a 64 KiB tmpfs (mounting needs root; without it the case is skipped
/// with a message). The report, `config init` and `generate` fail with exit 2, name the
/// folder, and leave no partial file; the previous report on that disk stays whole.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_no_partial_output() {
    let base = baseline();
    let dir = base.path();
    let disk = dir.join("disk");
    std::fs::create_dir(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .output();
    if !mounted.as_ref().is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: cannot mount a small tmpfs here (not root?): {mounted:?}");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = std::process::Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(disk.clone());
    // A previous report small enough to fit: only the CSV files of the baseline.
    std::fs::create_dir_all(disk.join("r/2026-W47")).unwrap();
    for (path, bytes) in tree(&dir.join("reports/2026-W47")) {
        if path.extension().is_some_and(|e| e == "csv") {
            std::fs::write(
                disk.join("r/2026-W47").join(path.file_name().unwrap()),
                bytes,
            )
            .unwrap();
        }
    }
    let before = tree(&disk);
    let mut args: Vec<&str> = REPORT.to_vec();
    args.pop();
    args.push("disk/r");
    let out = bin(dir).args(&args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--out disk/r is a writable folder with free space"),
        "{stderr}"
    );
    assert_eq!(tree(&disk), before);
    assert!(leftovers(&disk).is_empty(), "{:?}", leftovers(&disk));

    let out = bin(dir)
        .args(["generate", "--tickets", "2000", "--out", "disk/g"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("disk/g"), "{stderr}");
    assert!(!disk.join("g").exists(), "generate left its folder");
    assert_eq!(tree(&disk), before);

    // Fill what is left, then ask for the config file.
    let mut fill = 0;
    while std::fs::write(disk.join(format!("fill{fill}")), vec![0u8; 4096]).is_ok() {
        fill += 1;
    }
    let _ = std::fs::remove_file(disk.join(format!("fill{fill}")));
    let out = bin(dir)
        .args(["config", "init", "disk/s.toml"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write disk/s.toml"), "{stderr}");
    assert!(!disk.join("s.toml").exists());
    assert!(leftovers(&disk).is_empty(), "{:?}", leftovers(&disk));
}
