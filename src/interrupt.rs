//! What a run stopped by SIGTERM, SIGINT or SIGHUP (cron's or a terminal's way to stop
//! it) leaves behind: nothing of its own making. While a report's staging folder or a data
//! folder's temporary files exist they are registered here; on one of those signals they
//! are removed, then the signal ends the process as it would have without us. `kill -9`
//! cannot be caught: the next run under the same lock removes those leftovers instead.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// What to remove on an interrupt.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Leftover {
    /// A folder of ours, removed whole (a link in its place is removed, not followed).
    Folder(PathBuf),
    /// A data folder this run holds alone: its temporary files are removed, the snapshot
    /// and a commit's journal stay (the next run finishes undoing the commit).
    Data(PathBuf),
}

/// Everything registered now, in order.
static PENDING: Mutex<Vec<Leftover>> = Mutex::new(Vec::new());

/// Set once a signal is ending the run: writers create no more files (see [`stopping`]).
static STOPPING: AtomicBool = AtomicBool::new(false);

/// True once a signal is ending the run: a writer still filling a registered folder must
/// create nothing more in it (a file or folder made after the removal began would bring
/// the folder back, or keep it from being removed).
pub fn stopping() -> bool {
    STOPPING.load(Ordering::SeqCst)
}

fn pending() -> MutexGuard<'static, Vec<Leftover>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Removes what is registered when SIGTERM, SIGINT or SIGHUP arrives, then ends the process
/// by that signal. Called once by the binary; where no handler can be set, signals keep
/// their default action and leftovers wait for the next run.
pub fn install() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    // A signal the parent set to be ignored stays ignored: `nohup` (SIGHUP), a shell's
    // background job (SIGINT). A handler would make it end the run.
    let caught: Vec<i32> = [SIGTERM, SIGINT, SIGHUP]
        .into_iter()
        .filter(|s| !ignored(*s))
        .collect();
    let Ok(mut signals) = signal_hook::iterator::Signals::new(caught) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("supportlens-signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                STOPPING.store(true, Ordering::SeqCst);
                // Held to the end: no registered step (see `hold`) runs meanwhile.
                let held = pending();
                held.iter().for_each(remove);
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
}

/// True when `signal`'s action is to be ignored (as the parent process left it; children
/// inherit it).
pub fn ignored(signal: i32) -> bool {
    // SAFETY: with no new action given, sigaction only writes the current one into `old`,
    // a plain C struct for which all zeroes is a valid value.
    unsafe {
        let mut old: libc::sigaction = std::mem::zeroed();
        libc::sigaction(signal, std::ptr::null(), &mut old) == 0
            && old.sa_sigaction == libc::SIG_IGN
    }
}

fn remove(leftover: &Leftover) {
    match leftover {
        Leftover::Folder(path) => {
            // Writers that passed their check of `stopping` before it was set may still add
            // a file while the folder is emptied: tried again until it is gone (a few tries;
            // each writer adds at most the file it had begun).
            for _ in 0..FOLDER_TRIES {
                match std::fs::remove_dir_all(path).or_else(|_| std::fs::remove_file(path)) {
                    Ok(()) => return,
                    Err(_) if std::fs::symlink_metadata(path).is_err() => return,
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        }
        Leftover::Data(dir) => crate::snapshot::sweep_temporary(dir),
    }
}

/// How often a registered folder's removal is tried (5 ms apart) before it is left to the
/// next run's sweep.
const FOLDER_TRIES: usize = 200;

/// Registered until dropped.
#[must_use = "the registration ends when this is dropped"]
#[derive(Debug)]
pub struct Registered(Leftover);

impl Drop for Registered {
    fn drop(&mut self) {
        let mut all = pending();
        if let Some(i) = all.iter().rposition(|l| *l == self.0) {
            all.remove(i);
        }
    }
}

fn register(leftover: Leftover) -> Registered {
    pending().push(leftover.clone());
    Registered(leftover)
}

/// Removes the folder `path` (ours, being filled) on an interrupt, until dropped.
pub fn remove_folder_on_interrupt(path: &Path) -> Registered {
    register(Leftover::Folder(path.to_path_buf()))
}

/// Removes the temporary files of the data folder `dir`, which this run holds alone, on an
/// interrupt, until dropped.
pub fn sweep_data_on_interrupt(dir: &Path) -> Registered {
    register(Leftover::Data(dir.to_path_buf()))
}

/// While alive, an interrupt's removals wait (see [`hold`]).
#[must_use = "the removals wait only while this is held"]
pub struct Held {
    _guard: MutexGuard<'static, Vec<Leftover>>,
}

/// Keeps an interrupt's removals waiting while held: a step that must not be cut by them
/// (a staging folder becoming the report) holds it.
pub fn hold() -> Held {
    Held { _guard: pending() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrations_end_when_dropped_and_removal_takes_the_folder_whole() {
        let dir = tempfile::tempdir().unwrap();
        let staged = dir.path().join(".supportlens-tmp-x");
        std::fs::create_dir_all(staged.join("charts")).unwrap();
        std::fs::write(staged.join("charts/a.png"), "x").unwrap();
        let first = remove_folder_on_interrupt(&staged);
        let second = sweep_data_on_interrupt(dir.path());
        assert!(pending().contains(&Leftover::Folder(staged.clone())));
        drop(first);
        let now = pending().clone();
        assert!(!now.contains(&Leftover::Folder(staged.clone())));
        assert!(now.contains(&Leftover::Data(dir.path().to_path_buf())));
        drop(second);
        assert!(!pending().contains(&Leftover::Data(dir.path().to_path_buf())));
        remove(&Leftover::Folder(staged.clone()));
        assert!(!staged.exists());
    }
}
