//! How one try of a request ends: the response's status, headers and body read into an
//! [`Outcome`] that `Client::send` acts on (done, rate-limited, missing, again, fatal).

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode, Url};
use serde_json::Value;

use super::retry::parse_rate_limit_reset;
use super::{Client, TOKEN_ENV, USER_ENV, auth::is_loopback, parse_retry_after};
use crate::error::Failure;
use crate::settings::Flavor;

impl Client {
    pub(super) async fn try_once(
        &self,
        method: &Method,
        url: &Url,
        body: Option<&str>,
        may_be_missing: bool,
    ) -> Outcome {
        let mut request = self
            .http
            .request(method.clone(), url.clone())
            .header(AUTHORIZATION, self.auth.0.clone())
            .header("Accept", "application/json");
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_string());
        }
        let response = match request.send().await {
            Ok(r) => r,
            // A redirect the policy refuses is refused again on every try.
            Err(e) if e.is_redirect() => {
                return Outcome::Fatal(Failure::jira(format!(
                    "{method} {url}: JIRA answered with a redirect supportlens does not follow \
                     ({}); set [jira] url to the https address JIRA itself answers on",
                    describe(&e)
                )));
            }
            Err(e) => {
                return Outcome::Again {
                    why: describe(&e),
                    // A host that drops packets shows as a timeout, not a refusal.
                    unreachable: e.is_connect() || e.is_timeout(),
                };
            }
        };
        let status = response.status();
        let retry_after =
            rate_limit_wait(response.headers(), chrono::Utc::now()).map(|d| self.retry.honoured(d));
        let body = match read_capped(response).await {
            Ok(Some(b)) => b,
            Ok(None) => {
                return Outcome::Fatal(Failure::jira(format!(
                    "JIRA's answer to {method} {url} (HTTP {status}) is larger than {} MiB, more \
                     than any JIRA page; check that the JIRA URL points at JIRA itself",
                    BODY_MAX >> 20
                )));
            }
            Err(e) if is_rate_limit(status) => {
                return Outcome::Limited {
                    why: format!("HTTP {status} and {}", describe(&e)),
                    wait: retry_after,
                };
            }
            Err(e) => return Outcome::again(format!("HTTP {status} and {}", describe(&e))),
        };
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Outcome::Fatal(Failure::jira(format!(
                "JIRA refused {method} {url} with HTTP {status}; check {TOKEN_ENV}{} (a token \
                 may have expired) and that the account may browse the projects the JQL names, \
                 then run the export again: what was read stays in the snapshot and the next \
                 run continues from it",
                match self.flavor {
                    Flavor::Cloud => format!(" and {USER_ENV}"),
                    Flavor::Server => String::new(),
                }
            )));
        }
        if is_rate_limit(status) {
            return Outcome::Limited {
                why: format!("HTTP {status}"),
                wait: retry_after,
            };
        }
        if status.is_server_error() {
            return Outcome::again(format!("HTTP {status}"));
        }
        let absent = status == StatusCode::NOT_FOUND || status == StatusCode::METHOD_NOT_ALLOWED;
        let gone = may_be_missing && status == StatusCode::NOT_FOUND;
        if (absent && *method != Method::GET) || gone {
            return Outcome::Missing;
        }
        if !status.is_success() {
            return Outcome::Fatal(Failure::jira(format!(
                "JIRA answered {method} {url} with HTTP {status}{}; check the JIRA URL, the \
                 flavor (cloud or server) and the JQL",
                jira_messages(&body)
            )));
        }
        match serde_json::from_slice(&body) {
            Ok(v) => Outcome::Done(v),
            Err(e) => Outcome::again(format!("a body that is not valid JSON ({e})")),
        }
    }
}

/// How long a rate-limited answer asks to wait: `Retry-After`, or when it is missing or
/// unreadable Jira Cloud's `Beta-Retry-After` (seconds, sent by its newer limits) or
/// `X-RateLimit-Reset` (the instant the limit resets); `None` when none of them says.
pub(super) fn rate_limit_wait(
    headers: &HeaderMap,
    now: chrono::DateTime<chrono::Utc>,
) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    header(RETRY_AFTER.as_str())
        .and_then(|v| parse_retry_after(v, now))
        .or_else(|| header("beta-retry-after").and_then(|v| parse_retry_after(v, now)))
        .or_else(|| header("x-ratelimit-reset").and_then(|v| parse_rate_limit_reset(v, now)))
}

/// Most bytes one answer may bring: a search page of 100 issues with their embedded lists
/// is a few MiB, so this bounds memory against a runaway answer without cutting a real one.
const BODY_MAX: u64 = 256 << 20;

/// The body of `response`; `None` when it promises or brings more than [`BODY_MAX`] bytes
/// (read no further, so memory stays bounded).
async fn read_capped(mut response: reqwest::Response) -> reqwest::Result<Option<Vec<u8>>> {
    let promised = response.content_length();
    if promised.is_some_and(|n| n > BODY_MAX) {
        return Ok(None);
    }
    let mut body = Vec::with_capacity(promised.unwrap_or(0) as usize);
    while let Some(chunk) = response.chunk().await? {
        if (body.len() + chunk.len()) as u64 > BODY_MAX {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}

/// 429 Too Many Requests and 503 Service Unavailable: JIRA asks for less, not a fault.
pub(super) fn is_rate_limit(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE
}

/// What one try of a request came to.
pub(super) enum Outcome {
    Done(Value),
    /// A rate limit: wait (`Retry-After` if JIRA said how long) and try again, no try used.
    Limited {
        why: String,
        wait: Option<Duration>,
    },
    /// HTTP 404 or 405 to a request other than GET: an endpoint this JIRA lacks; or 404 to
    /// a GET whose caller expects it (a thing gone since it was listed).
    Missing,
    /// A fault worth another try, after a backoff; `unreachable` when no connection was made
    /// or the request timed out (before JIRA ever answered, the site counts as unreachable).
    Again {
        why: String,
        unreachable: bool,
    },
    Fatal(Failure),
}

impl Outcome {
    pub(super) fn again(why: String) -> Outcome {
        Outcome::Again {
            why,
            unreachable: false,
        }
    }
}

/// Follows at most 5 redirects, never onto plain http off this machine (reqwest already
/// drops the `Authorization` header when a redirect changes host).
pub(super) fn redirect_policy() -> reqwest::redirect::Policy {
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

/// A transport error with its causes ("connection reset", "timed out"), without the URL
/// reqwest would add, since the caller names it.
pub(super) fn describe(e: &reqwest::Error) -> String {
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
        // JIRA's text, not ours: cut (and escaped) so a runaway message stays one line.
        format!(" ({})", crate::error::cut(&messages.join("; "), 300))
    }
}
