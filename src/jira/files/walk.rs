//! Which files a path given to `import` or `report --input` stands for: the file itself, or
//! every non-hidden `.json` / `.jsonl` file under a folder, in byte order of path.
//!
//! Inside a folder, symbolic links to folders are not followed: every such link leads out
//! of the tree (an import would wander over whatever it points at, `/` included) or back
//! into it (a loop, `a -> .`, or a second copy of files already read). Each one skipped is
//! named in a warning, so a linked export folder is not left out unnoticed: name it on the
//! command line to read it. A folder given on the command line may itself be a link.
//! Real folders are also read once each (by device and inode), so a bind mount that loops
//! ends too. Links to files are read. A link named `*.json` that leads nowhere (dangling,
//! or a loop) is kept, so that opening it names it in the error instead of it being
//! skipped in silence.

use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::path::{Path, PathBuf};

use crate::error::Failure;

/// Folders nested deeper than this below the given path are refused: no export is laid
/// out that deep, and the bound keeps a pathological tree from exhausting the stack.
const MAX_DEPTH: usize = 64;

/// The files `path` stands for, sorted by the bytes of their paths.
pub(super) fn expand(path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let meta = fs::metadata(path).map_err(|e| {
        if crate::input_file::is_machine_limit(&e) {
            return crate::input_file::refused_by_machine("cannot read", path, &e);
        }
        Failure::input(format!(
            "cannot read {}: {e}; check the path exists and is readable",
            path.display()
        ))
    })?;
    if !meta.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut walk = Walk {
        top: path,
        seen: HashSet::new(),
        files: Vec::new(),
    };
    walk.folder(path, &meta, 0)?;
    let mut files = walk.files;
    files.sort_by(|a, b| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    });
    Ok(files)
}

struct Walk<'a> {
    top: &'a Path,
    /// The folders already read, by device and inode.
    seen: HashSet<(u64, u64)>,
    files: Vec<PathBuf>,
}

impl Walk<'_> {
    fn folder(&mut self, dir: &Path, meta: &Metadata, depth: usize) -> anyhow::Result<()> {
        if let Some(id) = identity(meta)
            && !self.seen.insert(id)
        {
            return Ok(());
        }
        if depth > MAX_DEPTH {
            return Err(Failure::input(format!(
                "{} is nested more than {MAX_DEPTH} folders below {}; name a folder nearer \
                 the export files",
                dir.display(),
                self.top.display()
            ))
            .into());
        }
        let unreadable = |e: std::io::Error| {
            if crate::input_file::is_machine_limit(&e) {
                return crate::input_file::refused_by_machine("cannot read directory", dir, &e);
            }
            Failure::input(format!("cannot read directory {}: {e}", dir.display()))
        };
        let mut entries = fs::read_dir(dir)
            .map_err(unreadable)?
            .map(|e| e.map(|e| e.file_name()))
            .collect::<Result<Vec<_>, _>>()
            .map_err(unreadable)?;
        entries.sort_by(|a, b| a.as_encoded_bytes().cmp(b.as_encoded_bytes()));
        for name in entries {
            if name.as_encoded_bytes().starts_with(b".") {
                continue;
            }
            let path = dir.join(&name);
            let is_link = fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink());
            match fs::metadata(&path) {
                Ok(m) if m.is_dir() && is_link => crate::stderr_line!(
                    "supportlens: warning: {} is a link to a folder, which is not followed \
                     inside a folder; name it on the command line to read it",
                    crate::error::cut(&path.display().to_string(), 300)
                ),
                Ok(m) if m.is_dir() => self.folder(&path, &m, depth + 1)?,
                // Files of any other type are kept too: opening one that is not a regular
                // file (a FIFO, a device) is refused there with its name.
                Ok(_) | Err(_) if is_export(&path) => self.files.push(path),
                _ => {}
            }
        }
        Ok(())
    }
}

/// True for a `.json` or `.jsonl` name.
fn is_export(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e == "json" || e == "jsonl")
}

/// The device and inode of a folder, which every link to it shares.
#[cfg(unix)]
fn identity(meta: &Metadata) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    Some((meta.dev(), meta.ino()))
}

/// Without inodes only the depth bound stops a loop.
#[cfg(not(unix))]
fn identity(_: &Metadata) -> Option<(u64, u64)> {
    None
}
