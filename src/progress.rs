//! Progress lines for long work (SPEC §6: progress on a terminal, quiet otherwise): each
//! step says what was done and how long it took, so a person waiting on a large report
//! sees it move, and a slow step is visible without a profiler.
//!
//! Lines go to stderr when it is a terminal. `SUPPORTLENS_PROGRESS=1` turns them on
//! anywhere (a CI log, a benchmark), `SUPPORTLENS_PROGRESS=0` off.

use std::io::IsTerminal;
use std::time::Instant;

/// Times the steps of one command.
pub struct Progress {
    on: bool,
    last: Instant,
}

impl Progress {
    /// On when stderr is a terminal, unless `SUPPORTLENS_PROGRESS` says otherwise.
    pub fn new() -> Progress {
        let on = match std::env::var("SUPPORTLENS_PROGRESS").as_deref() {
            Ok("1") => true,
            Ok("0") => false,
            _ => std::io::stderr().is_terminal(),
        };
        Progress::with(on)
    }

    /// Silent: for callers that report nothing (tests, library use).
    pub fn quiet() -> Progress {
        Progress::with(false)
    }

    fn with(on: bool) -> Progress {
        Progress {
            on,
            last: Instant::now(),
        }
    }

    /// Says that `what` is done, with the time since the previous step.
    pub fn step(&mut self, what: &str) {
        let now = Instant::now();
        if self.on {
            let secs = now.duration_since(self.last).as_secs_f64();
            crate::stderr_line!("supportlens: {what} ({secs:.2} s)");
        }
        self.last = now;
    }
}

impl Default for Progress {
    fn default() -> Progress {
        Progress::new()
    }
}
