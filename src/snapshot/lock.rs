//! One writer or any number of readers per data folder: an OS lock on `<dir>/.lock`, held
//! for the life of a [`Lock`]: exclusive for `import` and `export` ([`lock`]), shared for
//! `report` and `query` ([`lock_existing`]), so a lead's report runs beside cron's while no
//! import can change the snapshot under either. The OS drops the lock when the process
//! ends, so a crashed run never leaves the folder locked. A commit a crash stopped midway
//! is undone under the exclusive lock before anyone reads (a reader that finds one takes
//! the lock alone to do it), so what a holder reads is a whole snapshot.
//!
//! The lock file is supportlens's own: a symbolic link, FIFO or anything else that is not
//! a regular file in its place is refused (exit 2) and never followed, opened for writing
//! or truncated, so a planted `.lock -> /etc/passwd` cannot make a run overwrite a file.
//! Readers ([`lock_existing`]) never create the data folder or the lock file in a folder
//! that holds no snapshot.

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
    // A writer's: its temporary files go if a signal stops it. First, so it ends before
    // the lock does (fields drop in order): another writer's files are never swept.
    _sweep: Option<crate::interrupt::Registered>,
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

/// For commands that only read the snapshot: a folder without one is a `Failure::input`
/// (exit 3) before anything is created in it. The lock is shared with other readers and
/// refused (exit 5) while a writer holds it. Under a shared lock no commit can be midway,
/// so a folder a crash left midway is found as such: the reader then gives the lock up and
/// takes it alone, as [`lock`] does, to put the folder right, and reads under that.
pub fn lock_existing(dir: &Path) -> Result<Lock> {
    if !super::exists(dir) {
        return Err(Failure::input(format!(
            "no snapshot in {}; run `supportlens import FILES…` or `supportlens export` \
             first, or pass the right folder with --data",
            dir.display()
        ))
        .into());
    }
    let shared = acquire_as(dir, "--data", "data folder", true)?;
    if !super::store::interrupted(dir) {
        return Ok(shared);
    }
    drop(shared);
    lock(dir)
}

/// Undoes a commit a crash stopped midway, under the exclusive lock on `dir`.
fn recover(dir: &Path) -> Result<()> {
    super::store::recover(dir).map_err(|e| -> anyhow::Error {
        Failure::usage(format!(
            "{e:#}; check that --data {} is a folder you can write",
            dir.display()
        ))
        .into()
    })
}

/// Creates `dir` if needed and takes the exclusive lock on `dir/.lock`. Another run holding
/// it is a `Failure::locked` (exit 5).
pub fn lock(dir: &Path) -> Result<Lock> {
    let mut lock = acquire(dir, "--data", "data folder")?;
    // A commit a crash stopped midway is undone before anyone reads the folder.
    recover(dir)?;
    lock._sweep = Some(crate::interrupt::sweep_data_on_interrupt(dir));
    Ok(lock)
}

/// The lock on the report folder `--out` (`<out>/.lock`), held by every report while it
/// writes its folder and, when delivered, until the last message is recorded, so two
/// deliveries of one week never both send and no report carries over a record older than
/// a message sent (SPEC §7: nobody is mailed twice). Another holder is exit 5.
pub fn lock_out(dir: &Path) -> Result<Lock> {
    acquire(dir, "--out", "report folder")
}

/// Creates `dir` if needed and takes the exclusive lock on `dir/.lock`; `flag` and `what_folder`
/// name the folder in messages.
fn acquire(dir: &Path, flag: &str, what_folder: &str) -> Result<Lock> {
    acquire_as(dir, flag, what_folder, false)
}

/// As [`acquire`], the lock taken shared (other readers may hold it too) when `shared`.
fn acquire_as(dir: &Path, flag: &str, what_folder: &str, shared: bool) -> Result<Lock> {
    // A folder that cannot be created or written is the run's setting: exit 2.
    let unwritable = |what: String, e: std::io::Error| -> anyhow::Error {
        Failure::usage(format!(
            "{what}: {e}; check that {flag} {} is a folder you can write",
            dir.display()
        ))
        .into()
    };
    fs::create_dir_all(dir).map_err(|e| {
        unwritable(
            format!("cannot create the {what_folder} {}", dir.display()),
            e,
        )
    })?;
    let path = dir.join(LOCK_FILE);
    let not_ours = |what: &str| -> anyhow::Error {
        Failure::usage(format!(
            "the lock file {} is {what}, not a file supportlens made; supportlens does not \
             follow or overwrite it: remove it (`rm {}`) and run again",
            path.display(),
            path.display()
        ))
        .into()
    };
    if is_symlink(&path) {
        return Err(not_ours("a symbolic link"));
    }
    // A reader may read a snapshot it cannot write (a read-only mount, a backup): a shared
    // lock needs no write access, so the lock file is then opened to read (and its process
    // id hint left as it is). It must exist: such a folder cannot get one.
    let mut writable = true;
    let opened = open_lock_file(&path).or_else(|e| {
        let cannot_write = matches!(
            e.kind(),
            std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
        );
        if !(shared && cannot_write) {
            return Err(e);
        }
        writable = false;
        open_lock_file_to_read(&path).map_err(|_| e)
    });
    let mut file = opened.map_err(|e| {
        // A link put in place since the look above: O_NOFOLLOW refused it.
        if is_symlink(&path) {
            not_ours("a symbolic link")
        } else {
            unwritable(format!("cannot open the lock file {}", path.display()), e)
        }
    })?;
    let meta = file
        .metadata()
        .map_err(|e| unwritable(format!("cannot read the lock file {}", path.display()), e))?;
    if !meta.is_file() {
        return Err(not_ours(crate::input_file::kind(&meta.file_type())));
    }
    // A hard link shares its bytes with another name, which the pid below would overwrite.
    #[cfg(unix)]
    if std::os::unix::fs::MetadataExt::nlink(&meta) > 1 {
        return Err(not_ours("a hard link to another file"));
    }
    let taken = if shared {
        file.try_lock_shared()
    } else {
        file.try_lock()
    };
    match taken {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let holder = holder(&mut file);
            return Err(Failure::locked(format!(
                "another supportlens run{holder} is using the {what_folder} {}; wait for it \
                 to finish, or check for a stuck cron job",
                dir.display()
            ))
            .into());
        }
        Err(TryLockError::Error(e)) => {
            return Err(unwritable(format!("cannot lock {}", path.display()), e));
        }
    }
    // The process id is only a hint for whoever finds the folder locked: of readers, the
    // latest one's (an earlier one may still hold the lock when it has gone).
    if writable {
        let _ = file
            .set_len(0)
            .and_then(|()| writeln!(file, "{}", std::process::id()))
            .and_then(|()| file.flush());
    }
    Ok(Lock {
        _sweep: None,
        _file: file,
        path,
    })
}

/// Opens (creating if needed) the lock file without following a symbolic link in its
/// place and without blocking on a FIFO: `O_NOFOLLOW | O_NONBLOCK`.
#[cfg(unix)]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .custom_flags(nofollow_nonblock())
        .open(path)
}

/// Opens the existing lock file to read only, as [`open_lock_file`] does otherwise.
#[cfg(unix)]
fn open_lock_file_to_read(path: &Path) -> std::io::Result<File> {
    use std::os::unix::fs::OpenOptionsExt;
    OpenOptions::new()
        .read(true)
        .custom_flags(nofollow_nonblock())
        .open(path)
}

#[cfg(not(unix))]
fn open_lock_file_to_read(path: &Path) -> std::io::Result<File> {
    OpenOptions::new().read(true).open(path)
}

#[cfg(target_os = "linux")]
fn nofollow_nonblock() -> i32 {
    use rustix::fs::OFlags;
    (OFlags::NOFOLLOW | OFlags::NONBLOCK).bits() as i32
}

/// Other systems rely on the look for a link before opening (a race remains that Linux's
/// flags close).
#[cfg(all(unix, not(target_os = "linux")))]
fn nofollow_nonblock() -> i32 {
    0
}

#[cfg(not(unix))]
fn open_lock_file(path: &Path) -> std::io::Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}

/// True when a symbolic link (dangling or not) is at `path`.
fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
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
