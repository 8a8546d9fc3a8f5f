//! Row counts in `snapshot.json` that do not match a child table's file, read in chunks:
//! a damaged snapshot (exit 3) like a read at once, never rows silently read short.

use super::prune::{START, settings, snapshot, tickets, window};
use super::*;
use crate::progress::Progress;

const AS_OF: &str = "2026-11-25T00:00";

fn chunked(dir: &Path, chunk: usize, part_rows: usize) -> Result<Vec<Ticket>> {
    let s = settings(true);
    let w = window(&s, START, AS_OF);
    let opened = open(dir, &mut Progress::quiet())?;
    let mut selected = opened.select(Some(w), false, chunk, &mut Progress::quiet())?;
    selected.part_rows = part_rows;
    assert!(selected.is_chunked());
    let mut out = Vec::new();
    let mut chunks = selected.chunks()?;
    while let Some(t) = chunks.next_chunk()? {
        out.extend(t);
    }
    Ok(out)
}

/// Sets the row count `snapshot.json` gives table `name` (the file itself untouched).
fn claim_rows(dir: &Path, name: &str, rows: usize) {
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(MANIFEST)).unwrap()).unwrap();
    for e in manifest["tables"].as_array_mut().unwrap() {
        if e["name"] == name {
            e["rows"] = rows.into();
        }
    }
    fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
}

/// A manifest claiming fewer child rows than the file holds is a damaged snapshot read at
/// once (exit 3); read in chunks the rows past the claim must not be silently dropped.
#[test]
fn a_row_count_that_claims_fewer_rows_is_damaged_in_chunks_too() {
    let all = tickets();
    let dir = snapshot(&all);
    let comments: usize = all.iter().map(|t| t.comments.len()).sum();
    assert!(comments > 4, "{comments}");
    // A multiple of the part size, below the real count.
    claim_rows(dir.path(), "comments", 4);
    let at_once = read(dir.path()).unwrap_err();
    assert_eq!(kind(&at_once), Some(Kind::Input), "{at_once:#}");
    match chunked(dir.path(), 3, 2) {
        Err(e) => assert_eq!(kind(&e), Some(Kind::Input), "{e:#}"),
        Ok(got) => {
            let read: usize = got.iter().map(|t| t.comments.len()).sum();
            panic!("read in chunks: {read} of {comments} comments, and no error");
        }
    }
}

/// A manifest claiming more child rows than the file holds, the file a whole number of
/// parts: exit 3, no panic (polars is asked for a part past the file's end).
#[test]
fn a_row_count_that_claims_more_rows_is_damaged_in_chunks() {
    let all = tickets();
    let dir = snapshot(&all);
    let comments: usize = all.iter().map(|t| t.comments.len()).sum();
    claim_rows(dir.path(), "comments", comments + 5);
    for part in [1, comments] {
        let e = chunked(dir.path(), 3, part).unwrap_err();
        assert_eq!(kind(&e), Some(Kind::Input), "{e:#}");
        assert!(format!("{e:#}").contains("comments.parquet"), "{e:#}");
    }
}
