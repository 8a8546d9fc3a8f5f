//! Where a report's files go as they are rendered — one renderer, two sinks: the staging
//! folder of the report being written (`report`), or memory (`query`, the tests). A file
//! goes to disk through a buffer as it is rendered, so no large table is held whole.

use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

/// Bytes handed to the disk at once: large enough that a 100 MB table is a few hundred
/// writes, small enough to hold one per core without notice.
const BUFFER: usize = 256 * 1024;

/// The destination of a report's files.
#[derive(Debug)]
pub enum Sink {
    /// A folder, and every file written into it (for the systems where the folder's files
    /// are synced one by one).
    Folder {
        root: PathBuf,
        written: Mutex<Vec<PathBuf>>,
    },
    /// Each file's name and bytes.
    Memory(Mutex<Vec<(String, Vec<u8>)>>),
}

/// A report file that could not be written: the disk's or the `--out` folder's fault, not
/// the data's (the caller says which flag to check).
#[derive(Debug)]
pub struct Unwritten {
    path: PathBuf,
    source: io::Error,
}

impl std::fmt::Display for Unwritten {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "writing {}", self.path.display())
    }
}

impl std::error::Error for Unwritten {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

impl Sink {
    /// Files written into the folder `root` (which exists).
    pub fn folder(root: &Path) -> Sink {
        Sink::Folder {
            root: root.to_path_buf(),
            written: Mutex::new(Vec::new()),
        }
    }

    /// Files kept in memory.
    pub fn memory() -> Sink {
        Sink::Memory(Mutex::new(Vec::new()))
    }

    /// Puts the file `name` (a path inside the report folder, `/`-separated) whose bytes
    /// `fill` writes, creating its folder if needed. Files may be put from every core.
    pub fn put(
        &self,
        name: &str,
        fill: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
    ) -> Result<(), Unwritten> {
        match self {
            Sink::Folder { root, written } => {
                let path = root.join(name);
                write_file(root, &path, fill).map_err(|source| Unwritten {
                    path: path.clone(),
                    source,
                })?;
                lock(written).push(path);
                Ok(())
            }
            Sink::Memory(files) => {
                let mut bytes = Vec::new();
                fill(&mut bytes).map_err(|source| Unwritten {
                    path: name.into(),
                    source,
                })?;
                lock(files).push((name.to_string(), bytes));
                Ok(())
            }
        }
    }

    /// Puts the file `name` whose bytes are already rendered: written as they are, not
    /// copied through a buffer first (a report's charts and pages).
    pub fn bytes(&self, name: &str, bytes: &[u8]) -> Result<(), Unwritten> {
        match self {
            Sink::Folder { root, written } => {
                let path = root.join(name);
                let wrote = create(root, &path).and_then(|mut file| {
                    file.write_all(bytes)?;
                    start_writeback(&file, bytes.len() as u64);
                    Ok(())
                });
                wrote.map_err(|source| Unwritten {
                    path: path.clone(),
                    source,
                })?;
                lock(written).push(path);
                Ok(())
            }
            Sink::Memory(_) => self.put(name, |w| w.write_all(bytes)),
        }
    }

    /// The files written into the folder, in no particular order (none in memory).
    pub fn written(&self) -> Vec<PathBuf> {
        match self {
            Sink::Folder { written, .. } => lock(written).clone(),
            Sink::Memory(_) => Vec::new(),
        }
    }

    /// The files kept in memory, sorted by name (none for a folder).
    pub fn into_files(self) -> Vec<(String, Vec<u8>)> {
        match self {
            Sink::Folder { .. } => Vec::new(),
            Sink::Memory(files) => {
                let mut files = files.into_inner().unwrap_or_else(PoisonError::into_inner);
                files.sort_by(|a, b| a.0.cmp(&b.0));
                files
            }
        }
    }
}

/// Creates `path` inside `root` and writes `fill`'s bytes into it through a buffer; a
/// failed flush is an error like any failed write.
fn write_file(
    root: &Path,
    path: &Path,
    fill: impl FnOnce(&mut (dyn Write + Send)) -> io::Result<()>,
) -> io::Result<()> {
    let mut file = BufWriter::with_capacity(BUFFER, create(root, path)?);
    fill(&mut file)?;
    let file = file.into_inner().map_err(io::IntoInnerError::into_error)?;
    if let Ok(meta) = file.metadata() {
        start_writeback(&file, meta.len());
    }
    Ok(())
}

/// Creates the file `path` inside `root`, and its folder if needed; nothing once a signal
/// is ending the run (its removal of `root` must not be undone by a folder made again).
fn create(root: &Path, path: &Path) -> io::Result<std::fs::File> {
    if crate::interrupt::stopping() {
        return Err(io::Error::new(
            io::ErrorKind::Interrupted,
            "the run is being stopped by a signal",
        ));
    }
    if let Some(parent) = path.parent()
        && parent != root
    {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::File::create(path)
}

/// Asks the system to start writing a finished file of `len` bytes to the disk now,
/// without waiting, if it is large: the report is synced whole before it is swapped in,
/// and its large tables (hundreds of MB over two years) would otherwise sit in memory until
/// then and make that sync wait for all of them, while now the disk writes them while the
/// charts are drawn. Small files (the charts and pages) are left to the sync: asking costs
/// each file a fixed price (the system drains its page lists on every core). Only a hint:
/// where it is not supported, or fails, the final sync still writes everything.
fn start_writeback(file: &std::fs::File, len: u64) {
    if len < EARLY_WRITEBACK {
        return;
    }
    // On Linux, "no longer needed" starts the writeback of the file's dirty pages (and lets
    // the page cache drop them once written; nothing reads them back).
    #[cfg(target_os = "linux")]
    {
        let _ = rustix::fs::fadvise(file, 0, None, rustix::fs::Advice::DontNeed);
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = file;
    }
}

/// Files from this size on start their way to the disk as soon as they are written.
const EARLY_WRITEBACK: u64 = 1 << 20;

/// A list still whole when another thread panicked while holding it (it only grows).
fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A file put into a folder lands under its name, its folder created; the same file
    /// put into memory keeps the same bytes; a file that cannot be created names its path.
    #[test]
    fn a_folder_and_memory_take_the_same_files() {
        let dir = tempfile::tempdir().unwrap();
        let folder = Sink::folder(dir.path());
        let memory = Sink::memory();
        for sink in [&folder, &memory] {
            sink.put("charts/a.svg", |w| w.write_all(b"<svg/>"))
                .unwrap();
            sink.bytes("b.csv", b"x\r\n").unwrap();
        }
        assert_eq!(
            std::fs::read(dir.path().join("charts/a.svg")).unwrap(),
            b"<svg/>"
        );
        assert_eq!(std::fs::read(dir.path().join("b.csv")).unwrap(), b"x\r\n");
        let mut written = folder.written();
        written.sort();
        assert_eq!(
            written,
            [dir.path().join("b.csv"), dir.path().join("charts/a.svg")]
        );
        assert_eq!(
            memory.into_files(),
            [
                ("b.csv".to_string(), b"x\r\n".to_vec()),
                ("charts/a.svg".to_string(), b"<svg/>".to_vec())
            ]
        );
        // A folder where the file should be: the error names the file.
        std::fs::create_dir(dir.path().join("c.csv")).unwrap();
        let err = folder.bytes("c.csv", b"").unwrap_err();
        let err = anyhow::Error::new(err);
        assert!(
            format!("{err:#}")
                .starts_with(&format!("writing {}: ", dir.path().join("c.csv").display())),
            "{err:#}"
        );
    }
}
