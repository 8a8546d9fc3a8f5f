//! Window pruning end to end: the sample data imported, then reported with pruning and
//! with every ticket read (`SUPPORTLENS_PRUNE=0`); every CSV and `run.json` the same bytes,
//! and the smaller windows really leave tickets out.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("supportlens").expect("binary built");
    cmd.current_dir(dir)
        .arg("--config")
        .arg(root().join("sample-data/supportlens.toml"));
    cmd
}

/// Every CSV and `run.json` of the one report folder under `out`, by name.
fn tables(out: &Path) -> Vec<(String, Vec<u8>)> {
    // The week's folder, beside the `.lock` every report holds while it writes.
    let folder = std::fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "csv" || e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// The number of tickets the pruned report left out, from its progress line.
fn left_out(stderr: &[u8]) -> usize {
    let text = String::from_utf8_lossy(stderr);
    let line = text
        .lines()
        .find(|l| l.contains("left out"))
        .unwrap_or_else(|| panic!("no pruning line in {text}"));
    let after = line.split("left out ").nth(1).unwrap();
    after.split(' ').next().unwrap().parse().unwrap()
}

#[test]
fn pruned_sample_reports_match_full_ones_byte_for_byte() {
    let dir = tempfile::tempdir().unwrap();
    bin(dir.path())
        .arg("import")
        .arg(root().join("sample-data/issues.jsonl"))
        .assert()
        .success();
    for (weeks, extra) in [
        ("1", &[][..]),
        ("2", &[][..]),
        ("8", &[][..]),
        ("2", &["--engineer", "5b10a2851fdd7128f310c389"][..]),
        ("3", &["--week", "2026-W45"][..]),
    ] {
        let run = |out: &str, prune: &str| {
            bin(dir.path())
                .env("SUPPORTLENS_PRUNE", prune)
                .env("SUPPORTLENS_PROGRESS", "1")
                .args(["report", "--weeks", weeks, "--out", out])
                .args(extra)
                .assert()
                .success()
        };
        let pruned = run("pruned", "1");
        let full = run("full", "0");
        let what = format!("--weeks {weeks} {extra:?}");
        assert_eq!(
            tables(&dir.path().join("pruned")),
            tables(&dir.path().join("full")),
            "{what}"
        );
        assert_eq!(tables(&dir.path().join("full")).len(), 12, "{what}");
        if weeks != "8" {
            assert!(left_out(&pruned.get_output().stderr) > 0, "{what}");
        }
        assert!(
            String::from_utf8_lossy(&full.get_output().stderr).contains("decoded all 300 tickets"),
            "{what}"
        );
        for out in ["pruned", "full"] {
            std::fs::remove_dir_all(dir.path().join(out)).unwrap();
        }
    }
}
