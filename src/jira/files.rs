//! JIRA JSON files on disk turned into tickets: which files a path names, which JSON shapes
//! hold issues, and which copy of a ticket wins when it appears more than once.
//!
//! Accepted shapes: a search response (`{"issues": [...]}`, Cloud or Server, with or
//! without paging keys), an array of issues, a single issue, or `.jsonl` with one issue per
//! line. Every problem is a `Failure::input` (exit 3) naming the file and what to do.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

mod walk;

use super::json::{Json, get};
use super::parse::issue as parse_issue;
use crate::error::Failure;
use crate::model::{LatestById, Ticket};

/// Reads every ticket in `paths` (files, or directories read recursively), keeps the latest
/// copy of each ticket by `fields.updated` (ties: the later occurrence) and returns them
/// sorted by numeric id.
pub fn read_files(paths: &[PathBuf], severity_field: &str) -> anyhow::Result<Vec<Ticket>> {
    let mut latest = LatestById::default();
    for path in paths {
        for file in walk::expand(path)? {
            read_file(&file, severity_field, &mut |t| latest.offer(t))?;
        }
    }
    Ok(latest.into_sorted())
}

fn is_jsonl(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "jsonl")
}

/// Hands every ticket in one file to `sink`, in file order.
fn read_file(
    path: &Path,
    severity_field: &str,
    sink: &mut dyn FnMut(Ticket),
) -> anyhow::Result<()> {
    // A FIFO or device named *.json is refused here instead of blocking the run.
    let file = crate::input_file::open(path).map_err(|e| {
        if crate::input_file::is_machine_limit(&e) {
            return crate::input_file::refused_by_machine("cannot open", path, &e);
        }
        Failure::input(if e.kind() == std::io::ErrorKind::InvalidInput {
            format!(
                "cannot read {}: {e}; remove it or name the export files themselves",
                path.display()
            )
        } else {
            format!(
                "cannot open {}: {e}; check the path exists and is readable",
                path.display()
            )
        })
    })?;
    if is_jsonl(path) {
        read_jsonl(path, file, severity_field, sink)
    } else {
        read_json(path, file, severity_field, sink)
    }
}

/// The error for a file that could not be read to its end.
fn unreadable(path: &Path, e: std::io::Error) -> anyhow::Error {
    // A file that changed size while read: the error already says what to do.
    let what = if e.kind() == std::io::ErrorKind::InvalidData {
        ""
    } else {
        "; check the path exists and is readable"
    };
    Failure::input(format!("cannot read {}: {e}{what}", path.display())).into()
}

/// The largest `.json` file read: it is read whole and parsed into a document that borrows
/// from it, so an import takes about six times its size (20,000 issues: a 150 MB file
/// peaked at 950 MiB, as JSONL at 300 MiB). A search page is a few MB; an organisation's
/// whole history belongs in JSONL, which is read a line at a time.
const MAX_JSON_BYTES: u64 = 2 << 30;

fn read_json(
    path: &Path,
    file: File,
    severity_field: &str,
    sink: &mut dyn FnMut(Ticket),
) -> anyhow::Result<()> {
    // The document borrows its strings from the bytes, so they are read whole first; the
    // parser checks their UTF-8 and names the line and column of a bad byte. Only the
    // bytes the file's size says are read: a kernel file would read without end.
    let len = file.metadata().map_err(|e| unreadable(path, e))?.len();
    if len > MAX_JSON_BYTES {
        return Err(Failure::input(format!(
            "{} is {len} bytes, more than the {} MiB a .json file is read whole (with the \
             document parsed from it); write the issues as JSONL (one issue per line, named \
             *.jsonl), which is read a line at a time",
            path.display(),
            MAX_JSON_BYTES >> 20
        ))
        .into());
    }
    let bytes =
        crate::input_file::read_sized(file, MAX_JSON_BYTES).map_err(|e| unreadable(path, e))?;
    let doc: Json = serde_json::from_slice(without_bom(path, &bytes)?).map_err(|e| {
        Failure::input(format!(
            "{} is not valid JSON ({e}); check the file was saved completely",
            path.display()
        ))
    })?;
    let issues: &[Json] = match &doc {
        Json::Object(map) if map.contains_key("issues") => match get(&doc, "issues") {
            Json::Array(issues) => issues,
            Json::Null => &[],
            _ => {
                return Err(Failure::input(format!(
                    "{}: \"issues\" is not a list; expected a JIRA search response",
                    path.display()
                ))
                .into());
            }
        },
        Json::Array(issues) => issues,
        doc if is_issue(doc) => std::slice::from_ref(doc),
        other => return Err(Failure::input(no_issues(path, other)).into()),
    };
    let count = issues.len();
    // Parsed on every core, a batch at a time: the first bad issue ends the read there, so
    // a file of a million broken issues costs one batch, not a million errors (each an
    // `anyhow::Error` that captures a backtrace under RUST_BACKTRACE=1: 15 s and 2.4 GB).
    let mut tickets = Vec::with_capacity(count);
    for (b, batch) in issues.chunks(LINES_PER_BATCH).enumerate() {
        let parsed: Vec<Result<Ticket, String>> = batch
            .par_iter()
            .map(|issue| parse_issue(issue, severity_field))
            .collect();
        // In file order, so the first bad issue is the one reported.
        for (i, ticket) in parsed.into_iter().enumerate() {
            tickets.push(ticket.map_err(|e| {
                Failure::input(format!(
                    "{}, issue {} of {}: {e}; export the issues with their fields \
                     (created, updated, issuetype, status) or remove it from the file",
                    path.display(),
                    b * LINES_PER_BATCH + i + 1,
                    count
                ))
            })?);
        }
    }
    // The document and its text are freed before the tickets go on.
    drop(doc);
    drop(bytes);
    for ticket in tickets {
        sink(ticket);
    }
    Ok(())
}

/// The UTF-8 byte-order mark some Windows tools write first.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// The text after a UTF-8 byte-order mark, which JSON does not allow but Windows editors
/// and PowerShell's `Out-File` write: it is skipped. A UTF-16 mark means the whole file is
/// in an encoding JIRA never sends; it is refused with a message saying so.
fn without_bom<'a>(path: &Path, bytes: &'a [u8]) -> anyhow::Result<&'a [u8]> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(Failure::input(format!(
            "{} is UTF-16 text (it starts with a UTF-16 byte-order mark); JIRA exports are \
             UTF-8: save the file again as UTF-8",
            path.display()
        ))
        .into());
    }
    Ok(bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes))
}

/// Lines of a `.jsonl` file (or issues of a `.json` one) parsed at once, on every core:
/// enough to keep both busy, few enough that memory stays flat on a file of any size.
const LINES_PER_BATCH: usize = 2048;

fn read_jsonl(
    path: &Path,
    file: File,
    severity_field: &str,
    sink: &mut dyn FnMut(Ticket),
) -> anyhow::Result<()> {
    // Only the bytes the file's size says are read, then one more is asked for: a file
    // that grew while read, or a kernel file that says 0 bytes, is refused (see
    // `read_sized`), never read without end.
    let len = file.metadata().map_err(|e| unreadable(path, e))?.len();
    let mut reader = BufReader::new(file.take(len));
    let mut lines = (&mut reader).lines().enumerate();
    loop {
        let batch: Vec<(usize, String)> = lines
            .by_ref()
            .take(LINES_PER_BATCH)
            .map(|(i, line)| {
                let n = i + 1;
                let line = line.map_err(|e| {
                    Failure::input(format!("{} line {n}: cannot read: {e}", path.display()))
                })?;
                if n == 1 {
                    let bytes = without_bom(path, line.as_bytes())?;
                    if bytes.len() < line.len() {
                        return Ok((n, line[line.len() - bytes.len()..].to_string()));
                    }
                }
                Ok::<_, anyhow::Error>((n, line))
            })
            .collect::<anyhow::Result<_>>()?;
        if batch.is_empty() {
            break;
        }
        let parsed: Vec<anyhow::Result<Option<Ticket>>> = batch
            .par_iter()
            .map(|(n, line)| parse_line(path, *n, line, severity_field))
            .collect();
        // In file order, so the first bad line is the one reported.
        for ticket in parsed {
            if let Some(t) = ticket? {
                sink(t);
            }
        }
    }
    let mut more = [0u8; 1];
    match reader.into_inner().into_inner().read(&mut more) {
        Ok(0) => Ok(()),
        Ok(_) => Err(unreadable(path, crate::input_file::changed_size(len))),
        Err(e) => Err(unreadable(path, e)),
    }
}

/// One `.jsonl` line: a ticket, or None for a blank line.
fn parse_line(
    path: &Path,
    n: usize,
    line: &str,
    severity_field: &str,
) -> anyhow::Result<Option<Ticket>> {
    if line.trim().is_empty() {
        return Ok(None);
    }
    let issue: Json = serde_json::from_str(line).map_err(|e| {
        Failure::input(format!(
            "{} line {n} is not valid JSON ({e}); check the file was saved completely \
             and holds one issue per line",
            path.display()
        ))
    })?;
    if !is_issue(&issue) {
        return Err(Failure::input(format!(
            "{} line {n} is not a JIRA issue (no \"key\" and \"fields\"); \
             a .jsonl file holds one issue object per line",
            path.display()
        ))
        .into());
    }
    let ticket = parse_issue(&issue, severity_field).map_err(|e| {
        Failure::input(format!(
            "{} line {n}: {e}; export the issues with their fields \
             (created, updated, issuetype, status) or remove the line",
            path.display()
        ))
    })?;
    Ok(Some(ticket))
}

/// A single issue object, as `/rest/api/*/issue/{key}` returns it.
fn is_issue(v: &Json) -> bool {
    v.as_object()
        .is_some_and(|o| o.contains_key("key") && o.contains_key("fields"))
}

/// Says what the file looks like instead, so a worklog page or an ADF body saved by
/// mistake is recognised at a glance.
fn no_issues(path: &Path, doc: &Json) -> String {
    let found = match doc {
        Json::Object(_) if get(doc, "type").as_str() == Some("doc") => {
            "an Atlassian Document Format body".to_string()
        }
        Json::Object(map) => {
            // In byte order, as a sorted map lists them.
            let mut keys: Vec<&str> = map.keys().collect();
            keys.sort_unstable();
            keys.dedup();
            keys.truncate(6);
            let keys: Vec<_> = keys.into_iter().map(|k| crate::error::cut(k, 80)).collect();
            format!("an object with keys {}", keys.join(", "))
        }
        Json::Str(_) => "a string".to_string(),
        Json::Number(_) => "a number".to_string(),
        Json::Bool(_) => "a boolean".to_string(),
        Json::Null => "null".to_string(),
        Json::Array(_) => "a list".to_string(),
    };
    format!(
        "{} holds no JIRA issues (found {found}); expected a search response \
         {{\"issues\": [...]}}, a list of issues, a single issue with \"key\" and \"fields\", \
         or a .jsonl file with one issue per line",
        path.display()
    )
}

#[cfg(test)]
mod tests;
