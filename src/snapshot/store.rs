//! The files of a snapshot and how they are replaced: every new file is written to a
//! temporary name in the data folder and fsynced (all side by side), then renamed into place with
//! `snapshot.json` last, under a rollback journal (`.supportlens-commit/`: hard links to the
//! replaced files) that a failed rename, or the next run after a crash, uses to put the
//! previous snapshot back. `snapshot.json` also records each table's size, row count and
//! SHA-256, so files changed behind supportlens's back are caught on read.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tempfile::NamedTempFile;

use super::Meta;

mod commit;
mod unread;
#[cfg(test)]
pub(super) use commit::commit_until;
pub(super) use commit::{commit, interrupted, recover, sweep};
pub(super) use unread::Unread;

/// The file that ties the tables together; renamed into place last.
pub(super) const MANIFEST: &str = "snapshot.json";

/// Bumped when the tables' layout changes, so an older snapshot is rebuilt, not misread.
pub(super) const FORMAT: u32 = 1;

/// `snapshot.json`: the metadata plus what each table file must look like.
#[derive(Debug, Serialize, Deserialize)]
pub(super) struct Manifest {
    pub format: u32,
    #[serde(flatten)]
    pub meta: Meta,
    pub tables: Vec<TableEntry>,
    /// Set when the side files `index.parquet` and `people.parquet` are among `tables`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub index: Option<super::index::IndexInfo>,
}

/// What the manifest records about one table file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct TableEntry {
    pub name: String,
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// A finished temporary file waiting to be renamed onto `target`.
pub(super) struct Staged {
    temp: NamedTempFile,
    target: PathBuf,
}

/// Writes `df` as `<name>.parquet`'s replacement, fsynced, and describes it.
pub(super) fn stage_table(
    dir: &Path,
    name: &str,
    df: &mut DataFrame,
) -> Result<(Staged, TableEntry)> {
    let file = format!("{name}.parquet");
    let (temp, target) = temp_for(dir, &file)?;
    let mut out = HashingWriter::new(BufWriter::new(temp.as_file()));
    ParquetWriter::new(&mut out)
        .with_compression(ParquetCompression::Zstd(None))
        .with_row_group_size(Some(ROWS_PER_GROUP))
        .finish(df)
        .map_err(anyhow::Error::from)
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    let (bytes, sha256) = out
        .finish()
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    let entry = TableEntry {
        name: name.to_owned(),
        rows: df.height() as u64,
        bytes,
        sha256,
    };
    Ok((Staged { temp, target }, entry))
}

/// Writes the manifest's replacement, fsynced.
pub(super) fn stage_manifest(dir: &Path, manifest: &Manifest) -> Result<Staged> {
    let (temp, target) = temp_for(dir, MANIFEST)?;
    let mut out = BufWriter::new(temp.as_file());
    serde_json::to_writer_pretty(&mut out, manifest)
        .map_err(io::Error::from)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush())
        .with_context(|| format!("cannot write {}", temp.path().display()))?;
    drop(out);
    Ok(Staged { temp, target })
}

/// The table file of `entry`, opened and checked against it (size and SHA-256), and its
/// path for messages.
fn open_checked(dir: &Path, entry: &TableEntry) -> std::result::Result<(PathBuf, File), Unread> {
    let path = dir.join(format!("{}.parquet", entry.name));
    // Decoding sizes its columns by the row count: 2^31 rows claimed by a 9 KB file asked
    // for 32 GB at once, 2^60 overflowed. Every row holds an id, so a table takes well over
    // a byte a row (L's tables take about 12).
    if entry.rows > entry.bytes.saturating_mul(MAX_ROWS_PER_BYTE) {
        return Err(format!(
            "{MANIFEST} says {} holds {} rows in {} bytes, more than {MAX_ROWS_PER_BYTE} a byte",
            path.display(),
            entry.rows,
            entry.bytes
        )
        .into());
    }
    let mut file = crate::input_file::open_own(&path)
        .map_err(|e| Unread::io(format!("cannot open {}", path.display()), &e))?;
    // No further than one byte past the size the manifest says: past it the file is not
    // the one described, however long it goes on.
    let (bytes, sha256) = hash(&mut (&mut file).take(entry.bytes.saturating_add(1)))
        .map_err(|e| Unread::io(format!("cannot read {}", path.display()), &e))?;
    if bytes != entry.bytes || sha256 != entry.sha256 {
        return Err(format!(
            "{} is not the file {MANIFEST} describes ({bytes} bytes, expected {})",
            path.display(),
            entry.bytes
        )
        .into());
    }
    Ok((path, file))
}

/// Most rows a table file may hold per byte of it (see [`open_checked`]).
const MAX_ROWS_PER_BYTE: u64 = 16;

/// Opens a table file, checks it against the manifest and reads it.
pub(super) fn load_table(dir: &Path, entry: &TableEntry) -> std::result::Result<DataFrame, Unread> {
    let (path, mut file) = open_checked(dir, entry)?;
    file.rewind()
        .map_err(|e| Unread::io(format!("cannot read {}", path.display()), &e))?;
    let unreadable = |e: PolarsError| format!("cannot read {} as Parquet: {e}", path.display());
    let mut reader = ParquetReader::new(file);
    // The footer's counts, checked before anything is decoded by them.
    let metadata = reader.get_metadata().map_err(unreadable)?;
    footer_rows(&path, metadata, entry)?;
    let df = reader.finish().map_err(unreadable)?;
    if df.height() as u64 != entry.rows {
        return Err(format!(
            "{} has {} rows, {MANIFEST} expects {}",
            path.display(),
            df.height(),
            entry.rows
        )
        .into());
    }
    Ok(df)
}

/// The rows of a table file's footer, which must be the manifest's (a part that ends
/// exactly at a count claiming fewer rows would otherwise stop the read short), and the
/// sum of its row groups'.
fn footer_rows(
    path: &Path,
    metadata: &FileMetadataRef,
    entry: &TableEntry,
) -> std::result::Result<usize, Unread> {
    let stored = metadata.num_rows;
    if stored as u64 != entry.rows {
        return Err(format!(
            "{} has {stored} rows, {MANIFEST} expects {}",
            path.display(),
            entry.rows
        )
        .into());
    }
    let groups = metadata
        .row_groups
        .iter()
        .fold(0usize, |sum, g| sum.saturating_add(g.num_rows()));
    if groups != stored {
        return Err(format!(
            "{}: its row groups hold {groups} rows, its footer says {stored}",
            path.display()
        )
        .into());
    }
    Ok(stored)
}

/// Rows of a part read by [`Parts`] at most: a row group larger than this is read in parts
/// (polars' default cut a table into groups of 262,144 to 524,287 rows: the snapshots
/// written before [`ROWS_PER_GROUP`]).
pub(super) const ROWS_PER_PART: usize = 512 * 512;

/// The row group size the tables a snapshot writes are given: polars cuts a table of `n`
/// rows into `n / ROWS_PER_GROUP` groups of equal size (one when `n` is smaller), so each
/// holds 65,536 to 131,071 rows. A report that leaves tickets out reads a child table's row
/// group only when one of its rows belongs to a ticket it reads (see
/// `read::Selected::read_all`); tickets are stored in id order, so the old tickets a short
/// window cannot see fill whole row groups of their own, which are then never
/// decompressed. Smaller groups would skip more, at a few more bytes per group and a read
/// call each (BENCHMARKS.md, "Row groups").
pub const ROWS_PER_GROUP: usize = 1 << 16;

/// Rows a part read [`Parts::by_group`] takes whole row groups up to: tiny groups (another
/// writer's, or a damaged file's) are read together. The groups a snapshot writes are
/// larger.
const MIN_PART_ROWS: usize = 1 << 14;

/// A table's file opened once and checked against its manifest entry (size and SHA-256),
/// then read a part at a time, so no part of it is held beyond the part in hand. A part
/// holds whole row groups while they fit in `rows` rows, or `rows` rows of a larger group:
/// no group is decompressed twice. Each read has a fixed cost (on L's 104 weeks, parts of
/// one 65,536-row group each made the read 0.3-0.6 s slower than parts of three), so a
/// reader that takes every part reads large ones, and one that skips parts
/// ([`Parts::by_group`]) reads one group at a time. The parts are read from the file
/// checked, even if the folder's file is replaced meanwhile.
pub(super) struct Parts {
    path: PathBuf,
    file: File,
    total: usize,
    rows: usize,
    /// A part goes on over the next whole groups while it is shorter than this.
    fill: usize,
    /// The first row of each row group after the first, in order.
    groups: Vec<usize>,
    /// The file's footer, read once: every part's reader is handed it instead of reading
    /// and parsing it again (a file of many small row groups would make that quadratic).
    metadata: FileMetadataRef,
    /// The next row to read; `None` once the file's end was reached.
    next: Option<usize>,
}

impl Parts {
    pub(super) fn open(
        dir: &Path,
        entry: &TableEntry,
        rows: usize,
    ) -> std::result::Result<Parts, Unread> {
        let (path, file) = open_checked(dir, entry)?;
        let unreadable = |e: PolarsError| format!("cannot read {} as Parquet: {e}", path.display());
        let mut reader = ParquetReader::new(
            file.try_clone()
                .map_err(|e| Unread::io(format!("cannot read {}", path.display()), &e))?,
        );
        let metadata = reader.get_metadata().map_err(unreadable)?.clone();
        let stored = footer_rows(&path, &metadata, entry)?;
        let mut groups = Vec::with_capacity(metadata.row_groups.len());
        let mut end = 0usize;
        for group in &metadata.row_groups {
            if end > 0 {
                groups.push(end);
            }
            end = end.saturating_add(group.num_rows());
        }
        Ok(Parts {
            path,
            file,
            total: stored,
            rows: rows.max(1),
            fill: rows.max(1),
            groups,
            metadata,
            next: Some(0),
        })
    }

    /// Parts of one row group each (tiny groups together, up to [`MIN_PART_ROWS`]), for a
    /// reader that reads a part only when one of its rows is wanted: the finer the parts,
    /// the more it skips.
    pub(super) fn by_group(mut self) -> Parts {
        self.fill = MIN_PART_ROWS.min(self.rows);
        self
    }

    /// The next part and the number of its first row (from 0), or `None` after the last.
    /// A file that gives fewer or more rows than its footer promised is an error.
    pub(super) fn next_part(&mut self) -> std::result::Result<Option<(usize, DataFrame)>, Unread> {
        self.next_part_of(None)
    }

    /// [`Parts::next_part`] with only `columns` read (every column when `None`): a reader
    /// that needs one column to know whether it wants the part reads the rest with
    /// [`Parts::part_at`].
    pub(super) fn next_part_of(
        &mut self,
        columns: Option<&[&str]>,
    ) -> std::result::Result<Option<(usize, DataFrame)>, Unread> {
        let Some(offset) = self.next else {
            return Ok(None);
        };
        let df = self.read_at(offset, columns)?;
        let read = offset + df.height();
        self.next = (read < self.total).then_some(read);
        Ok(Some((offset, df)))
    }

    /// The part that starts at row `offset` (as [`Parts::next_part_of`] handed it out), with
    /// every column.
    pub(super) fn part_at(&self, offset: usize) -> std::result::Result<DataFrame, Unread> {
        self.read_at(offset, None)
    }

    /// How many rows the part starting at row `offset` holds: the rest of its row group,
    /// cut at `rows`; a part shorter than `fill` goes on over the next whole groups while
    /// they fit under `rows`, so a file of many tiny groups is not read a few rows per
    /// call.
    fn len_at(&self, offset: usize) -> usize {
        let cap = offset.saturating_add(self.rows).min(self.total);
        let later = self.groups.partition_point(|&start| start <= offset);
        let ends = self.groups[later..]
            .iter()
            .copied()
            .chain(std::iter::once(self.total));
        let mut end = offset;
        for group_end in ends {
            if group_end > cap {
                if end == offset {
                    // The group is larger than a part: cut.
                    end = cap;
                }
                break;
            }
            end = group_end;
            if end - offset >= self.fill {
                break;
            }
        }
        end - offset
    }

    fn read_at(
        &self,
        offset: usize,
        columns: Option<&[&str]>,
    ) -> std::result::Result<DataFrame, Unread> {
        let path = self.path.display();
        let file = self
            .file
            .try_clone()
            .map_err(|e| Unread::io(format!("cannot read {path}"), &e))?;
        let len = self.len_at(offset);
        let mut reader = ParquetReader::new(file);
        reader.set_metadata(self.metadata.clone());
        let df = reader
            .with_slice(Some((offset, len)))
            .with_columns(columns.map(|c| c.iter().map(|s| s.to_string()).collect()))
            .finish()
            .map_err(|e| format!("cannot read {path} as Parquet: {e}"))?;
        if df.height() != len {
            // The footer promised rows its pages do not hold (or more).
            return Err(format!(
                "{path} has {} rows, {MANIFEST} expects {}",
                offset + df.height(),
                self.total
            )
            .into());
        }
        Ok(df)
    }
}

#[cfg(test)]
/// Reads the table of `entry` in parts of `rows` rows (see [`Parts`]), handing each to
/// `part`; the first error `part` returns stops the read and is returned.
pub(super) fn load_table_parts(
    dir: &Path,
    entry: &TableEntry,
    rows: usize,
    mut part: impl FnMut(DataFrame) -> std::result::Result<(), String>,
) -> std::result::Result<(), Unread> {
    let mut parts = Parts::open(dir, entry, rows)?;
    while let Some((_, df)) = parts.next_part()? {
        part(df)?;
    }
    Ok(())
}

fn temp_for(dir: &Path, file: &str) -> Result<(NamedTempFile, PathBuf)> {
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{file}."))
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("cannot create a temporary file in {}", dir.display()))?;
    Ok((temp, dir.join(file)))
}

fn sync(temp: &NamedTempFile) -> Result<()> {
    temp.as_file()
        .sync_all()
        .with_context(|| format!("cannot flush {} to disk", temp.path().display()))
}

/// Makes the renames themselves durable. Best effort: not every platform can open a
/// folder for syncing, and the data files are already on disk.
fn sync_dir(dir: &Path) {
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Size and SHA-256 (hex) of everything `reader` yields.
fn hash(reader: &mut impl Read) -> io::Result<(u64, String)> {
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut total = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        total += n as u64;
    }
    Ok((total, hex(&hasher.finalize())))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Counts and hashes bytes on their way to the file, so a table is not read back to be
/// described.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> Self {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }

    fn finish(mut self) -> io::Result<(u64, String)> {
        self.inner.flush()?;
        Ok((self.bytes, hex(&self.hasher.finalize())))
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}
