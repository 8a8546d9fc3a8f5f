//! Text snapshots (insta) of what users and scripts read by name: every command's `--help`
//! and the header row of every CSV a report writes. A change to either shows as a reviewed
//! diff of `tests/it/snapshots/`, never as a silent rename.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn help(args: &[&str]) -> String {
    let out = Command::cargo_bin("supportlens")
        .expect("binary built")
        .args(args)
        .arg("--help")
        .env_remove("SUPPORTLENS_JIRA_URL")
        .output()
        .expect("supportlens runs");
    assert!(out.status.success(), "{args:?} --help failed");
    String::from_utf8(out.stdout).expect("help is UTF-8")
}

#[test]
fn help_of_every_command() {
    let commands: &[&[&str]] = &[
        &[],
        &["export"],
        &["import"],
        &["report"],
        &["run"],
        &["generate"],
        &["query"],
        &["config"],
        &["config", "init"],
    ];
    for args in commands {
        let name = if args.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", args.join("_"))
        };
        insta::assert_snapshot!(name, help(args));
    }
}

/// `name: header` of every CSV in `folder`, by file name.
fn headers(folder: &Path) -> String {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("report folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".csv"))
        .collect();
    names.sort();
    names
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(folder.join(n)).expect("CSV is UTF-8");
            let header = text.split("\r\n").next().unwrap_or_default().to_string();
            format!("{n}: {header}\n")
        })
        .collect()
}

#[test]
fn header_of_every_csv() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = root().join("tests/fixtures/scenario");
    Command::cargo_bin("supportlens")
        .expect("binary built")
        .current_dir(dir.path())
        .arg("--config")
        .arg(fixture.join("supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out", "--input"])
        .arg(fixture.join("two-tickets.json"))
        .assert()
        .success();
    insta::assert_snapshot!(headers(&dir.path().join("out/2026-W47")));
}
