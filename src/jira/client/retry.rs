//! The retry policy of one export: tries per request for faults (other 5xx, cut
//! connections, timeouts, bodies that are not JSON), their jittered exponential backoff
//! (backon's), the per-request timeout, the requests in flight and `[jira] max_wait`.
//!
//! backon supplies the backoff delays only; the loop stays in `super` because backon's
//! `Retryable` counts every failed try the same, while here a rate limit must use up no
//! try, pause every request of the export (not one) and end only at `max_wait`.

use std::time::Duration;

use anyhow::Result;
use backon::{BackoffBuilder, ExponentialBuilder};

use crate::error::Failure;

/// Base backoff in milliseconds (default 1000); tests set it low to stay fast.
pub const RETRY_BASE_ENV: &str = "SUPPORTLENS_RETRY_BASE_MS";
/// Longest honoured `Retry-After`, in milliseconds (default `[jira] max_wait`); tests set it
/// low to stay fast.
pub const RETRY_AFTER_CAP_ENV: &str = "SUPPORTLENS_RETRY_AFTER_CAP_MS";
/// Per-request timeout in milliseconds (default 60000).
pub const TIMEOUT_ENV: &str = "SUPPORTLENS_HTTP_TIMEOUT_MS";
/// Time allowed to open a connection, in milliseconds (default 10000).
pub const CONNECT_TIMEOUT_ENV: &str = "SUPPORTLENS_HTTP_CONNECT_TIMEOUT_MS";
/// Longest wait between two tries after a fault (rate limits may ask for longer).
const FAULT_WAIT_CAP: Duration = Duration::from_secs(30);

/// How requests are paced and retried before JIRA counts as failing (exit 4).
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    /// Tries per request for faults other than rate limits, the first included.
    pub attempts: u32,
    /// Backoff before the second try; doubled for each further try, plus up to as much
    /// again of jitter.
    pub base: Duration,
    /// Longest backoff.
    pub cap: Duration,
    /// Longest `Retry-After` honoured: `max_wait` by default, since a longer wait gives up
    /// anyway.
    pub retry_after_cap: Duration,
    /// Time allowed for one request, body included.
    pub timeout: Duration,
    /// Time allowed to open a connection, so a host that drops packets is found out soon.
    pub connect_timeout: Duration,
    /// Most requests in flight (`[jira] concurrency`).
    pub concurrency: usize,
    /// Time without one successful answer before the export gives up (`[jira] max_wait`).
    pub max_wait: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            // Faults come in bursts on busy sites; sixteen tries with the backoff below
            // (at most 30 s a wait) span five to ten minutes before a request is given up.
            attempts: 16,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            retry_after_cap: Duration::from_secs(30 * 60),
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            concurrency: 4,
            max_wait: Duration::from_secs(30 * 60),
        }
    }
}

impl Retry {
    /// The default policy with `concurrency`, `max_wait` and the `SUPPORTLENS_RETRY_*` /
    /// `SUPPORTLENS_HTTP_*TIMEOUT_MS` overrides applied (meant for tests; a bad value is a
    /// usage error).
    pub fn from_env(concurrency: usize, max_wait: Duration) -> Result<Retry> {
        let ms = |name: &str, default: Duration| -> Result<Duration> {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|_| {
                        Failure::usage(format!(
                            "{name}={:?} is not a whole number of milliseconds",
                            v.chars().take(40).collect::<String>()
                        ))
                        .into()
                    }),
                Err(_) => Ok(default),
            }
        };
        let d = Retry::default();
        Ok(Retry {
            attempts: d.attempts,
            base: ms(RETRY_BASE_ENV, d.base)?,
            cap: ms(RETRY_AFTER_CAP_ENV, d.cap)?,
            retry_after_cap: ms(RETRY_AFTER_CAP_ENV, max_wait)?,
            timeout: ms(TIMEOUT_ENV, d.timeout)?,
            connect_timeout: ms(CONNECT_TIMEOUT_ENV, d.connect_timeout)?,
            concurrency: concurrency.max(1),
            max_wait,
        })
    }

    /// The waits between the tries of one request: `attempts − 1` delays of base × 2^n,
    /// each plus a random part of up to as much again, capped at 30 s (or the lower cap).
    pub fn backoffs(&self) -> impl Iterator<Item = Duration> + use<> {
        let cap = self.cap.min(FAULT_WAIT_CAP);
        ExponentialBuilder::default()
            .with_min_delay(self.base)
            .with_max_delay(cap)
            .with_factor(2.0)
            .with_jitter()
            .with_jitter_seed(fastrand::u64(..))
            .with_max_times(self.attempts.saturating_sub(1) as usize)
            .build()
            .map(move |d| d.min(cap))
    }

    /// The wait a `Retry-After` of `asked` gets: as asked, up to the cap.
    pub fn honoured(&self, asked: Duration) -> Duration {
        asked.min(self.retry_after_cap)
    }

    /// The pause after the `run`-th rate-limited answer in a row without `Retry-After`.
    pub fn rate_limit_backoff(&self, run: u32) -> Duration {
        let exp = self.base.saturating_mul(1 << run.saturating_sub(1).min(16));
        exp.mul_f64(1.0 + fastrand::f64()).min(self.cap)
    }
}

/// `Retry-After` as delay-seconds (a fraction such as `1.5` is taken too; a number too large
/// to hold is the longest wait) or as an HTTP date (IMF-fixdate such as
/// `Wed, 21 Oct 2026 07:28:00 GMT`, or the obsolete RFC 850 and asctime forms HTTP still
/// allows), relative to `now`; a date in the past means no wait. A negative number or
/// anything else is `None`.
pub fn parse_retry_after(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = v.trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let number = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if let Some(secs) = v.parse::<f64>().ok().filter(|_| number) {
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    let at = match chrono::DateTime::parse_from_rfc2822(v) {
        Ok(at) => at.with_timezone(&chrono::Utc),
        Err(_) => httpdate::parse_http_date(v).ok()?.into(),
    };
    Some((at - now).to_std().unwrap_or_default())
}

/// Jira Cloud's `X-RateLimit-Reset`, the ISO 8601 instant the limit resets (documented as
/// `yyyy-MM-ddTHH:mmZ`; seconds and offsets are read too), relative to `now`; a time in the
/// past means no wait.
pub fn parse_rate_limit_reset(v: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Duration> {
    let v = v.trim();
    let at = match chrono::DateTime::parse_from_rfc3339(v) {
        Ok(at) => at.with_timezone(&chrono::Utc),
        Err(_) => {
            let bare = v.strip_suffix('Z')?;
            chrono::NaiveDateTime::parse_from_str(bare, "%Y-%m-%dT%H:%M")
                .or_else(|_| chrono::NaiveDateTime::parse_from_str(bare, "%Y-%m-%dT%H:%M:%S"))
                .ok()?
                .and_utc()
        }
    };
    Some((at - now).to_std().unwrap_or_default())
}
