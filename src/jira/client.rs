//! The HTTP side of the JIRA export: one authenticated client per run, the transport rules
//! (https only, except to this machine), and the retry policy (`Retry-After` on 429/503,
//! jittered exponential backoff on other 5xx, connection faults, timeouts and bodies that
//! are not JSON; 401/403 stop at once).
//!
//! Secrets come from the environment and travel only in the `Authorization` header. Error
//! messages name the request URL (path and query), which never holds a credential: a base
//! URL with `user:password@` is refused.

mod auth;

use std::fmt;
use std::time::Duration;

use anyhow::Result;
use reqwest::header::{AUTHORIZATION, HeaderValue, RETRY_AFTER};
use reqwest::{StatusCode, Url};
use serde_json::Value;

use crate::error::Failure;
use crate::settings::Flavor;
use auth::is_loopback;
pub use auth::{Auth, check_base_url};

/// Environment variable holding the Cloud account's e-mail address.
pub const USER_ENV: &str = "SUPPORTLENS_JIRA_USER";
/// Environment variable holding the API token (Cloud) or personal access token (Server/DC).
pub const TOKEN_ENV: &str = "SUPPORTLENS_JIRA_TOKEN";
/// Base backoff in milliseconds (default 1000); tests set it low to stay fast.
pub const RETRY_BASE_ENV: &str = "SUPPORTLENS_RETRY_BASE_MS";
/// Longest honoured `Retry-After`, in milliseconds (default 60000).
pub const RETRY_AFTER_CAP_ENV: &str = "SUPPORTLENS_RETRY_AFTER_CAP_MS";
/// Per-request timeout in milliseconds (default 60000).
pub const TIMEOUT_ENV: &str = "SUPPORTLENS_HTTP_TIMEOUT_MS";

/// How hard a request is retried before JIRA counts as unreachable (exit 4).
#[derive(Debug, Clone, PartialEq)]
pub struct Retry {
    /// Tries per request, the first included.
    pub attempts: u32,
    /// Backoff before the second try; doubled for each further try, with ±50% jitter.
    pub base: Duration,
    /// Longest backoff, and longest `Retry-After` honoured.
    pub cap: Duration,
    /// Time allowed for one request, body included.
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 5,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
            timeout: Duration::from_secs(60),
        }
    }
}

impl Retry {
    /// The default policy with the `SUPPORTLENS_RETRY_*`/`SUPPORTLENS_HTTP_TIMEOUT_MS`
    /// overrides applied (meant for tests; a bad value is a usage error).
    pub fn from_env() -> Result<Retry> {
        let ms = |name: &str, default: Duration| -> Result<Duration> {
            match std::env::var(name) {
                Ok(v) => v
                    .trim()
                    .parse::<u64>()
                    .map(Duration::from_millis)
                    .map_err(|_| {
                        Failure::usage(format!(
                            "{name}={v:?} is not a whole number of milliseconds"
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
            timeout: ms(TIMEOUT_ENV, d.timeout)?,
        })
    }

    /// The wait before try `next` (2, 3, …): base × 2^(next−2), jittered to 50–150%, capped.
    pub fn backoff(&self, next: u32) -> Duration {
        let exp = self
            .base
            .saturating_mul(1 << next.saturating_sub(2).min(16));
        exp.mul_f64(0.5 + fastrand::f64()).min(self.cap)
    }
}

/// The `Authorization` header value; never printed.
#[derive(Clone)]
struct Secret(HeaderValue);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// An authenticated JIRA client for one site and flavor.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    base: Url,
    flavor: Flavor,
    auth: Secret,
    retry: Retry,
}

impl Client {
    /// A client for `url`, with credentials from the environment: Cloud uses
    /// `SUPPORTLENS_JIRA_USER` + `SUPPORTLENS_JIRA_TOKEN` (basic), Server/DC
    /// `SUPPORTLENS_JIRA_TOKEN` (bearer). A missing variable is a usage error naming it.
    pub fn from_env(url: &str, flavor: Flavor, retry: Retry) -> Result<Client> {
        let var = |name: &str, what: &str| -> Result<String> {
            match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
                _ => Err(Failure::usage(format!(
                    "{name} is not set; export it with {what} before running the export \
                     (secrets are read from the environment, never from the config file)"
                ))
                .into()),
            }
        };
        let auth = match flavor {
            Flavor::Cloud => {
                let user = var(USER_ENV, "the e-mail address of the JIRA Cloud account")?;
                let token = var(TOKEN_ENV, "an API token of that account")?;
                Auth::Basic { user, token }
            }
            Flavor::Server => Auth::Bearer(var(TOKEN_ENV, "a personal access token")?),
        };
        Client::new(url, flavor, auth, retry)
    }

    /// A client with explicit credentials (see [`Auth`]).
    pub fn new(url: &str, flavor: Flavor, auth: Auth, retry: Retry) -> Result<Client> {
        let base = check_base_url(url)?;
        let mut header = HeaderValue::from_str(&auth.header()).map_err(|_| {
            Failure::usage(format!(
                "{TOKEN_ENV} or {USER_ENV} holds characters that cannot be sent in an HTTP header"
            ))
        })?;
        header.set_sensitive(true);
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .user_agent(concat!("supportlens/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect_policy())
            .build()
            .map_err(|e| Failure::jira(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Client {
            http,
            base,
            flavor,
            auth: Secret(header),
            retry,
        })
    }

    /// The flavor this client speaks.
    pub fn flavor(&self) -> Flavor {
        self.flavor
    }

    /// `/rest/api/3` (Cloud) or `/rest/api/2` (Server/DC).
    pub fn api(&self) -> &'static str {
        match self.flavor {
            Flavor::Cloud => "/rest/api/3",
            Flavor::Server => "/rest/api/2",
        }
    }

    /// The full URL of `path` (relative to the site, e.g. `/rest/api/2/search`) with `query`.
    pub fn url(&self, path: &str, query: &[(&str, String)]) -> Url {
        let mut url = self.base.clone();
        let joined = format!("{}{path}", url.path().trim_end_matches('/'));
        url.set_path(&joined);
        if !query.is_empty() {
            let mut pairs = url.query_pairs_mut();
            for (k, v) in query {
                pairs.append_pair(k, v);
            }
        }
        url
    }

    /// GETs `path` with `query` and parses the JSON body, retrying as [`Retry`] says.
    /// Errors are `Failure::jira` (exit 4) naming the URL.
    pub async fn get(&self, path: &str, query: &[(&str, String)]) -> Result<Value> {
        let url = self.url(path, query);
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts {
            let wait = match self.try_once(&url).await {
                Outcome::Done(v) => return Ok(v),
                Outcome::Fatal(e) => return Err(e.into()),
                Outcome::Again { why, wait } => {
                    last = why;
                    wait.unwrap_or_else(|| self.retry.backoff(attempt + 1))
                }
            };
            if attempt < self.retry.attempts {
                tokio::time::sleep(wait).await;
            }
        }
        Err(Failure::jira(format!(
            "GET {url} failed {} times, last with {last}; check that JIRA is reachable from \
             here and try again later",
            self.retry.attempts
        ))
        .into())
    }

    async fn try_once(&self, url: &Url) -> Outcome {
        let sent = self
            .http
            .get(url.clone())
            .header(AUTHORIZATION, self.auth.0.clone())
            .header("Accept", "application/json")
            .send()
            .await;
        let response = match sent {
            Ok(r) => r,
            Err(e) => return Outcome::again(describe(&e)),
        };
        let status = response.status();
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(parse_retry_after)
            .map(|d| d.min(self.retry.cap));
        let body = match response.bytes().await {
            Ok(b) => b,
            Err(e) => return Outcome::again(format!("HTTP {status} and {}", describe(&e))),
        };
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Outcome::Fatal(Failure::jira(format!(
                "JIRA refused GET {url} with HTTP {status}; check {TOKEN_ENV}{} and that the \
                 account may browse the projects the JQL names",
                match self.flavor {
                    Flavor::Cloud => format!(" and {USER_ENV}"),
                    Flavor::Server => String::new(),
                }
            )));
        }
        if status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE {
            return Outcome::Again {
                why: format!("HTTP {status}"),
                wait: retry_after,
            };
        }
        if status.is_server_error() {
            return Outcome::again(format!("HTTP {status}"));
        }
        if !status.is_success() {
            return Outcome::Fatal(Failure::jira(format!(
                "JIRA answered GET {url} with HTTP {status}{}; check the JIRA URL, the flavor \
                 (cloud or server) and the JQL",
                jira_messages(&body)
            )));
        }
        match serde_json::from_slice(&body) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::again(format!("a body that is not valid JSON ({e})")),
        }
    }
}

/// What one try of a request came to.
enum Outcome {
    Done(Value),
    /// Worth another try, after `wait` if JIRA said how long.
    Again {
        why: String,
        wait: Option<Duration>,
    },
    Fatal(Failure),
}

impl Outcome {
    fn again(why: String) -> Outcome {
        Outcome::Again { why, wait: None }
    }
}

/// Follows at most 5 redirects, never onto plain http off this machine (reqwest already
/// drops the `Authorization` header when a redirect changes host).
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() >= 5 {
            attempt.error("more than 5 redirects")
        } else if attempt.url().scheme() != "https" && !is_loopback(attempt.url()) {
            attempt.error("redirect to plain http refused")
        } else {
            attempt.follow()
        }
    })
}

/// `Retry-After` as seconds (JIRA's form). An HTTP date is not honoured: backoff applies.
fn parse_retry_after(v: &str) -> Option<Duration> {
    v.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// A transport error with its causes ("connection reset", "timed out"), without the URL
/// reqwest would add, since the caller names it.
fn describe(e: &reqwest::Error) -> String {
    let mut text = if e.is_timeout() {
        "a timeout".to_string()
    } else if e.is_connect() {
        "a connection failure".to_string()
    } else {
        "a transport error".to_string()
    };
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// JIRA's own `errorMessages` from an error body (a bad JQL says what is wrong there).
fn jira_messages(body: &[u8]) -> String {
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return String::new();
    };
    let messages: Vec<&str> = v
        .get("errorMessages")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if messages.is_empty() {
        String::new()
    } else {
        format!(" ({})", messages.join("; "))
    }
}

#[cfg(test)]
mod tests;
