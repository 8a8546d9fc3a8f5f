//! A snapshot read a chunk at a time: the same tickets as one read, in the same order, for
//! every chunk size and child-table part size, pruned or not; who is who from a first pass
//! when the snapshot has no `people.parquet`; and a table out of the stored order is a
//! damaged snapshot (exit 3), never a wrong report.

use sha2::{Digest, Sha256};

use super::prune::{START, settings, snapshot, tickets, window};
use super::*;
use crate::progress::Progress;

const AS_OF: &str = "2026-11-25T00:00";

/// The tickets a report reads whole, read `chunk` tickets and `part_rows` child rows at a
/// time, and what the read says of people.
fn chunked(
    dir: &Path,
    w: Option<Window>,
    prune: bool,
    chunk: usize,
    part_rows: usize,
) -> Result<(Vec<Ticket>, Option<Whole>, bool)> {
    let opened = open(dir, &mut Progress::quiet())?;
    let mut selected = opened.select(w, prune, chunk, &mut Progress::quiet())?;
    selected.part_rows = part_rows;
    let whole = selected.take_whole();
    if !selected.is_chunked() {
        return Ok((selected.read_all()?, whole, false));
    }
    let mut out = Vec::new();
    let mut chunks = selected.chunks()?;
    while let Some(tickets) = chunks.next_chunk()? {
        // A chunk is at most `chunk` rows of the tickets table.
        assert!(
            tickets.len() <= chunk,
            "{} tickets in a chunk of {chunk}",
            tickets.len()
        );
        out.extend(tickets);
    }
    Ok((out, whole, true))
}

#[test]
fn every_chunk_and_part_size_reads_the_tickets_of_one_read() {
    let all = tickets();
    let n = all.len();
    let dir = snapshot(&all);
    let s = settings(true);
    let w = window(&s, START, AS_OF);
    let whole_read = read(dir.path()).unwrap().0;
    assert_eq!(whole_read.len(), n);
    let (pruned_read, pruned_whole, _) = chunked(dir.path(), Some(w), true, usize::MAX, 4).unwrap();
    let left_out = pruned_whole.unwrap().left_out;
    assert!(left_out > 0 && pruned_read.len() == n - left_out);
    for chunk in [1, 2, 3, 5, n - 1, n] {
        for part_rows in [1, 2, 3, 1 << 18] {
            let what = format!("chunk {chunk}, part {part_rows}");
            let (got, whole, was_chunked) =
                chunked(dir.path(), Some(w), false, chunk, part_rows).unwrap();
            assert_eq!(was_chunked, chunk < n, "{what}");
            assert_eq!(got, whole_read, "{what}");
            // Read in chunks, who is who comes from people.parquet, nothing left out.
            assert_eq!(
                whole.map(|w| w.left_out),
                (chunk < n).then_some(0),
                "{what}"
            );
            let (got, whole, _) = chunked(dir.path(), Some(w), true, chunk, part_rows).unwrap();
            assert_eq!(got, pruned_read, "pruned, {what}");
            assert_eq!(whole.unwrap().left_out, left_out, "pruned, {what}");
        }
    }
    // Without a window nothing is measured: the tickets come at once.
    let (got, _, was_chunked) = chunked(dir.path(), None, false, 1, 1).unwrap();
    assert!(!was_chunked);
    assert_eq!(got, whole_read);
}

#[test]
fn a_pruned_read_skips_parts_without_a_kept_row_and_keeps_every_row_of_the_rest() {
    let all = tickets();
    let dir = snapshot(&all);
    let s = settings(true);
    let w = window(&s, START, AS_OF);
    let whole_read = read(dir.path()).unwrap().0;
    for part_rows in [1, 2, 3, 5, 1 << 18] {
        // At once (one chunk of every ticket), pruned: parts of child rows of left-out
        // tickets only are skipped, whatever the part size.
        let (got, whole, was_chunked) =
            chunked(dir.path(), Some(w), true, usize::MAX, part_rows).unwrap();
        assert!(!was_chunked);
        let left_out = whole.unwrap().left_out;
        assert!(left_out > 0, "part {part_rows}");
        let kept: Vec<&str> = got.iter().map(|t| t.key.as_str()).collect();
        // Each ticket read whole is the one a whole read gives, with all its child rows.
        let expected: Vec<&Ticket> = whole_read
            .iter()
            .filter(|t| kept.contains(&t.key.as_str()))
            .collect();
        assert_eq!(got.len() + left_out, whole_read.len(), "part {part_rows}");
        assert_eq!(got.iter().collect::<Vec<_>>(), expected, "part {part_rows}");
        assert!(
            got.iter().any(|t| !t.comments.is_empty()) && got.iter().any(|t| !t.changes.is_empty()),
            "the kept tickets have child rows"
        );
    }
}

/// Drops the index from the snapshot in `dir`, as a snapshot written before it had one.
fn drop_index(dir: &Path) {
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(MANIFEST)).unwrap()).unwrap();
    manifest.as_object_mut().unwrap().remove("index");
    manifest["tables"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["name"] != "index" && e["name"] != "people");
    fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
    fs::remove_file(dir.join("index.parquet")).unwrap();
    fs::remove_file(dir.join("people.parquet")).unwrap();
}

/// Without people.parquet, a read in chunks finds who is who in a first pass: the same
/// people and addresses as classifying every ticket at once.
#[test]
fn a_snapshot_without_people_parquet_is_read_in_chunks_after_a_people_pass() {
    let mut all = tickets();
    // An address JIRA sent, changed later on another ticket: the latest one wins.
    let mut first = all[0].clone();
    first.assignee.as_mut().unwrap().email = Some("ann@old.example".into());
    all[0] = first;
    let last = all.len() - 1;
    if let Some(a) = all[last].assignee.as_mut() {
        a.email = Some("late@example.com".into());
    }
    for engineers in [true, false] {
        let dir = snapshot(&all);
        drop_index(dir.path());
        let s = settings(engineers);
        let w = window(&s, START, AS_OF);
        let whole_read = read(dir.path()).unwrap().0;
        let timelines: Vec<crate::timeline::Timeline> = whole_read
            .iter()
            .map(|t| crate::timeline::Timeline::build(t, &s.types.severity_field, w.as_of))
            .collect();
        let expected = crate::metrics::People::new(&s, &whole_read, &timelines);
        for chunk in [1, 4] {
            let (got, whole, was_chunked) = chunked(dir.path(), Some(w), true, chunk, 2).unwrap();
            assert!(was_chunked);
            // The people pass keeps the addresses; the chunks measured after it do not.
            assert_eq!(got, without_emails(&whole_read));
            let whole = whole.expect("who is who across the snapshot");
            assert_eq!(whole.left_out, 0, "no index, nothing left out");
            let staff: Vec<&str> = whole.people.staff().collect();
            assert_eq!(staff, expected.staff().collect::<Vec<_>>(), "{engineers}");
            assert!(!staff.is_empty());
            for t in &whole_read {
                let ids = t
                    .comments
                    .iter()
                    .filter_map(|c| c.author.as_ref())
                    .chain(t.assignee.as_ref())
                    .chain(t.reporter.as_ref());
                for p in ids {
                    assert_eq!(whole.people.name(&p.id), expected.name(&p.id), "{}", p.id);
                    assert_eq!(whole.people.is_bot(&p.id), expected.is_bot(&p.id));
                }
            }
            assert_eq!(
                whole.addresses,
                crate::delivery::jira_addresses(&whole_read)
            );
        }
    }
}

/// `tickets` with every person's address taken out, as a report that knows every address
/// from the whole snapshot reads them.
fn without_emails(tickets: &[Ticket]) -> Vec<Ticket> {
    let strip = |p: &mut Option<crate::model::PersonRef>| {
        if let Some(p) = p {
            p.email = None;
        }
    };
    let mut out = tickets.to_vec();
    for t in &mut out {
        strip(&mut t.assignee);
        strip(&mut t.reporter);
        t.comments.iter_mut().for_each(|c| strip(&mut c.author));
        t.worklogs.iter_mut().for_each(|w| strip(&mut w.author));
        t.changes.iter_mut().for_each(|c| strip(&mut c.author));
    }
    out
}

/// A report whose window comes with who is who across the snapshot reads no person's
/// address (it has them all from `people.parquet`), pruned or not, at once or in chunks;
/// a read without a window keeps every one.
#[test]
fn a_report_that_knows_every_address_reads_none() {
    let mut all = tickets();
    let email = |p: &mut Option<crate::model::PersonRef>, e: &str| {
        if let Some(p) = p {
            p.email = Some(e.into());
        }
    };
    for t in &mut all {
        email(&mut t.assignee, "assignee@example.com");
        email(
            &mut t.reporter,
            "a.reporter.with.a.long.address@example.com",
        );
        t.comments
            .iter_mut()
            .for_each(|c| email(&mut c.author, "commenter.with.a.long.address@example.com"));
        t.worklogs
            .iter_mut()
            .for_each(|w| email(&mut w.author, "w@example.com"));
        t.changes
            .iter_mut()
            .for_each(|c| email(&mut c.author, "changer.with.a.long.address@example.com"));
    }
    let dir = snapshot(&all);
    let s = settings(true);
    let w = window(&s, START, AS_OF);
    // A read without a window keeps every address (in id order, as it sorts them).
    let mut all = all;
    crate::model::sort_by_id(&mut all);
    assert_eq!(read(dir.path()).unwrap().0, all);
    let (got, _, _) = chunked(dir.path(), None, false, 1, 1).unwrap();
    assert_eq!(got, all);
    let (pruned, whole, was_chunked) = chunked(dir.path(), Some(w), true, usize::MAX, 2).unwrap();
    assert!(!was_chunked);
    let whole = whole.unwrap();
    assert!(whole.left_out > 0);
    assert_eq!(whole.addresses, crate::delivery::jira_addresses(&all));
    let kept: Vec<Ticket> = without_emails(&all)
        .into_iter()
        .filter(|t| pruned.iter().any(|p| p.id == t.id))
        .collect();
    assert_eq!(pruned, kept);
    for (prune, chunk) in [(true, 3), (false, 3), (false, 1)] {
        let (got, whole, was_chunked) = chunked(dir.path(), Some(w), prune, chunk, 2).unwrap();
        assert!(was_chunked);
        assert!(whole.is_some());
        let want = if prune { &kept } else { &without_emails(&all) };
        assert_eq!(&got, want, "prune {prune}, chunk {chunk}");
    }
}

/// Rewrites table `name` of the snapshot in `dir` through `change`, with the manifest made
/// to match, as a snapshot written by something else would be.
fn rewrite(dir: &Path, name: &str, change: impl FnOnce(DataFrame) -> DataFrame) {
    let path = dir.join(format!("{name}.parquet"));
    let df = ParquetReader::new(fs::File::open(&path).unwrap())
        .finish()
        .unwrap();
    let mut df = change(df);
    ParquetWriter::new(fs::File::create(&path).unwrap())
        .finish(&mut df)
        .unwrap();
    let bytes = fs::read(&path).unwrap();
    let sha: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut manifest: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join(MANIFEST)).unwrap()).unwrap();
    for e in manifest["tables"].as_array_mut().unwrap() {
        if e["name"] == name {
            e["bytes"] = bytes.len().into();
            e["sha256"] = sha.clone().into();
            e["rows"] = df.height().into();
        }
    }
    fs::write(dir.join(MANIFEST), manifest.to_string()).unwrap();
}

fn damaged_text(dir: &Path, chunk: usize) -> String {
    let s = settings(true);
    let err = chunked(dir, Some(window(&s, START, AS_OF)), false, chunk, 2).unwrap_err();
    assert_eq!(kind(&err), Some(Kind::Input));
    let text = format!("{err:#}");
    assert!(text.contains("incomplete or damaged"), "{text}");
    text
}

/// Child rows not grouped in the tickets table's order cannot be read in chunks: a
/// damaged snapshot naming the table and the row, where one read still sorts them out.
#[test]
fn child_rows_out_of_ticket_order_are_a_damaged_snapshot_in_chunks() {
    let all = tickets();
    let dir = snapshot(&all);
    rewrite(dir.path(), "comments", |df| df.reverse());
    let text = damaged_text(dir.path(), 3);
    assert!(text.contains("comments.parquet"), "{text}");
    assert!(text.contains("grouped by ticket"), "{text}");
    // At once, the rows are sorted out as before.
    let (tickets_read, _) = read(dir.path()).unwrap();
    assert_eq!(tickets_read.len(), all.len());
}

/// A tickets table not sorted by id cannot be read in chunks (items point into the whole
/// list by place): damaged, where one read sorts it.
#[test]
fn a_tickets_table_out_of_id_order_is_a_damaged_snapshot_in_chunks() {
    let all = tickets();
    let dir = snapshot(&all);
    // Every child table emptied, so only the tickets' order is wrong.
    for name in ["comments", "worklogs", "changes"] {
        rewrite(dir.path(), name, |df| df.slice(0, 0));
    }
    rewrite(dir.path(), "tickets", |df| df.reverse());
    let text = damaged_text(dir.path(), 2);
    assert!(text.contains("not sorted by ticket id"), "{text}");
    assert_eq!(read(dir.path()).unwrap().0.len(), all.len());
}

/// A comment or worklog row repeated in a hand-edited table counted twice in every metric
/// of its ticket: refused as damage naming the table, the id and the ticket, by a whole
/// read and a chunked one alike.
#[test]
fn a_comment_or_worklog_row_repeated_is_damage() {
    for (table, what) in [
        ("comments", "comment id \"501\""),
        ("worklogs", "worklog id \"77\""),
    ] {
        let mut ticket = full_ticket();
        if table == "comments" {
            ticket.comments.push(ticket.comments[0].clone());
        } else {
            ticket.worklogs.push(ticket.worklogs[0].clone());
        }
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[bare_ticket(), ticket], &meta()).unwrap();
        let said = format!("{table}.parquet: {what} of ticket \"SUP-10\" appears twice");
        let err = read(dir.path()).unwrap_err();
        assert_eq!(kind(&err), Some(Kind::Input));
        assert!(format!("{err:#}").contains(&said), "{err:#}");
        let s = settings(true);
        let w = Some(window(&s, START, AS_OF));
        let opened = open(dir.path(), &mut Progress::quiet()).unwrap();
        let selected = opened.select(w, false, 1, &mut Progress::quiet()).unwrap();
        assert!(selected.is_chunked());
        let err = chunked(dir.path(), w, false, 1, 1).unwrap_err();
        assert!(format!("{err:#}").contains(&said), "{err:#}");
    }
}

/// An instant of the pruning index outside the years the data is read in (an index edited
/// by hand) is damage, as in the data's own tables: a ticket's last event dated in year
/// 10,000 or before 1900 would have the window prune it, or keep it, wrongly.
#[test]
fn an_index_instant_outside_the_years_read_is_damage() {
    let all = tickets();
    let dir = snapshot(&all);
    rewrite(dir.path(), "index", |mut df| {
        let dtype = df.column("last_event").unwrap().dtype().clone();
        // 10000-01-01T00:00:00Z in milliseconds.
        let at = Series::new(
            "last_event".into(),
            vec![253_402_300_800_000_i64; df.height()],
        )
        .cast(&dtype)
        .unwrap();
        df.with_column(at.into_column()).unwrap();
        df
    });
    let s = settings(true);
    let w = Some(window(&s, START, AS_OF));
    let opened = open(dir.path(), &mut Progress::quiet()).unwrap();
    let err = match opened.select(w, true, 1, &mut Progress::quiet()) {
        Ok(_) => panic!("an index dated in the year 10000 was read"),
        Err(e) => e,
    };
    assert_eq!(kind(&err), Some(Kind::Input));
    let text = format!("{err:#}");
    assert!(
        text.contains("index.parquet") && text.contains("column `last_event` is out of range"),
        "{text}"
    );
}
