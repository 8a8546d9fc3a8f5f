//! A child table read a part at a time: parts follow the file's row groups, so none is
//! decompressed twice, and the tables a snapshot writes come in row groups a pruned read
//! can skip.

use super::*;
use crate::snapshot::store::{self, Parts, ROWS_PER_GROUP};

/// Writes `df` as the table `name` of a snapshot folder `dir` and returns its entry.
fn stored(dir: &std::path::Path, name: &str, df: &mut DataFrame) -> store::TableEntry {
    let (staged, entry) = store::stage_table(dir, name, df).unwrap();
    store::commit(dir, vec![staged]).unwrap();
    entry
}

/// The file's row groups, as its footer lists them.
fn row_groups(path: &std::path::Path) -> Vec<usize> {
    let mut reader = ParquetReader::new(fs::File::open(path).unwrap());
    let metadata = reader.get_metadata().unwrap();
    metadata.row_groups.iter().map(|g| g.num_rows()).collect()
}

/// Every part of `entry`'s table as (first row, values of column `n`), read by group when
/// `by_group`.
fn parts(
    dir: &std::path::Path,
    entry: &store::TableEntry,
    rows: usize,
    by_group: bool,
) -> Vec<(usize, Vec<u32>)> {
    let mut parts = Parts::open(dir, entry, rows).unwrap();
    if by_group {
        parts = parts.by_group();
    }
    let mut out = Vec::new();
    while let Some((offset, df)) = parts.next_part().unwrap() {
        let n = df.column("n").unwrap().u32().unwrap();
        out.push((offset, n.into_no_null_iter().collect()));
    }
    out
}

#[test]
fn snapshot_tables_are_written_in_row_groups_parts_follow() {
    let dir = tempfile::tempdir().unwrap();
    let total = 3 * ROWS_PER_GROUP as u32 + 5;
    let mut df = df!("n" => (0..total).collect::<Vec<u32>>()).unwrap();
    let entry = stored(dir.path(), "comments", &mut df);
    let groups = row_groups(&dir.path().join("comments.parquet"));
    assert!(groups.len() >= 3, "{groups:?}");
    assert!(
        groups
            .iter()
            .all(|&g| g <= ROWS_PER_GROUP + ROWS_PER_GROUP / 8),
        "{groups:?}"
    );
    assert_eq!(groups.iter().sum::<usize>(), total as usize);

    // By group: one part per row group, each with its own rows.
    let got = parts(dir.path(), &entry, store::ROWS_PER_PART, true);
    let lens: Vec<usize> = got.iter().map(|(_, n)| n.len()).collect();
    assert_eq!(lens, groups);
    for (offset, n) in &got {
        let first = *offset as u32;
        assert_eq!(*n, (first..first + n.len() as u32).collect::<Vec<_>>());
    }
    // Otherwise whole groups while they fit: the three groups in one part, or two and one.
    let whole = parts(dir.path(), &entry, store::ROWS_PER_PART, false);
    assert_eq!(whole.len(), 1);
    assert_eq!(whole[0].1, (0..total).collect::<Vec<_>>());
    let two = parts(dir.path(), &entry, 2 * ROWS_PER_GROUP + 10, false);
    let lens: Vec<usize> = two.iter().map(|(_, n)| n.len()).collect();
    assert_eq!(lens, vec![groups[0] + groups[1], groups[2]]);

    // A cap below the group size cuts each group, never joins two.
    let capped = parts(dir.path(), &entry, 50_000, true);
    assert_eq!(
        capped.iter().map(|(_, n)| n.len()).collect::<Vec<_>>(),
        parts(dir.path(), &entry, 50_000, false)
            .iter()
            .map(|(_, n)| n.len())
            .collect::<Vec<_>>()
    );
    let mut want = Vec::new();
    for g in &groups {
        let mut left = *g;
        while left > 0 {
            want.push(left.min(50_000));
            left -= left.min(50_000);
        }
    }
    assert_eq!(
        capped.iter().map(|(_, n)| n.len()).collect::<Vec<_>>(),
        want
    );
    let all: Vec<u32> = capped.into_iter().flat_map(|(_, n)| n).collect();
    assert_eq!(all, (0..total).collect::<Vec<_>>());
}

/// Rewrites the table of `entry` in `dir` in row groups of `group` rows, as another writer
/// might, and returns its new entry.
fn regrouped(
    dir: &std::path::Path,
    entry: store::TableEntry,
    df: &mut DataFrame,
    group: usize,
) -> store::TableEntry {
    let path = dir.join(format!("{}.parquet", entry.name));
    ParquetWriter::new(fs::File::create(&path).unwrap())
        .with_row_group_size(Some(group))
        .finish(df)
        .unwrap();
    let bytes = fs::read(&path).unwrap();
    store::TableEntry {
        bytes: bytes.len() as u64,
        sha256: format!("{:x}", <sha2::Sha256 as sha2::Digest>::digest(&bytes)),
        ..entry
    }
}

#[test]
fn tiny_row_groups_are_read_together_and_in_order() {
    // A snapshot written by another writer, in groups of 1,000 rows: a part takes whole
    // groups until it holds 16,384 rows or more (17 groups), never cutting one.
    let dir = tempfile::tempdir().unwrap();
    let mut df = df!("n" => (0..40_000u32).collect::<Vec<u32>>()).unwrap();
    let entry = stored(dir.path(), "comments", &mut df);
    let entry = regrouped(dir.path(), entry, &mut df, 1_000);
    let groups = row_groups(&dir.path().join("comments.parquet"));
    assert_eq!(groups, vec![1_000; 40]);
    let got = parts(dir.path(), &entry, store::ROWS_PER_PART, true);
    let starts: Vec<usize> = got.iter().map(|(offset, _)| *offset).collect();
    assert_eq!(starts, vec![0, 17_000, 34_000]);
    let all: Vec<u32> = got.into_iter().flat_map(|(_, n)| n).collect();
    assert_eq!(all, (0..40_000).collect::<Vec<_>>());
    // Read whole, the table is one part under the default cap, 8,000 rows under 8,500.
    let whole = parts(dir.path(), &entry, store::ROWS_PER_PART, false);
    assert_eq!(whole.len(), 1);
    let capped = parts(dir.path(), &entry, 8_500, false);
    let lens: Vec<usize> = capped.iter().map(|(_, n)| n.len()).collect();
    assert_eq!(lens, vec![8_000; 5]);

    // Under a cap, whole groups while they fit; a group larger than the cap is cut.
    let capped = parts(dir.path(), &entry, 2_500, true);
    let lens: Vec<usize> = capped.iter().map(|(_, n)| n.len()).collect();
    assert_eq!(lens, vec![2_000; 20]);
    let small = parts(dir.path(), &entry, 700, true);
    let lens: Vec<usize> = small.iter().map(|(_, n)| n.len()).collect();
    assert_eq!(lens, [700, 300].repeat(40));
    let all: Vec<u32> = small.into_iter().flat_map(|(_, n)| n).collect();
    assert_eq!(all, (0..40_000).collect::<Vec<_>>());
}
