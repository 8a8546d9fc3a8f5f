//! The HTTP side of the JIRA export: one authenticated client per run, the transport rules
//! (https only, except to this machine), and how requests end: 429/503 are flow control
//! shared by every clone of the client (see `flow`: fewer requests in flight, a pause as
//! `Retry-After` says, no try used, an end only at `[jira] max_wait`); other 5xx,
//! connection faults, timeouts and bodies that are not JSON are retried with jittered
//! exponential backoff (see `retry`); 401/403 stop at once.
//!
//! Secrets come from the environment and travel only in the `Authorization` header. Error
//! messages name the request URL (path and query), which never holds a credential: a base
//! URL with `user:password@` is refused.

mod auth;
mod flow;
mod outcome;
mod retry;

use std::fmt;
use std::sync::Arc;

use anyhow::Result;
use reqwest::header::HeaderValue;
use reqwest::{Method, Url};
use serde_json::Value;

use crate::error::Failure;
use crate::settings::Flavor;
pub use auth::{Auth, check_base_url};
pub use flow::Stats;
use flow::{Flow, GaveUp};
use outcome::{Outcome, redirect_policy};
pub use retry::{RETRY_AFTER_CAP_ENV, RETRY_BASE_ENV, Retry, TIMEOUT_ENV, parse_retry_after};

/// Environment variable holding the Cloud account's e-mail address.
pub const USER_ENV: &str = "SUPPORTLENS_JIRA_USER";
/// Environment variable holding the API token (Cloud) or personal access token (Server/DC).
pub const TOKEN_ENV: &str = "SUPPORTLENS_JIRA_TOKEN";
/// Checks the shape of a JSON answer: `Err(what is wrong)` makes the answer a fault that is
/// retried like a body that is not JSON (a proxy's or a broken node's `{}` is not JIRA's
/// answer, and taking it as one cut the export short).
pub type Shape<'a> = &'a dyn Fn(&Value) -> Result<(), String>;

/// Tries before a site that has never answered counts as unreachable.
const UNREACHABLE_TRIES: u32 = 4;

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
    /// Shared by every clone, so the whole export is paced as one.
    flow: Arc<Flow>,
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
        crate::input_file::check_ca_env().map_err(Failure::usage)?;
        let http = reqwest::Client::builder()
            .timeout(retry.timeout)
            .connect_timeout(retry.connect_timeout)
            .user_agent(concat!("supportlens/", env!("CARGO_PKG_VERSION")))
            .redirect(redirect_policy())
            .build()
            .map_err(|e| Failure::jira(format!("cannot set up the HTTP client: {e}")))?;
        let flow = Arc::new(Flow::new(retry.concurrency, retry.max_wait));
        Ok(Client {
            http,
            base,
            flavor,
            auth: Secret(header),
            retry,
            flow,
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

    /// The requests, retries and rate-limit waits so far.
    pub fn stats(&self) -> Stats {
        self.flow.stats()
    }

    /// GETs `path` with `query` and parses the JSON body, retrying as [`Retry`] says.
    /// Errors are `Failure::jira` (exit 4) naming the URL.
    pub async fn get(
        &self,
        path: &str,
        query: &[(&str, String)],
        shape: Shape<'_>,
    ) -> Result<Value> {
        let answer = self.send(Method::GET, self.url(path, query), None, false, shape);
        Ok(answer.await?.unwrap_or(Value::Null))
    }

    /// GETs `path` as [`Client::get`] does; `None` when JIRA answers HTTP 404, as it does
    /// for an issue deleted since a search listed it.
    pub async fn get_if_found(
        &self,
        path: &str,
        query: &[(&str, String)],
        shape: Shape<'_>,
    ) -> Result<Option<Value>> {
        self.send(Method::GET, self.url(path, query), None, true, shape)
            .await
    }

    /// POSTs `body` as JSON to `path` and parses the JSON answer, retrying as `get` does;
    /// `None` when JIRA has no such endpoint (HTTP 404 or 405), so the caller can fall back.
    pub async fn post(&self, path: &str, body: &Value, shape: Shape<'_>) -> Result<Option<Value>> {
        self.send(
            Method::POST,
            self.url(path, &[]),
            Some(body.to_string()),
            true,
            shape,
        )
        .await
    }

    /// One request to its end: rate limits (429, 503) pause the export and use up no try;
    /// other faults (an answer `shape` refuses among them) are retried after backon's
    /// jittered backoff until the tries run out.
    async fn send(
        &self,
        method: Method,
        url: Url,
        body: Option<String>,
        may_be_missing: bool,
        shape: Shape<'_>,
    ) -> Result<Option<Value>> {
        let mut backoffs = self.retry.backoffs();
        let mut tries = 0u32;
        let mut sent_before = false;
        loop {
            let outcome = {
                let _slot = self.flow.acquire(sent_before).await;
                sent_before = true;
                self.try_once(&method, &url, body.as_deref(), may_be_missing)
                    .await
            };
            let outcome = match outcome {
                Outcome::Done(v) => match shape(&v) {
                    Ok(()) => Outcome::Done(v),
                    Err(why) => Outcome::again(why),
                },
                other => other,
            };
            match outcome {
                Outcome::Done(v) => {
                    self.flow.success();
                    return Ok(Some(v));
                }
                Outcome::Missing if may_be_missing => {
                    self.flow.success();
                    return Ok(None);
                }
                Outcome::Missing => {
                    return Err(Failure::jira(format!(
                        "JIRA has no {method} {url} (HTTP 404/405); check the JIRA URL and the \
                         flavor (cloud or server)"
                    ))
                    .into());
                }
                Outcome::Fatal(e) => return Err(e.into()),
                Outcome::Limited { why, wait } => {
                    let pause = self
                        .flow
                        .rate_limited(wait, |run| self.retry.rate_limit_backoff(run));
                    match pause {
                        // The pause is the flow's: the next acquire waits it out.
                        Ok(_) => {}
                        Err(GaveUp { silent_for }) => {
                            return Err(Failure::jira(format!(
                                "{method} {url}: JIRA has answered nothing but rate limits \
                                 (last {why}) for {} s, and waiting on would pass [jira] \
                                 max_wait ({} s); the snapshot keeps what was read, so run \
                                 the export again later or raise [jira] max_wait",
                                silent_for.as_secs(),
                                self.retry.max_wait.as_secs()
                            ))
                            .into());
                        }
                    }
                }
                Outcome::Again { why, unreachable } => {
                    tries += 1;
                    // A site never reached is most likely the wrong URL or a closed
                    // network: say so after a few tries, not after the full backoff.
                    let hopeless =
                        unreachable && tries >= UNREACHABLE_TRIES && !self.flow.answered();
                    let next = if hopeless { None } else { backoffs.next() };
                    let Some(wait) = next else {
                        return Err(Failure::jira(format!(
                            "{method} {url} failed {tries} times, last with {why}; check \
                             that JIRA is reachable from here and try again later (the \
                             snapshot keeps what was read, and the next run continues)"
                        ))
                        .into());
                    };
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
