//! Fuzz target: a JIRA JSON file read into tickets as `import` reads it (`read_files`), and
//! the same text through the exporter's path (serde_json's `Value` into `parse_issue`).
//!
//! The first byte picks the file kind: even for `.json`, odd for `.jsonl`; the rest is the
//! file's text. A panic, an abort or a hang is a finding. For a single issue object the
//! paths must agree: where both read it, the same ticket; the import never keeps an issue
//! the exporter refuses.

use std::path::{Path, PathBuf};

use serde_json::Value;
use supportlens::jira::{parse_issue, read_files};

/// The default severity field of `supportlens.toml`.
const SEVERITY: &str = "priority";

fn main() {
    let dir = tempfile::tempdir().expect("a temporary folder for the fuzz input");
    let json = dir.path().join("input.json");
    let jsonl = dir.path().join("input.jsonl");
    afl::fuzz!(|data: &[u8]| {
        let Some((&kind, text)) = data.split_first() else {
            return;
        };
        let path: &PathBuf = if kind % 2 == 0 { &json } else { &jsonl };
        std::fs::write(path, text).expect("write the fuzz input");
        let from_file = read_files(std::slice::from_ref(path), SEVERITY);
        if kind % 2 == 0 {
            exporter_path(path, text, from_file);
        }
    });
}

/// Parses `text` as the exporter does and, for a single issue, compares with the import.
fn exporter_path(
    path: &Path,
    text: &[u8],
    from_file: anyhow::Result<Vec<supportlens::model::Ticket>>,
) {
    // A byte-order mark is the file's business, not the parser's: the import may skip it.
    let text = text.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(text);
    let Ok(doc) = serde_json::from_slice::<Value>(text) else {
        assert!(
            from_file.is_err(),
            "{}: import read text serde_json refuses",
            path.display()
        );
        return;
    };
    let issues: Vec<&Value> = match &doc {
        Value::Object(map) if map.contains_key("issues") => doc["issues"]
            .as_array()
            .map(|l| l.iter().collect())
            .unwrap_or_default(),
        Value::Array(list) => list.iter().collect(),
        other => vec![other],
    };
    for issue in &issues {
        let _ = parse_issue(issue, SEVERITY);
    }
    let single = doc.as_object().is_some_and(|o| {
        !o.contains_key("issues") && o.contains_key("key") && o.contains_key("fields")
    });
    if single {
        match (from_file, parse_issue(&doc, SEVERITY)) {
            (Ok(tickets), Ok(ticket)) => assert_eq!(tickets, vec![ticket]),
            (Ok(tickets), Err(e)) => panic!("import kept {tickets:?}, the exporter refused: {e}"),
            // The import may refuse more (file checks); the exporter never sees a file.
            (Err(_), _) => {}
        }
    }
}
