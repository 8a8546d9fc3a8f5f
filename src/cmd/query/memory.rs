//! A bound on the memory one query may take. polars builds a join's whole result, so a
//! cross join of large tables (`FROM comments a, comments b`, `ON 1 = 1`) grows until the
//! kernel kills the process, and starves everything else on the machine meanwhile. A
//! watcher ends the run first: exit 2, with a message saying what to do. A query writes
//! nothing to disk, so ending it leaves nothing half-written.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::error::Failure;
use crate::oom::kib;

/// The variable that sets how much a query may grow the process, in MiB (default: three
/// quarters of the memory available when the query starts).
pub(super) const VAR: &str = "SUPPORTLENS_QUERY_MEMORY_MB";

/// How often the process's resident memory is looked at.
const EVERY: Duration = Duration::from_millis(20);

/// Watches the process's memory while it lives; see the module doc.
pub(super) struct Watch {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Watch {
    /// Starts watching, or `None` where the process's memory cannot be read (not Linux).
    /// A [`VAR`] that is not a whole number of MiB is a usage error naming it.
    pub(super) fn start() -> anyhow::Result<Option<Watch>> {
        let grow_kib = match std::env::var(VAR) {
            Ok(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|&mb| mb > 0)
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "{VAR}={}: not a whole number of MiB above 0; unset it, or set e.g. \
                         {VAR}=4096",
                        crate::error::cut(&v, 40)
                    ))
                })?
                .saturating_mul(1024),
            Err(_) => match kib("/proc/meminfo", "MemAvailable:") {
                Some(available) => available / 4 * 3,
                None => return Ok(None),
            },
        };
        let Some(now) = crate::oom::resident_kib() else {
            return Ok(None);
        };
        let limit = now.saturating_add(grow_kib);
        let stop = Arc::new(AtomicBool::new(false));
        let stopped = Arc::clone(&stop);
        // A thread that cannot start (`std::thread::spawn` would panic) is memory or
        // threads exhausted already: exit 2 saying so, as the watch itself would.
        let started = std::thread::Builder::new().spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                if crate::oom::resident_kib().is_some_and(|rss| rss > limit) {
                    crate::stderr_line!(
                        "supportlens: error: the query needs more than {} MiB of memory (a \
                         join's whole result is built, and a cross join of large tables \
                         grows without end); join on ids (JOIN comments c ON c.ticket_id = \
                         t.id) or filter first, or raise {VAR}",
                        grow_kib / 1024
                    );
                    std::process::exit(2);
                }
                std::thread::sleep(EVERY);
            }
        });
        let thread = started.map_err(|e| {
            Failure::usage(format!(
                "cannot start the query's memory watch ({e}): memory or threads are \
                 exhausted; check `ulimit -v` and `ulimit -u`, then run again"
            ))
        })?;
        Ok(Some(Watch {
            stop,
            thread: Some(thread),
        }))
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
