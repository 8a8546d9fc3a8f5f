//! End-to-end tests: the real `supportlens` binary in a temporary folder.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

fn bin(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("supportlens").expect("binary built");
    cmd.current_dir(dir);
    cmd
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn scenario_report(dir: &Path) -> assert_cmd::assert::Assert {
    bin(dir)
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
}

#[test]
fn report_from_json_files_gives_the_hand_worked_clocks() {
    let dir = tempfile::tempdir().unwrap();
    scenario_report(dir.path()).success();
    let folder = dir.path().join("out/2026-W47");
    assert_eq!(
        read(&folder.join("clocks.csv")),
        "ticket,kind,type,severity,start,deadline,end,stopped,elapsed_sla_min,target_min,breached,engineer,week\r\n\
         SUP-1,ack,incident,high,2026-11-16T09:00:00Z,2026-11-16T09:15:00Z,2026-11-16T09:20:00Z,true,20,15,true,ann,2026-W47\r\n\
         SUP-1,update,incident,high,2026-11-16T09:20:00Z,2026-11-16T17:20:00Z,2026-11-16T12:00:00Z,true,160,480,false,ann,2026-W47\r\n\
         SUP-2,ack,query,normal,2026-11-18T22:00:00Z,2026-11-19T22:00:00Z,2026-11-23T00:00:00Z,false,5880,1440,true,(unassigned),2026-W47\r\n"
    );
    let weekly = read(&folder.join("engineer_weekly.csv"));
    let rows: Vec<&str> = weekly.lines().collect();
    assert!(rows[0].starts_with("week,engineer,engineer_name,acks,ack_p50_min,ack_p90_min,ack_max_min,ack_breaches,ack_sla_pct,update_gaps,update_breaches,update_sla_pct,sla_breaches"));
    // The SLA columns (the first 19), then the score (the last).
    let sla_and_score = |line: &str| {
        let cells: Vec<&str> = line.split(',').collect();
        format!("{},{}", cells[..19].join(","), cells[cells.len() - 1])
    };
    assert_eq!(rows[0].split(',').next_back(), Some("score"));
    assert_eq!(
        rows[1..]
            .iter()
            .map(|l| sla_and_score(l))
            .collect::<Vec<_>>(),
        [
            "2026-W47,(unassigned),,0,,,,1,0.0,0,0,,1,0,0,0,0,,1,0.0",
            "2026-W47,ann,Ann Perera,1,20,20,20,1,0.0,1,0,100.0,1,0,0,0,0,,1,40.0",
        ]
    );
    let team = read(&folder.join("team_weekly.csv"));
    assert_eq!(
        team.lines().nth(1).map(sla_and_score).as_deref(),
        Some("2026-W47,(team),,1,20,20,20,2,0.0,1,0,100.0,2,0,0,0,0,,2,40.0")
    );
    let breaches = read(&folder.join("breaches.csv"));
    assert_eq!(breaches.lines().count(), 3, "{breaches}");
    assert!(
        breaches
            .lines()
            .next()
            .unwrap()
            .ends_with(",week,escalated_before_deadline")
    );
    let run: serde_json::Value = serde_json::from_str(&read(&folder.join("run.json"))).unwrap();
    assert_eq!(run["as_of"], "2026-11-23T00:00:00Z");
    assert_eq!(run["weeks"], serde_json::json!(["2026-W47"]));
    assert_eq!(run["config_sha256"].as_str().unwrap().len(), 64);
}

#[test]
fn reruns_are_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    scenario_report(dir.path()).success();
    let first: Vec<(String, Vec<u8>)> = files(&dir.path().join("out/2026-W47"));
    scenario_report(dir.path()).success();
    let second = files(&dir.path().join("out/2026-W47"));
    assert_eq!(first, second);
    assert!(first.len() >= 7);
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_file()))
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn import_then_report_matches_report_from_files() {
    let dir = tempfile::tempdir().unwrap();
    scenario_report(dir.path()).success();
    bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .success();
    assert!(dir.path().join("data/tickets.parquet").exists());
    bin(dir.path())
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "from-snapshot"])
        .assert()
        .success();
    for name in [
        "clocks.csv",
        "engineer_weekly.csv",
        "team_weekly.csv",
        "breaches.csv",
    ] {
        assert_eq!(
            read(&dir.path().join("out/2026-W47").join(name)),
            read(&dir.path().join("from-snapshot/2026-W47").join(name)),
            "{name}"
        );
    }
}

#[test]
fn every_issue_fixture_imports() {
    let dir = tempfile::tempdir().unwrap();
    for name in [
        "server-v2-search-page-startAt-maxResults-total.json",
        "server-v2-issue-expand-changelog.json",
        "server-v2-issue-restricted-comments-worklogs-with-changelog.json",
        "server-v2-issue-resolved-all-expanded.json",
        "server-v2-search-empty-page-quirk.json",
        "cloud-v3-search-jql-page1-nextPageToken.json",
        "cloud-v3-search-jql-last-page-isLast.json",
        "cloud-v3-issue-in-search-result-airbyte-augmented.json",
    ] {
        bin(dir.path())
            .arg("import")
            .arg(fixture(&format!("jira/{name}")))
            .assert()
            .success();
    }
}

#[test]
fn bad_input_is_exit_3_and_leaves_the_previous_report() {
    let dir = tempfile::tempdir().unwrap();
    scenario_report(dir.path()).success();
    let before = files(&dir.path().join("out/2026-W47"));
    let broken = dir.path().join("broken.json");
    std::fs::write(&broken, "{\"issues\": [ {\"id\": \"1\", ").unwrap();
    let out = bin(dir.path())
        .args(["report", "--week", "2026-W47", "--out", "out", "--input"])
        .arg(&broken)
        .assert()
        .code(3);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(stderr.contains("broken.json"), "{stderr}");
    assert_eq!(files(&dir.path().join("out/2026-W47")), before);

    bin(dir.path())
        .args(["import", "no-such-file.json"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("no-such-file.json"));
    bin(dir.path())
        .args(["report"])
        .assert()
        .code(3)
        .stderr(predicates::str::contains("import"));
}

/// A `--week` that starts at or after the as-of holds nothing yet: the report is written
/// (its numbers are empty) with a warning saying so; the week before it, none.
#[test]
fn a_week_after_the_as_of_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let report = |week: &str| {
        bin(dir.path())
            .arg("--config")
            .arg(root().join("sample-data/supportlens.toml"))
            .args(["report", "--week", week, "--weeks", "1"])
            .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out", "--input"])
            .arg(root().join("sample-data"))
            .assert()
            .success()
    };
    let out = report("2026-W48");
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "supportlens: warning: --week 2026-W48 starts after the as-of 2026-11-23T00:00:00Z: \
         nothing of it had happened by then, so its numbers are empty; name a week that \
         started before the as-of, or a later --as-of\n"
    );
    let rows = std::fs::read_to_string(dir.path().join("out/2026-W48/engineer_weekly.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(rows, 1, "the header alone");
    report("2026-W47").stderr("");
}

/// A window that would reach back before 1900 (an as-of in its first weeks) is refused
/// as a `--week` there is: it wrote a report of 1899's weeks.
#[test]
fn a_window_reaching_before_1900_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin(dir.path())
        .arg("--config")
        .arg(root().join("sample-data/supportlens.toml"))
        .args(["report", "--as-of", "1900-01-01", "--out", "out", "--input"])
        .arg(root().join("sample-data"))
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stderr),
        "supportlens: error: the report's window of 8 weeks as of 1900-01-01T00:00:00Z starts \
         1899-11-06T00:00:00Z, which is in the year 1899, outside the years 1900 to 9999 \
         supportlens reads; pass a later --as-of or --week, or fewer --weeks\n"
    );
    assert!(!dir.path().join("out").join("1899-W52").exists());
}

#[test]
fn bad_configuration_is_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bad.toml"),
        "[team]\ntimezone = \"UTC\"\nengineerz = []\n",
    )
    .unwrap();
    bin(dir.path())
        .args(["--config", "bad.toml", "report", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("engineerz"));
    std::fs::write(
        dir.path().join("dur.toml"),
        "[hygiene]\nprebook_after = \"4 hours\"\n",
    )
    .unwrap();
    bin(dir.path())
        .args(["--config", "dur.toml", "report", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("line 2"));
    bin(dir.path())
        .args(["report", "--week", "2026-47", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2);
}

#[test]
fn config_init_writes_a_file_that_loads() {
    let dir = tempfile::tempdir().unwrap();
    bin(dir.path()).args(["config", "init"]).assert().success();
    let text = read(&dir.path().join("supportlens.toml"));
    assert!(text.contains("[sla.update.query]"));
    bin(dir.path()).args(["config", "init"]).assert().code(2);
    // The written file is picked up from the current folder and accepted.
    scenario_report(dir.path()).success();
    bin(dir.path())
        .args(["report", "--out", "o", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .success();
}

#[test]
fn a_held_lock_is_exit_5() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("data")).unwrap();
    let lock = std::fs::File::create(dir.path().join("data/.lock")).unwrap();
    lock.try_lock().unwrap();
    bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(5)
        .stderr(predicates::str::contains("data"));
    drop(lock);
}

fn sample_report(dir: &Path, extra: &[&str]) {
    bin(dir)
        .arg("--config")
        .arg(root().join("sample-data/supportlens.toml"))
        .args([
            "report",
            "--as-of",
            "2026-11-23T00:00:00Z",
            "--out",
            "out",
            "--input",
        ])
        .arg(root().join("sample-data"))
        .args(extra)
        .assert()
        .success();
}

fn all_text(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_text(&path));
        } else if path.extension().is_some_and(|e| e != "png") {
            out.push((path.clone(), read(&path)));
        }
    }
    out
}

#[test]
fn sample_report_has_every_file_and_is_reproducible() {
    let dir = tempfile::tempdir().unwrap();
    sample_report(dir.path(), &[]);
    let folder = dir.path().join("out/2026-W47");
    for name in [
        "engineer_weekly.csv",
        "team_weekly.csv",
        "clocks.csv",
        "breaches.csv",
        "escalations.csv",
        "handoffs.csv",
        "calls.csv",
        "tickets.csv",
        "feedback.csv",
        "data_quality.csv",
        "run.json",
        "index.html",
        "charts/team_trends.svg",
        "charts/team_trends.png",
    ] {
        assert!(folder.join(name).exists(), "{name} missing");
    }
    let weekly = read(&folder.join("engineer_weekly.csv"));
    assert!(weekly.lines().count() > 12, "{weekly}");
    let html = read(&folder.join("index.html"));
    // The team page's one script is the inline table sort; nothing is loaded.
    assert!(!html.contains("<script src") && !html.contains("src="));
    assert_eq!(html.matches("<script").count(), 1);
    // Every engineer row links to a page that exists.
    let mut linked = 0;
    for link in html.split("<a href=\"").skip(1) {
        let target = &link[..link.find('"').unwrap()];
        assert!(target.starts_with("engineers/"), "{target}");
        assert!(folder.join(target).exists(), "{target} missing");
        linked += 1;
    }
    assert!(linked > 5, "{linked} engineer links");
    let first = files(&folder);
    sample_report(dir.path(), &[]);
    let csvs = |f: &[(String, Vec<u8>)]| -> Vec<(String, Vec<u8>)> {
        f.iter()
            .filter(|(n, _)| n.ends_with(".csv"))
            .cloned()
            .collect()
    };
    assert_eq!(csvs(&first), csvs(&files(&folder)));
}

#[test]
fn self_review_names_no_one_else() {
    let dir = tempfile::tempdir().unwrap();
    sample_report(dir.path(), &[]);
    let weekly = read(&dir.path().join("out/2026-W47/engineer_weekly.csv"));
    let mut people: Vec<(String, String)> = weekly
        .lines()
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            (cells[1].to_string(), cells[2].to_string())
        })
        .filter(|(id, _)| !id.starts_with('('))
        .collect();
    people.sort();
    people.dedup();
    assert!(people.len() > 5, "{people:?}");
    let (me, _) = people[0].clone();
    std::fs::remove_dir_all(dir.path().join("out")).unwrap();
    sample_report(dir.path(), &["--engineer", &me]);
    let texts = all_text(&dir.path().join("out/2026-W47"));
    assert!(texts.len() > 10);
    for (id, name) in people.iter().filter(|(id, _)| *id != me) {
        for (path, text) in &texts {
            if !me.contains(id.as_str()) {
                assert!(!text.contains(id.as_str()), "{} names {id}", path.display());
            }
            if !name.is_empty() {
                assert!(
                    !text.contains(name.as_str()),
                    "{} names {name}",
                    path.display()
                );
            }
        }
    }
}

/// An id a spreadsheet would run as a formula is written `'=ann` in the CSVs; the pages
/// read the values, so the self-review page of `=ann` still has her numbers and points,
/// and the team report has her page under the id's file name.
#[test]
fn a_formula_like_id_keeps_its_page() {
    let dir = tempfile::tempdir().unwrap();
    let json = read(&fixture("scenario/two-tickets.json")).replace("\"ann\"", "\"=ann\"");
    std::fs::write(dir.path().join("tickets.json"), json).unwrap();
    let config = read(&fixture("scenario/supportlens.toml")).replace("\"ann\"", "\"=ann\"");
    std::fs::write(dir.path().join("supportlens.toml"), config).unwrap();
    let report = |out: &str, extra: &[&str]| {
        bin(dir.path())
            .args(["--config", "supportlens.toml"])
            .args(["report", "--week", "2026-W47", "--weeks", "1"])
            .args(["--as-of", "2026-11-23T00:00:00Z", "--out", out])
            .args(extra)
            .args(["--input", "tickets.json"])
            .assert()
            .success();
    };
    report("team", &[]);
    let weekly = read(&dir.path().join("team/2026-W47/engineer_weekly.csv"));
    assert!(weekly.contains("2026-W47,'=ann,Ann Perera,"), "{weekly}");
    let page = read(&dir.path().join("team/2026-W47/engineers/_3Dann.html"));
    assert!(page.contains("<h1><bdi>Ann Perera</bdi><span class=\"id\">=ann</span></h1>"));
    report("self", &["--engineer", "=ann"]);
    let folder = dir.path().join("self/2026-W47");
    assert!(!folder.join("engineers").exists());
    let review = read(&folder.join("index.html"));
    assert!(
        review.contains("<span class=\"id\">=ann</span>"),
        "{review}"
    );
    assert!(review.contains("<title>Self-review of Ann Perera, 2026-W47</title>"));
    // Her acks (SUP-1 acknowledged by her) are on the page, not a week without data.
    assert!(
        review.contains(
            "<tr><th scope=\"row\" title=\"acks\">Acks (stopped ack clocks)</th><td>1</td>"
        ),
        "{review}"
    );
    assert_eq!(review, read(&folder.join("index.html")));
}

#[test]
fn query_runs_sql_over_items_and_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .success();
    let out = bin(dir.path())
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["query", "--csv", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z"])
        .arg("SELECT c.ticket, c.kind, t.key FROM clocks c JOIN tickets t ON c.ticket = t.key WHERE c.breached ORDER BY c.ticket, c.kind")
        .assert()
        .success();
    assert_eq!(
        String::from_utf8_lossy(&out.get_output().stdout),
        "ticket,kind,key\nSUP-1,ack,SUP-1\nSUP-2,ack,SUP-2\n"
    );
    bin(dir.path())
        .args(["query", "SELECT nonsense FROM nowhere"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("tables:"));
}

/// `query` measures the items and draws nothing: its progress has the tables' step and no
/// chart or page step, while `report` over the same snapshot draws both.
#[test]
fn query_draws_no_chart_or_page() {
    let dir = tempfile::tempdir().unwrap();
    bin(dir.path())
        .arg("import")
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .success();
    let steps = |args: &[&str]| {
        let out = bin(dir.path())
            .env("SUPPORTLENS_PROGRESS", "1")
            .arg("--config")
            .arg(fixture("scenario/supportlens.toml"))
            .args(args)
            .args(["--as-of", "2026-11-23T00:00:00Z"])
            .assert()
            .success();
        String::from_utf8_lossy(&out.get_output().stderr).into_owned()
    };
    let query = steps(&["query", "--csv", "SELECT count(*) AS n FROM clocks"]);
    assert!(query.contains("rendered"), "{query}");
    assert!(!query.contains("drew"), "{query}");
    let report = steps(&["report", "--out", "out"]);
    assert!(report.contains("drew"), "{report}");
}

/// A mistyped `--engineer` is a usage error naming the id, not an empty self-review, and
/// writes no report.
#[test]
fn an_unknown_engineer_is_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    bin(dir.path())
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args(["--as-of", "2026-11-23T00:00:00Z", "--out", "out"])
        .args(["--engineer", "no-such-person", "--input"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--engineer no-such-person"));
    assert!(!dir.path().join("out").exists());
}

/// An --out that cannot hold a folder is the run's setting, not a bug: exit 2 naming it.
#[test]
fn an_unwritable_out_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taken"), "a file, not a folder").unwrap();
    bin(dir.path())
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["report", "--week", "2026-W47", "--weeks", "1"])
        .args([
            "--as-of",
            "2026-11-23T00:00:00Z",
            "--out",
            "taken",
            "--input",
        ])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--out taken"));
}

/// A --data that cannot be a folder is the run's setting too: exit 2 naming it, for import
/// (which creates, locks and writes the snapshot there).
#[test]
fn an_unwritable_data_folder_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("taken"), "a file, not a folder").unwrap();
    bin(dir.path())
        .arg("--config")
        .arg(fixture("scenario/supportlens.toml"))
        .args(["--data", "taken", "import"])
        .arg(fixture("scenario/two-tickets.json"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--data taken"));
}

/// `import` dies (as under `kill -9`) at each checkpoint of its snapshot commit; the next
/// import puts the folder right and ends with the same snapshot as an import never stopped.
#[test]
fn an_import_killed_mid_commit_is_recovered_by_the_next_run() {
    let first = fixture("scenario/two-tickets.json");
    let second = fixture("jira/server-v2-issue-resolved-all-expanded.json");
    let import = |dir: &Path, file: &Path| {
        let mut cmd = bin(dir);
        cmd.arg("import").arg(file);
        cmd
    };
    let reference = tempfile::tempdir().unwrap();
    import(reference.path(), &first).assert().success();
    import(reference.path(), &second).assert().success();
    let (want, _) = supportlens::snapshot::read(&reference.path().join("data")).unwrap();
    assert_eq!(want.len(), 3);
    for stop in 0..8 {
        let dir = tempfile::tempdir().unwrap();
        import(dir.path(), &first).assert().success();
        import(dir.path(), &second)
            .env("SUPPORTLENS_TEST_ABORT_COMMIT", stop.to_string())
            .assert()
            .failure();
        import(dir.path(), &second).assert().success();
        let (got, _) = supportlens::snapshot::read(&dir.path().join("data")).unwrap();
        assert_eq!(got, want, "stopped at {stop}");
    }
    // A first import stopped before its commit ended leaves a folder the next one fills.
    for stop in 0..7 {
        let dir = tempfile::tempdir().unwrap();
        import(dir.path(), &first)
            .env("SUPPORTLENS_TEST_ABORT_COMMIT", stop.to_string())
            .assert()
            .failure();
        import(dir.path(), &first).assert().success();
        import(dir.path(), &second).assert().success();
        let (got, _) = supportlens::snapshot::read(&dir.path().join("data")).unwrap();
        assert_eq!(got, want, "first import stopped at {stop}");
    }
}

/// A report stopped by SIGTERM (cron's `timeout`), SIGINT (Ctrl-C) or SIGHUP while it
/// fills its staging folder dies by that signal and leaves neither the staging folder nor
/// a changed report: `--out` holds exactly what it held before.
#[cfg(unix)]
#[test]
fn a_report_stopped_by_a_signal_leaves_no_staging_folder() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    sample_report(dir.path(), &[]);
    let out = dir.path().join("out");
    let before = files(&out.join("2026-W47"));
    let listing = || -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    for (name, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        // A signal this test was started with ignored (SIGINT in a shell's background job)
        // stays ignored in the report, as it must (see the nohup test below).
        if supportlens::interrupt::ignored(number) {
            continue;
        }
        // A report that ends before the signal lands is tried again.
        let mut stopped = false;
        for _ in 0..5 {
            let status = signalled_report(dir.path(), name, || {
                listing().iter().any(|n| n.starts_with(".supportlens-tmp-"))
            });
            assert_eq!(listing(), [".lock", "2026-W47"], "SIG{name}");
            assert_eq!(files(&out.join("2026-W47")), before, "SIG{name}");
            if status.success() {
                continue;
            }
            assert_eq!(status.signal(), Some(number), "SIG{name}: {status:?}");
            stopped = true;
            break;
        }
        assert!(stopped, "SIG{name}: every report ended before the signal");
    }
}

/// A SIGABRT sent from outside (a service manager's watchdog, `timeout -s ABRT`) ends a
/// report by that signal, as it would any program: the handler that tells a refused
/// allocation's abort as running out of memory took it and let the run go on to exit 0.
#[cfg(unix)]
#[test]
fn a_sigabrt_from_outside_ends_a_report_by_the_signal() {
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut stopped = false;
    // A report that ends before the signal lands is tried again.
    for _ in 0..5 {
        let status = signalled_report(dir.path(), "ABRT", || out.join(".lock").exists());
        if status.success() {
            continue;
        }
        assert_eq!(status.signal(), Some(6), "{status:?}");
        stopped = true;
        break;
    }
    assert!(stopped, "every report ended before the signal");
}

/// An import stopped by SIGTERM while it writes the snapshot's new tables dies by the
/// signal and leaves none of its temporary files in the data folder; the next import
/// ends with the snapshot an import never stopped would have written.
#[cfg(unix)]
#[test]
fn an_import_stopped_by_a_signal_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    let sample = root().join("sample-data");
    let import = |dir: &Path| {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("supportlens"));
        cmd.current_dir(dir)
            .arg("--config")
            .arg(sample.join("supportlens.toml"))
            .arg("import")
            .arg(&sample)
            .stderr(std::process::Stdio::null());
        cmd
    };
    let reference = tempfile::tempdir().unwrap();
    assert!(import(reference.path()).status().unwrap().success());
    let (want, _) = supportlens::snapshot::read(&reference.path().join("data")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let temporary = || {
        std::fs::read_dir(&data)
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .filter(|n| n.ends_with(".tmp"))
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default()
    };
    let mut stopped = false;
    for _ in 0..10 {
        let mut child = import(dir.path()).spawn().unwrap();
        while child.try_wait().unwrap().is_none() && temporary().is_empty() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        std::process::Command::new("kill")
            .arg("-TERM")
            .arg(child.id().to_string())
            .status()
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(temporary(), Vec::<String>::new());
        if status.signal() == Some(15) {
            stopped = true;
            break;
        }
    }
    assert!(stopped, "every import ended before the signal");
    assert!(import(dir.path()).status().unwrap().success());
    assert_eq!(supportlens::snapshot::read(&data).unwrap().0, want);
}

/// The sample report started in `dir`, sent SIG`signal` once `running` says it is at the
/// point wanted (or it ended first), and waited for.
#[cfg(unix)]
fn signalled_report(
    dir: &Path,
    signal: &str,
    running: impl Fn() -> bool,
) -> std::process::ExitStatus {
    let mut child = sample_report_in(
        std::process::Command::new(assert_cmd::cargo::cargo_bin("supportlens")),
        dir,
    )
    .spawn()
    .unwrap();
    while child.try_wait().unwrap().is_none() && !running() {
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    std::process::Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    child.wait().unwrap()
}

/// `command` (supportlens, or a program that runs it) completed with the sample data's
/// report into `dir/out`, as of 2026-11-23, its stderr discarded.
#[cfg(unix)]
fn sample_report_in(mut command: std::process::Command, dir: &Path) -> std::process::Command {
    command
        .current_dir(dir)
        .arg("--config")
        .arg(root().join("sample-data/supportlens.toml"))
        .args(["report", "--as-of", "2026-11-23T00:00:00Z", "--out", "out"])
        .arg("--input")
        .arg(root().join("sample-data"))
        .stderr(std::process::Stdio::null());
    command
}

/// A signal the caller set to be ignored stays ignored: under `nohup`, SIGHUP does not
/// stop the report, which ends as usual.
#[cfg(unix)]
#[test]
fn a_signal_ignored_by_nohup_does_not_stop_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let mut nohup = std::process::Command::new("nohup");
    nohup.arg(assert_cmd::cargo::cargo_bin("supportlens"));
    let mut child = sample_report_in(nohup, dir.path())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Signalled once it runs (its lock file is written), as often as it takes.
    while child.try_wait().unwrap().is_none() {
        if out.join(".lock").exists() {
            std::process::Command::new("kill")
                .arg("-HUP")
                .arg(child.id().to_string())
                .status()
                .unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(child.wait().unwrap().success());
    assert!(out.join("2026-W47/engineer_weekly.csv").is_file());
}
