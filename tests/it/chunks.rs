//! A snapshot read a chunk of tickets at a time (`SUPPORTLENS_CHUNK_TICKETS`, README
//! "Large snapshots"), end to end: the sample data imported, then reported read at once
//! and in chunks of several sizes, with and without its index (`people.parquet`), pruned
//! and not; every file of every report folder the same bytes, and delivery addressed to
//! the same people.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin(dir: &Path, config: &Path) -> Command {
    let mut cmd = Command::cargo_bin("supportlens").expect("binary built");
    cmd.current_dir(dir)
        .env_remove("SUPPORTLENS_CHUNK_TICKETS")
        .env_remove("SUPPORTLENS_PRUNE")
        .arg("--config")
        .arg(config);
    cmd
}

/// Every file under `dir`, by path relative to it; `run.json` without the line naming the
/// data folder.
fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let name = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let mut bytes = std::fs::read(&p).unwrap();
            if name.ends_with("run.json") {
                let text = String::from_utf8(bytes).unwrap();
                let kept: Vec<&str> = text.lines().filter(|l| !l.contains("\"input\"")).collect();
                bytes = kept.join("\n").into_bytes();
            }
            out.push((name, bytes));
        }
    }
    out.sort();
    out
}

/// A copy of the snapshot in `from` without its index, as one written before it had one.
fn without_index(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for t in ["tickets", "comments", "worklogs", "changes"] {
        let name = format!("{t}.parquet");
        std::fs::copy(from.join(&name), to.join(&name)).unwrap();
    }
    let text = std::fs::read_to_string(from.join("snapshot.json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest.as_object_mut().unwrap().remove("index");
    manifest["tables"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["name"] != "index" && e["name"] != "people");
    std::fs::write(to.join("snapshot.json"), manifest.to_string()).unwrap();
}

/// The sample data imported into `data`, its copy without index in `noindex`, and a config
/// that also delivers (dry run: no server) to a lead and every engineer.
fn setup(dir: &Path) -> PathBuf {
    let sample = std::fs::read_to_string(root().join("sample-data/supportlens.toml")).unwrap();
    let config = dir.join("supportlens.toml");
    std::fs::write(
        &config,
        format!(
            "{sample}\n[delivery]\nsmtp = \"smtp://127.0.0.1:9\"\n\
             from = \"supportlens <reports@example.com>\"\nleads = [\"lead@example.com\"]\n\
             engineers = true\n"
        ),
    )
    .unwrap();
    bin(dir, &config)
        .args(["--data", "data", "import"])
        .arg(root().join("sample-data/issues.jsonl"))
        .assert()
        .success();
    without_index(&dir.join("data"), &dir.join("noindex"));
    config
}

/// How many tickets a report read whole at once, from its progress line.
fn read_at_once(stderr: &str) -> usize {
    let line = stderr
        .lines()
        .find(|l| l.contains("decoded "))
        .unwrap_or_else(|| panic!("no decoded line in {stderr}"));
    let after = line.split("decoded ").nth(1).unwrap();
    let count = after.trim_start_matches("all ").split(' ').next().unwrap();
    count.parse().unwrap()
}

#[test]
fn reports_read_in_chunks_match_reports_read_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let report = |data: &str, chunk: Option<&str>, prune: &str, out: &str, extra: &[&str]| {
        let mut cmd = bin(dir.path(), &config);
        if let Some(c) = chunk {
            cmd.env("SUPPORTLENS_CHUNK_TICKETS", c);
        }
        let run = cmd
            .env("SUPPORTLENS_PRUNE", prune)
            .env("SUPPORTLENS_PROGRESS", "1")
            .args(["--data", data, "report", "--out", out])
            .args(extra)
            .assert()
            .success();
        String::from_utf8_lossy(&run.get_output().stderr).into_owned()
    };
    for (weeks, extra) in [
        ("8", &[][..]),
        ("2", &[][..]),
        ("2", &["--engineer", "5b10a2851fdd7128f310c389"][..]),
        ("3", &["--week", "2026-W45"][..]),
    ] {
        let mut args = vec!["--weeks", weeks];
        args.extend(extra);
        // A self-review is not delivered.
        if extra.is_empty() {
            args.push("--dry-run-delivery");
        }
        let what = format!("{args:?}");
        let at_once = report("data", None, "1", "at-once", &args);
        assert!(!at_once.contains("at a time"), "{what}: {at_once}");
        let expected = files(&dir.path().join("at-once"));
        let delivered = expected.iter().any(|(n, _)| n.ends_with(".eml"));
        assert_eq!(delivered, extra.is_empty(), "{what}");
        assert!(expected.iter().any(|(n, _)| n.ends_with(".png")), "{what}");
        for (data, chunk, prune) in [
            ("data", "1", "1"),
            ("data", "7", "1"),
            ("data", "7", "0"),
            ("data", "150", "1"),
            ("noindex", "1", "1"),
            ("noindex", "64", "0"),
        ] {
            let out = format!("{data}-{chunk}-{prune}");
            let stderr = report(data, Some(chunk), prune, &out, &args);
            let case = format!("{what}, {data}, {chunk} a chunk, prune {prune}");
            // Read in chunks, unless the tickets the window sees fit in one.
            let chunked = stderr.contains(&format!("{chunk} rows of the tickets table at a time"));
            assert!(
                chunked || read_at_once(&stderr) <= chunk.parse().unwrap(),
                "{case}: {stderr}"
            );
            assert!(chunked || chunk == "150", "{case}: {stderr}");
            if data == "noindex" {
                assert!(stderr.contains("has no people.parquet"), "{case}: {stderr}");
            }
            let got = files(&dir.path().join(&out));
            // Messages carry their own date and id: their names (who gets one) must match.
            let names =
                |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
            assert_eq!(names(&got), names(&expected), "{case}");
            for ((name, a), (_, b)) in got.iter().zip(&expected) {
                // The out folder's lock file says which process held it.
                if !name.ends_with(".eml") && name != ".lock" {
                    assert!(a == b, "{case}: {name} differs");
                }
            }
            std::fs::remove_dir_all(dir.path().join(&out)).unwrap();
        }
        std::fs::remove_dir_all(dir.path().join("at-once")).unwrap();
    }
}

#[test]
fn a_chunk_size_that_is_no_whole_number_is_exit_2_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    for bad in ["0", "-3", "ten", "1e9"] {
        let run = bin(dir.path(), &config)
            .env("SUPPORTLENS_CHUNK_TICKETS", bad)
            .args(["--data", "data", "report", "--out", "out"])
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
        assert!(stderr.contains("SUPPORTLENS_CHUNK_TICKETS"), "{stderr}");
        assert!(!dir.path().join("out").exists());
    }
}

/// A `query` that names no item table reads no chunk, so (as read at once) it must
/// not keep the data folder locked while its output is written: an `import` meanwhile
/// runs, it is not turned away with exit 5.
#[test]
fn a_query_of_snapshot_tables_reads_no_ticket_and_lets_the_lock_go() {
    use std::process::{Command as Std, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let exe = assert_cmd::cargo::cargo_bin("supportlens");
    for chunk in [None, Some("7")] {
        let mut query = Std::new(&exe);
        query
            .current_dir(dir.path())
            .env_remove("SUPPORTLENS_CHUNK_TICKETS")
            .arg("--config")
            .arg(&config)
            .args(["--data", "data", "query", "--csv", "SELECT * FROM comments"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        if let Some(c) = chunk {
            query.env("SUPPORTLENS_CHUNK_TICKETS", c);
        }
        // Its output is not read yet: the query stays blocked writing it.
        let mut child = query.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
        let import = bin(dir.path(), &config)
            .args(["--data", "data", "import"])
            .arg(root().join("sample-data/issues.jsonl"))
            .output()
            .unwrap();
        let mut out = Vec::new();
        std::io::Read::read_to_end(child.stdout.as_mut().unwrap(), &mut out).unwrap();
        child.wait().unwrap();
        assert!(
            out.len() > 1 << 16,
            "the output fills a pipe: {}",
            out.len()
        );
        assert_eq!(
            import.status.code(),
            Some(0),
            "chunk {chunk:?}: {}",
            String::from_utf8_lossy(&import.stderr)
        );
    }
}

/// polars builds a join's whole result: a cross join of large tables grew `query` until
/// the kernel killed it. Past its bound (`SUPPORTLENS_QUERY_MEMORY_MB`, here 64 MiB; the
/// cross join of the sample's comments takes about 600 MB) the run ends with exit 2 and
/// a message saying what to do; the same query within the bound, and a small one, run.
#[test]
fn a_query_past_its_memory_bound_ends_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = setup(dir.path());
    let cross = "SELECT max(length(concat(a.body, b.body))) AS m FROM comments a, comments b";
    let run = |limit: &str, sql: &str| {
        bin(dir.path(), &config)
            .env("SUPPORTLENS_QUERY_MEMORY_MB", limit)
            .args(["--data", "data", "query", "--csv", sql])
            .output()
            .unwrap()
    };
    let out = run("64", cross);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "supportlens: error: the query needs more than 64 MiB of memory (a join's whole \
         result is built, and a cross join of large tables grows without end); join on ids \
         (JOIN comments c ON c.ticket_id = t.id) or filter first, or raise \
         SUPPORTLENS_QUERY_MEMORY_MB\n"
    );
    let out = run("64", "SELECT count(*) AS n FROM comments");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let out = run("4096", cross);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("m\n"));
    let out = run("lots", "SELECT 1 AS x");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("SUPPORTLENS_QUERY_MEMORY_MB=lots: not a whole number of MiB"),
        "{out:?}"
    );
}
