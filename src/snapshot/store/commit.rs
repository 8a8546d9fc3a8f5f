//! A commit: the staged files renamed into place under a rollback journal, and the undoing
//! of a commit a crash stopped midway.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, anyhow};

use super::{MANIFEST, Staged, sync, sync_dir};

/// Renames every staged file into place in order, under a rollback journal: hard links to
/// the files being replaced and the list of every file the commit writes, published by one
/// rename before the first file is replaced and retired by one rename after the last. A
/// failed rename, or the next run after a crash (see [`recover`]), puts the previous files
/// back and removes those that had none, so the folder holds the old snapshot or the new
/// one, never a mix.
pub(in crate::snapshot) fn commit(dir: &Path, staged: Vec<Staged>) -> Result<()> {
    let stop = std::env::var(ABORT_ENV).ok().and_then(|v| v.parse().ok());
    if !commit_until(dir, staged, stop)? {
        // Only a test asks for this: the process dies here as under `kill -9`.
        std::process::abort();
    }
    Ok(())
}

/// Test-only (integration tests): `SUPPORTLENS_TEST_ABORT_COMMIT=N` aborts the process at the
/// commit's checkpoint N (see [`commit_until`]), like a `kill -9` at that moment.
const ABORT_ENV: &str = "SUPPORTLENS_TEST_ABORT_COMMIT";

/// [`commit`], stopping dead at checkpoint `stop` if given (returns false then, leaving
/// every file as a crash would): 0 with the journal built but not published, 1 with it
/// published, 1 + i once i files are renamed into place, and `staged.len() + 2` once the
/// journal is retired but not yet deleted.
pub(in crate::snapshot) fn commit_until(
    dir: &Path,
    staged: Vec<Staged>,
    stop: Option<usize>,
) -> Result<bool> {
    let halt = |at: usize| stop == Some(at);
    // Every file reaches the disk before any is renamed. The flushes run side by side:
    // the file system joins them into one journal commit, so five cost about one (an
    // export commits its progress often, and this was most of a small snapshot's write).
    // A thread that cannot start (memory or threads exhausted: `scope.spawn` would panic)
    // leaves its file to be flushed here, after the others.
    std::thread::scope(|scope| {
        let mut inline = Vec::new();
        let flushing: Vec<_> = staged
            .iter()
            .filter_map(|s| {
                let started = std::thread::Builder::new().spawn_scoped(scope, || sync(&s.temp));
                started.map_err(|_| inline.push(s)).ok()
            })
            .collect();
        inline.into_iter().try_for_each(|s| sync(&s.temp))?;
        flushing.into_iter().try_for_each(|h| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow!("a file flush panicked")))
        })
    })?;
    // A journal left by a crash is undone first (the lock's taker normally did it already).
    undo_stopped_commit(dir)?;
    let building = tempfile::Builder::new()
        .prefix(RETIRED_PREFIX)
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a backup folder in {}", dir.display()))?;
    let mut targets = String::new();
    for s in &staged {
        let name = file_name(&s.target)?;
        let is_file = fs::symlink_metadata(&s.target).is_ok_and(|m| m.is_file());
        if is_file {
            let link = building.path().join(name);
            fs::hard_link(&s.target, &link)
                .or_else(|_| fs::copy(&s.target, &link).map(|_| ()))
                .with_context(|| format!("cannot keep a copy of {}", s.target.display()))?;
        }
        targets.push_str(name);
        targets.push('\n');
    }
    let list = building.path().join(TARGETS);
    File::create(&list)
        .and_then(|mut f| f.write_all(targets.as_bytes()).and_then(|()| f.sync_all()))
        .with_context(|| format!("cannot write {}", list.display()))?;
    sync_dir(building.path());
    let building = building.keep();
    if halt(0) {
        staged.into_iter().for_each(|s| drop(s.temp.keep()));
        return Ok(false);
    }
    let journal = dir.join(JOURNAL);
    fs::rename(&building, &journal)
        .with_context(|| format!("cannot create {}", journal.display()))?;
    sync_dir(dir);
    let count = staged.len();
    let mut staged = staged.into_iter();
    for i in 0..=count {
        if halt(1 + i) {
            staged.for_each(|s| drop(s.temp.keep()));
            return Ok(false);
        }
        let Some(s) = staged.next() else { break };
        if let Err(e) = s.temp.persist(&s.target) {
            let outcome = match roll_back(dir) {
                Ok(()) => "the previous snapshot was kept".to_string(),
                Err(r) => format!(
                    "the previous snapshot could not be put back yet ({r:#}); the next run \
                     puts it back"
                ),
            };
            return Err(anyhow!(e.error))
                .with_context(|| format!("cannot replace {}; {outcome}", s.target.display()));
        }
    }
    sync_dir(dir);
    // The commit point: once the journal is gone, the new files are the snapshot.
    let retired = retire(dir)?;
    if halt(count + 2) {
        return Ok(false);
    }
    let _ = fs::remove_dir_all(retired);
    Ok(true)
}

/// The rollback journal's folder; its presence means a commit stopped midway.
const JOURNAL: &str = ".supportlens-commit";
/// In the journal: the names of every file the commit writes, one a line.
const TARGETS: &str = ".targets";
/// Journals being built or retired; nothing reads them, [`sweep`] deletes them.
const RETIRED_PREFIX: &str = ".supportlens-backup-";

/// Moves the journal out of the way in one rename, so it is whole or absent.
fn retire(dir: &Path) -> Result<PathBuf> {
    let journal = dir.join(JOURNAL);
    let retired = dir.join(format!(
        "{RETIRED_PREFIX}{}-{}",
        std::process::id(),
        chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
    ));
    fs::rename(&journal, &retired)
        .with_context(|| format!("cannot remove {}", journal.display()))?;
    sync_dir(dir);
    Ok(retired)
}

/// Puts back what a commit stopped midway replaced: each file the journal lists gets its
/// kept version back, or is removed if it had none. Repeatable: the kept versions stay in
/// the journal until all are back, so a crash during this is undone by the next run.
fn roll_back(dir: &Path) -> Result<()> {
    let journal = dir.join(JOURNAL);
    let list = journal.join(TARGETS);
    let targets =
        fs::read_to_string(&list).with_context(|| format!("cannot read {}", list.display()))?;
    for name in targets.lines().filter(|n| is_plain_name(n)) {
        let target = dir.join(name);
        let kept = journal.join(name);
        if kept.is_file() {
            // A new link is renamed into place, so the kept version stays for a re-run.
            let temp = dir.join(format!(".{name}.restore.tmp"));
            let _ = fs::remove_file(&temp);
            fs::hard_link(&kept, &temp)
                .or_else(|_| fs::copy(&kept, &temp).map(|_| ()))
                .and_then(|()| fs::rename(&temp, &target))
                .with_context(|| format!("cannot put back {}", target.display()))?;
            // Renaming a link onto another link of the same file (one the commit had not
            // replaced yet) leaves both names.
            let _ = fs::remove_file(&temp);
        } else if fs::symlink_metadata(&target).is_ok_and(|m| m.is_file()) {
            // Only a regular file can be the commit's; anything else was never replaced.
            fs::remove_file(&target)
                .with_context(|| format!("cannot remove {}", target.display()))?;
        }
    }
    sync_dir(dir);
    let retired = retire(dir)?;
    let _ = fs::remove_dir_all(retired);
    Ok(())
}

/// Undoes a commit a crash stopped midway, if any, then deletes what stopped writes left
/// behind. Run under the folder's lock before reading.
pub(in crate::snapshot) fn recover(dir: &Path) -> Result<()> {
    undo_stopped_commit(dir)?;
    sweep(dir);
    Ok(())
}

/// Rolls back the commit whose journal is in `dir`, if any.
fn undo_stopped_commit(dir: &Path) -> Result<()> {
    let journal = dir.join(JOURNAL);
    // Only a folder can be a journal this module made; a link in its place would have
    // files from elsewhere put into the snapshot and files its list names removed.
    if let Ok(m) = fs::symlink_metadata(&journal)
        && !m.is_dir()
    {
        return Err(anyhow!(
            "{} is {}, not a folder supportlens made; supportlens does not follow or use \
             it: remove it (`rm {}`) and run again",
            journal.display(),
            if m.is_file() {
                "a file"
            } else {
                crate::input_file::kind(&m.file_type())
            },
            journal.display()
        ));
    }
    if journal.join(TARGETS).is_file() {
        roll_back(dir).with_context(|| {
            format!(
                "an import or export stopped midway in {} and its previous snapshot cannot \
                 be put back",
                dir.display()
            )
        })?;
    } else if dir.join(JOURNAL).exists() {
        // A journal without its list was never published (it is renamed in whole).
        let _ = retire(dir).map(fs::remove_dir_all);
    }
    Ok(())
}

/// True when a commit stopped midway awaits [`recover`].
pub(in crate::snapshot) fn interrupted(dir: &Path) -> bool {
    dir.join(JOURNAL).exists()
}

fn is_plain_name(name: &str) -> bool {
    !name.is_empty() && !name.contains(['/', '\\']) && name != "." && name != ".."
}

fn file_name(path: &Path) -> Result<&str> {
    path.file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| anyhow!("{} has no file name", path.display()))
}

/// Removes what writes stopped midway left in `dir` (a killed export may stop inside one of
/// its frequent commits): temporary files and retired journals of this module's naming.
/// Best effort; the caller holds the folder's lock, so no write is under way.
pub(in crate::snapshot) fn sweep(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(RETIRED_PREFIX) {
            let _ = fs::remove_dir_all(entry.path());
        } else if name.starts_with('.')
            && name.ends_with(".tmp")
            && (name.starts_with(&format!(".{MANIFEST}.")) || name.contains(".parquet."))
        {
            let _ = fs::remove_file(entry.path());
        }
    }
}
