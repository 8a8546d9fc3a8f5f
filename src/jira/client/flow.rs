//! Flow control shared by every request of one export: how many requests may be in flight
//! (additive increase, multiplicative decrease), the pause every request honours after JIRA
//! rate-limits, the time of the last successful answer (for `[jira] max_wait`), and the
//! counts `snapshot.json` records.
//!
//! Rate limits are JIRA's way of saying "slower", not failures: a 429 or 503 halves the
//! limit (down to one request in flight) and pauses everyone for `Retry-After` (or a
//! backoff that grows with the run of rate-limited answers); every [`RAISE_AFTER`]
//! successful answers in a row raise the limit by one again, up to `[jira] concurrency`.
//! The export gives up only when `max_wait` passes without one successful answer.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Successful answers in a row after which one more request may be in flight.
pub const RAISE_AFTER: usize = 8;
/// How often a request waiting for a free slot looks again.
const POLL: Duration = Duration::from_millis(5);

/// What the export's requests came to; recorded in `snapshot.json`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// HTTP requests sent, every try counted.
    pub requests: u64,
    /// Tries after the first of a request, whatever the reason.
    pub retries: u64,
    /// Answers that were rate limits (429 or 503), each followed by a wait.
    pub rate_limit_waits: u64,
}

/// The shared state behind a [`Flow`].
#[derive(Debug)]
struct State {
    limit: usize,
    in_flight: usize,
    successes: usize,
    /// No request starts before this instant (set by rate limits).
    pause_until: Option<Instant>,
    last_success: Instant,
    /// True once any request succeeded.
    answered: bool,
    /// Rate-limited answers since the last success, for the backoff without `Retry-After`.
    limited_run: u32,
    stats: Stats,
}

/// Flow control for one export; see the module doc.
#[derive(Debug)]
pub struct Flow {
    max: usize,
    max_wait: Duration,
    state: Mutex<State>,
}

/// A slot for one request in flight; freed when dropped.
pub struct Slot<'a> {
    flow: &'a Flow,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let mut s = self.flow.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
    }
}

/// Why a rate-limited request must not be tried again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GaveUp {
    /// Time since the last successful answer.
    pub silent_for: Duration,
}

impl Flow {
    /// Flow control allowing `max` requests in flight and `max_wait` without a success.
    pub fn new(max: usize, max_wait: Duration) -> Flow {
        let max = max.max(1);
        Flow {
            max,
            max_wait,
            state: Mutex::new(State {
                limit: max,
                in_flight: 0,
                successes: 0,
                pause_until: None,
                last_success: Instant::now(),
                answered: false,
                limited_run: 0,
                stats: Stats::default(),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere cannot leave these counters inconsistent in a harmful way.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a pause to end and a slot to free, then counts the request as sent.
    pub async fn acquire(&self, retry: bool) -> Slot<'_> {
        loop {
            let wait = {
                let mut s = self.lock();
                let now = Instant::now();
                match s.pause_until {
                    Some(until) if until > now => until - now,
                    _ if s.in_flight < s.limit => {
                        s.in_flight += 1;
                        s.stats.requests += 1;
                        if retry {
                            s.stats.retries += 1;
                        }
                        return Slot { flow: self };
                    }
                    _ => POLL,
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Notes a successful answer: the `max_wait` clock restarts, and after a run of
    /// successes one more request may be in flight.
    pub fn success(&self) {
        let mut s = self.lock();
        s.last_success = Instant::now();
        s.answered = true;
        s.limited_run = 0;
        s.successes += 1;
        if s.successes >= RAISE_AFTER {
            s.successes = 0;
            s.limit = (s.limit + 1).min(self.max);
        }
    }

    /// Notes a rate-limited answer: halves the limit, and pauses every request for `wait`
    /// (JIRA's `Retry-After`) or, without it, for `backoff(run of rate limits)`. Returns the
    /// pause, or [`GaveUp`] when `max_wait` has passed since the last success or JIRA asks
    /// for a wait that would end after it. A backoff of our own is cut to a tenth of
    /// `max_wait` and to the time left, so only JIRA's silence ends the export, never the
    /// length of our own backoff.
    pub fn rate_limited(
        &self,
        wait: Option<Duration>,
        backoff: impl Fn(u32) -> Duration,
    ) -> Result<Duration, GaveUp> {
        let mut s = self.lock();
        s.stats.rate_limit_waits += 1;
        s.limited_run += 1;
        s.successes = 0;
        s.limit = (s.limit / 2).max(1);
        let now = Instant::now();
        let silent_for = now.duration_since(s.last_success);
        let left = self.max_wait.saturating_sub(silent_for);
        // `Retry-After: 0` (or a date already past) would have every request ask again at
        // once; the backoff spaces them instead.
        let wait = match wait.filter(|w| !w.is_zero()) {
            Some(asked) => asked,
            // At most a tenth of max_wait, so ten tries or more fit in it: one long wait
            // of our own followed by a single try gave up on a site that answered a third.
            None => backoff(s.limited_run).min(self.max_wait / 10).min(left),
        };
        if left.is_zero() || wait > left {
            return Err(GaveUp { silent_for });
        }
        let until = now + wait;
        s.pause_until = Some(s.pause_until.map_or(until, |p| p.max(until)));
        Ok(wait)
    }

    /// The requests in flight allowed now.
    #[cfg(test)]
    pub fn limit(&self) -> usize {
        self.lock().limit
    }

    /// True once JIRA has answered any request successfully.
    pub fn answered(&self) -> bool {
        self.lock().answered
    }

    /// The counts so far.
    pub fn stats(&self) -> Stats {
        self.lock().stats
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limits_halve_the_limit_down_to_one_and_successes_raise_it() {
        let flow = Flow::new(6, Duration::from_secs(60));
        let none = |_| Duration::ZERO;
        flow.rate_limited(None, none).unwrap();
        assert_eq!(flow.limit(), 3);
        flow.rate_limited(None, none).unwrap();
        flow.rate_limited(None, none).unwrap();
        flow.rate_limited(None, none).unwrap();
        assert_eq!(flow.limit(), 1);
        for _ in 0..RAISE_AFTER - 1 {
            flow.success();
        }
        assert_eq!(flow.limit(), 1);
        flow.success();
        assert_eq!(flow.limit(), 2);
        for _ in 0..RAISE_AFTER * 10 {
            flow.success();
        }
        assert_eq!(flow.limit(), 6, "never above [jira] concurrency");
        assert_eq!(flow.stats().rate_limit_waits, 4);
    }

    #[test]
    fn retry_after_wins_and_the_backoff_grows_with_the_run() {
        let flow = Flow::new(2, Duration::from_secs(60));
        let backoff = |run: u32| Duration::from_millis(10 * u64::from(run));
        assert_eq!(
            flow.rate_limited(Some(Duration::from_secs(3)), backoff),
            Ok(Duration::from_secs(3))
        );
        assert_eq!(
            flow.rate_limited(Some(Duration::ZERO), backoff),
            Ok(Duration::from_millis(20)),
            "Retry-After: 0 backs off"
        );
        flow.success();
        assert_eq!(
            flow.rate_limited(None, backoff),
            Ok(Duration::from_millis(10))
        );
    }

    #[test]
    fn gives_up_only_past_max_wait_without_a_success() {
        let flow = Flow::new(2, Duration::from_secs(5));
        let none = |_| Duration::ZERO;
        assert!(
            flow.rate_limited(Some(Duration::from_secs(4)), none)
                .is_ok()
        );
        let err = flow
            .rate_limited(Some(Duration::from_secs(6)), none)
            .unwrap_err();
        assert!(err.silent_for < Duration::from_secs(1));
    }

    /// A site answering some requests between its rate limits is waited on until
    /// `max_wait` has really passed: a backoff longer than the time left is cut to it.
    #[test]
    fn a_long_backoff_of_our_own_is_cut_to_max_wait_not_given_up() {
        let flow = Flow::new(2, Duration::from_secs(5));
        let long = |_| Duration::from_secs(40);
        let wait = flow.rate_limited(None, long).unwrap();
        assert_eq!(wait, Duration::from_millis(500), "a tenth of max_wait");
        // JIRA's own word past max_wait still ends it.
        assert!(
            flow.rate_limited(Some(Duration::from_secs(6)), long)
                .is_err()
        );
        // Once max_wait has passed without a success, nothing is left to wait for.
        let spent = Flow::new(2, Duration::ZERO);
        assert!(spent.rate_limited(None, long).is_err());
    }

    #[test]
    fn slots_are_limited_and_freed() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let flow = Flow::new(2, Duration::from_secs(5));
            let a = flow.acquire(false).await;
            let _b = flow.acquire(true).await;
            assert_eq!(flow.lock().in_flight, 2);
            drop(a);
            let _c = flow.acquire(false).await;
            assert_eq!(flow.lock().in_flight, 2);
            assert_eq!(
                flow.stats(),
                Stats {
                    requests: 3,
                    retries: 1,
                    rate_limit_waits: 0
                }
            );
        });
    }
}
