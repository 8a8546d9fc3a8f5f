//! Files on disk: shapes, de-duplication, directory order and the errors users see.

use super::*;
use crate::error::exit_code;
use crate::model::fmt_ts;
use serde_json::{Value, json};
use std::fs;

fn issue(id: &str, key: &str, updated: &str, status: &str) -> Value {
    json!({"id": id, "key": key, "fields": {
        "created": "2026-11-02T08:00:00.000+0000", "updated": updated,
        "issuetype": {"name": "Query"}, "status": {"name": status}
    }})
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    path
}

fn summary(tickets: &[Ticket]) -> Vec<(String, String)> {
    tickets
        .iter()
        .map(|t| (t.key.clone(), t.status.clone()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

#[test]
fn latest_updated_wins_then_later_occurrence() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(
        dir.path(),
        "a.json",
        &json!({"issues": [
            issue("10", "SUP-10", "2026-11-05T10:00:00.000+0000", "Resolved"),
            issue("9", "SUP-9", "2026-11-05T10:00:00.000+0000", "Open"),
        ]})
        .to_string(),
    );
    // SUP-10 again but older: the copy in a.json stays. SUP-9 at the same instant written
    // with another offset: a tie, so the later file wins.
    let b = write(
        dir.path(),
        "b.json",
        &json!([
            issue("10", "SUP-10", "2026-11-04T10:00:00.000+0000", "Open"),
            issue("9", "SUP-9", "2026-11-05T11:00:00.000+0100", "In Progress"),
        ])
        .to_string(),
    );
    let tickets = read_files(&[a.clone(), b.clone()], "priority").unwrap();
    assert_eq!(
        summary(&tickets),
        pairs(&[("SUP-9", "In Progress"), ("SUP-10", "Resolved")])
    );
    // Argument order decides ties, not file names.
    let tickets = read_files(&[b, a], "priority").unwrap();
    assert_eq!(
        summary(&tickets),
        pairs(&[("SUP-9", "Open"), ("SUP-10", "Resolved")])
    );
}

#[test]
fn tie_within_one_file_goes_to_the_later_line() {
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        issue("7", "SUP-7", "2026-11-05T10:00:00.000+0000", "Open").to_string(),
        String::new(),
        issue("7", "SUP-7", "2026-11-05T10:00:00.000+0000", "Closed").to_string(),
    ];
    let f = write(dir.path(), "t.jsonl", &lines.join("\n"));
    let tickets = read_files(&[f], "priority").unwrap();
    assert_eq!(summary(&tickets), pairs(&[("SUP-7", "Closed")]));
    assert_eq!(fmt_ts(tickets[0].updated.unwrap()), "2026-11-05T10:00:00Z");
}

#[test]
fn directory_read_recursively_in_path_order_skipping_hidden() {
    let dir = tempfile::tempdir().unwrap();
    let u = "2026-11-05T10:00:00.000+0000";
    // Same id and updated everywhere: the file read last decides, revealing the order
    // a.json < b/c.jsonl < b/d.json.
    write(
        dir.path(),
        "b/d.json",
        &issue("1", "SUP-1", u, "From b/d").to_string(),
    );
    write(
        dir.path(),
        "b/c.jsonl",
        &issue("1", "SUP-1", u, "From b/c").to_string(),
    );
    write(
        dir.path(),
        "a.json",
        &issue("1", "SUP-1", u, "From a").to_string(),
    );
    write(
        dir.path(),
        "b/.hidden.json",
        &issue("1", "SUP-1", u, "Hidden").to_string(),
    );
    write(
        dir.path(),
        ".cache/x.json",
        &issue("1", "SUP-1", u, "Hidden dir").to_string(),
    );
    write(dir.path(), "notes.txt", "not json");
    write(
        dir.path(),
        "b/e.json",
        &issue("2", "SUP-2", u, "Open").to_string(),
    );
    let tickets = read_files(&[dir.path().to_path_buf()], "priority").unwrap();
    assert_eq!(
        summary(&tickets),
        pairs(&[("SUP-1", "From b/d"), ("SUP-2", "Open")])
    );
}

fn input_error(paths: &[PathBuf]) -> String {
    let err = read_files(paths, "priority").unwrap_err();
    assert_eq!(exit_code(&err), 3, "{err:#}");
    format!("{err:#}")
}

#[test]
fn jsonl_bad_line_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let good = issue("1", "SUP-1", "2026-11-05T10:00:00.000+0000", "Open").to_string();
    let f = write(
        dir.path(),
        "x.jsonl",
        &format!("{good}\n\n{{\"id\": \"2\", \"key\"\n"),
    );
    let msg = input_error(std::slice::from_ref(&f));
    assert!(
        msg.starts_with(&format!("{} line 3 is not valid JSON (", f.display())),
        "{msg}"
    );
    assert!(msg.ends_with("check the file was saved completely and holds one issue per line"));
    let f = write(
        dir.path(),
        "y.jsonl",
        &format!("{good}\n{{\"worklogs\": []}}\n"),
    );
    let msg = input_error(&[f]);
    assert!(msg.contains("y.jsonl line 2 is not a JIRA issue"), "{msg}");
}

#[test]
fn truncated_json_names_file_and_position() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "cut.json",
        "{\"issues\": [\n  {\"id\": \"1\",\n",
    );
    let msg = input_error(std::slice::from_ref(&f));
    assert_eq!(
        msg,
        format!(
            "{} is not valid JSON (EOF while parsing a value at line 3 column 0); \
             check the file was saved completely",
            f.display()
        )
    );
}

/// A byte that is not UTF-8 is a JSON error with its position, like any other.
#[test]
fn invalid_utf8_names_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.json");
    fs::write(&f, b"{\"issues\": [\n  {\"key\": \"caf\xe9\"}]}").unwrap();
    let msg = input_error(std::slice::from_ref(&f));
    assert_eq!(
        msg,
        format!(
            "{} is not valid JSON (invalid unicode code point at line 2 column 15); \
             check the file was saved completely",
            f.display()
        )
    );
}

#[test]
fn file_without_issues_says_what_it_found() {
    let dir = tempfile::tempdir().unwrap();
    let f = write(
        dir.path(),
        "w.json",
        r#"{"startAt": 0, "total": 1, "worklogs": []}"#,
    );
    let msg = input_error(std::slice::from_ref(&f));
    assert!(
        msg.starts_with(&format!(
            "{} holds no JIRA issues (found an object with keys startAt, total, worklogs); \
             expected a search response {{\"issues\": [...]}}",
            f.display()
        )),
        "{msg}"
    );
    let f = write(
        dir.path(),
        "doc.json",
        r#"{"type": "doc", "version": 1, "content": []}"#,
    );
    assert!(input_error(&[f]).contains("(found an Atlassian Document Format body)"));
}

#[test]
fn missing_path_and_incomplete_ticket_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.json");
    let msg = input_error(std::slice::from_ref(&gone));
    assert!(
        msg.starts_with(&format!("cannot read {}: ", gone.display())),
        "{msg}"
    );
    let mut bad = issue("3", "SUP-3", "2026-11-05T10:00:00.000+0000", "Open");
    bad["fields"]["updated"] = json!("later");
    let ok = issue("1", "SUP-1", "2026-11-05T10:00:00.000+0000", "Open");
    let f = write(
        dir.path(),
        "p.json",
        &json!({"issues": [ok, bad]}).to_string(),
    );
    let msg = input_error(std::slice::from_ref(&f));
    assert!(
        msg.starts_with(&format!(
            "{}, issue 2 of 2: ticket SUP-3: fields.updated \"later\" is not a timestamp like 2026-11-23T09:15:00.000+0000; export the issues",
            f.display()
        )),
        "{msg}"
    );
}

#[test]
fn ids_sort_numerically() {
    let dir = tempfile::tempdir().unwrap();
    let u = "2026-11-05T10:00:00.000+0000";
    let f = write(
        dir.path(),
        "s.json",
        &json!([
            issue("100", "SUP-100", u, "Open"),
            issue("20", "SUP-20", u, "Open"),
            issue("3", "SUP-3", u, "Open"),
        ])
        .to_string(),
    );
    let keys: Vec<String> = read_files(&[f], "priority")
        .unwrap()
        .into_iter()
        .map(|t| t.key)
        .collect();
    assert_eq!(keys, ["SUP-3", "SUP-20", "SUP-100"]);
}

/// Two links to `.`, one back to the parent and one to a sibling: the walk ends and reads
/// the one real file once, under its real path (links to folders are not followed).
#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed_and_end() {
    let dir = tempfile::tempdir().unwrap();
    let u = "2026-11-05T10:00:00.000+0000";
    write(
        dir.path(),
        "in/sub/a.json",
        &json!([issue("1", "SUP-1", u, "Open")]).to_string(),
    );
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, dir.path().join(at)).unwrap();
    };
    link(".", "in/loop1");
    link(".", "in/loop2");
    link("..", "in/sub/up");
    link("sub", "in/again");
    link("sub/a.json", "in/b.json");
    let files = walk::expand(&dir.path().join("in")).unwrap();
    let rel: Vec<String> = files
        .iter()
        .map(|f| f.strip_prefix(dir.path()).unwrap().display().to_string())
        .collect();
    // A link to a file is read; links to folders are not.
    assert_eq!(rel, ["in/b.json", "in/sub/a.json"]);
    let tickets = read_files(&[dir.path().join("in")], "priority").unwrap();
    assert_eq!(summary(&tickets), pairs(&[("SUP-1", "Open")]));
    // A folder named on the command line is read even through a link.
    let files = walk::expand(&dir.path().join("in/again")).unwrap();
    assert_eq!(files, [dir.path().join("in/again/a.json")]);
}

/// A FIFO named `*.json` (in a folder or given by name) is refused at once, not opened
/// for a writer that never comes.
#[cfg(target_os = "linux")]
#[test]
fn a_fifo_named_json_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let pipe = dir.path().join("in/pipe.json");
    fs::create_dir_all(pipe.parent().unwrap()).unwrap();
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &pipe,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    for path in [dir.path().join("in"), pipe.clone()] {
        let msg = input_error(&[path]);
        assert_eq!(
            msg,
            format!(
                "cannot read {}: it is a FIFO (named pipe), not a regular file; supportlens \
                 reads only regular files; remove it or name the export files themselves",
                pipe.display()
            )
        );
    }
}

/// An export file must hold the bytes its size says: a kernel file says 0 bytes and may
/// read without end (`report --input /proc/self/pagemap` read until killed), and a file
/// still being written grows. Refused, `.json` and `.jsonl` alike, naming the file;
/// `/proc/self/status` ends, so it can show it.
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_does_not_say_its_size_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["k.json", "k.jsonl"] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink("/proc/self/status", &link).unwrap();
        assert_eq!(
            input_error(std::slice::from_ref(&link)),
            format!(
                "cannot read {}: it did not hold the 0 bytes its size says: it is still being \
                 written, or it is a kernel file that does not say its size; copy it to a \
                 regular file once it is complete",
                link.display()
            )
        );
    }
}

/// A UTF-8 byte-order mark is skipped (JSON and JSONL); a UTF-16 file is refused saying so.
#[test]
fn byte_order_marks() {
    let dir = tempfile::tempdir().unwrap();
    let u = "2026-11-05T10:00:00.000+0000";
    let text = json!([issue("1", "SUP-1", u, "Open")]).to_string();
    let f = write(dir.path(), "bom.json", &format!("\u{feff}{text}"));
    assert_eq!(
        summary(&read_files(&[f], "priority").unwrap()),
        pairs(&[("SUP-1", "Open")])
    );
    let line = issue("2", "SUP-2", u, "Closed").to_string();
    let f = write(dir.path(), "bom.jsonl", &format!("\u{feff}{line}\n"));
    assert_eq!(
        summary(&read_files(&[f], "priority").unwrap()),
        pairs(&[("SUP-2", "Closed")])
    );
    let f = dir.path().join("u16.json");
    fs::write(&f, [0xFF, 0xFE, b'[', 0, b']', 0]).unwrap();
    assert_eq!(
        input_error(std::slice::from_ref(&f)),
        format!(
            "{} is UTF-16 text (it starts with a UTF-16 byte-order mark); JIRA exports are \
             UTF-8: save the file again as UTF-8",
            f.display()
        )
    );
}

/// A 5 MB value where a timestamp belongs gives a short error that still names the file,
/// the issue and the field.
#[test]
fn a_huge_value_is_shown_cut() {
    let dir = tempfile::tempdir().unwrap();
    let mut bad = issue("3", "SUP-3", "2026-11-05T10:00:00.000+0000", "Open");
    bad["fields"]["created"] = json!("x".repeat(5_000_000));
    let f = write(dir.path(), "big.json", &json!([bad]).to_string());
    let msg = input_error(std::slice::from_ref(&f));
    assert!(msg.len() < 400, "{} bytes", msg.len());
    assert!(
        msg.starts_with(&format!(
            "{}, issue 1 of 1: ticket SUP-3: fields.created \"{}\"… is not a timestamp",
            f.display(),
            "x".repeat(80)
        )),
        "{msg}"
    );
}

/// A `.json` file past 2 GiB is refused before it is read (it is read whole), saying to
/// write JSONL, which is read a line at a time.
#[test]
fn a_json_file_past_its_limit_is_refused_unread() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.json");
    std::fs::File::create(&path)
        .unwrap()
        .set_len((2 << 30) + 1)
        .unwrap();
    let msg = input_error(&[path]);
    assert!(
        msg.contains(
            "big.json is 2147483649 bytes, more than the 2048 MiB a .json file is read whole"
        ) && msg.contains("write the issues as JSONL"),
        "{msg}"
    );
}
