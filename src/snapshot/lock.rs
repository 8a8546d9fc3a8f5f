//! One supportlens run per data folder: an exclusive OS lock on `<dir>/.lock`, held for the
//! life of a [`Lock`]. The OS drops the lock when the process ends, so a crashed run never
//! leaves the folder locked.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::error::Failure;

/// Name of the lock file inside the data folder.
const LOCK_FILE: &str = ".lock";

/// Proof that this run owns the data folder; the lock is released when it is dropped.
#[derive(Debug)]
pub struct Lock {
    // Held only for its OS lock, which closing the file releases.
    _file: File,
    path: PathBuf,
}

impl Lock {
    /// The lock file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Creates `dir` if needed and takes the exclusive lock on `dir/.lock`. Another run holding
/// it is a `Failure::locked` (exit 5).
pub fn lock(dir: &Path) -> Result<Lock> {
    // A data folder that cannot be created or written is the run's setting: exit 2.
    let unwritable = |what: String, e: std::io::Error| -> anyhow::Error {
        Failure::usage(format!(
            "{what}: {e}; check that --data {} is a folder you can write",
            dir.display()
        ))
        .into()
    };
    fs::create_dir_all(dir).map_err(|e| {
        unwritable(
            format!("cannot create the data folder {}", dir.display()),
            e,
        )
    })?;
    let path = dir.join(LOCK_FILE);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| unwritable(format!("cannot open the lock file {}", path.display()), e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder(&mut file);
            return Err(Failure::locked(format!(
                "another supportlens run{holder} is using the data folder {}; wait for it to \
                 finish, or check for a stuck cron job",
                dir.display()
            ))
            .into());
        }
        Err(TryLockError::Error(e)) => {
            return Err(unwritable(format!("cannot lock {}", path.display()), e));
        }
    }
    // The process id is only a hint for whoever finds the folder locked.
    let _ = file
        .set_len(0)
        .and_then(|()| writeln!(file, "{}", std::process::id()))
        .and_then(|()| file.flush());
    Ok(Lock { _file: file, path })
}

/// " (process N)" from the lock file, or nothing when the holder left no readable id.
fn holder(file: &mut File) -> String {
    let mut text = String::new();
    let _ = file.rewind().and_then(|()| file.read_to_string(&mut text));
    match text.trim().parse::<u32>() {
        Ok(pid) => format!(" (process {pid})"),
        Err(_) => String::new(),
    }
}
