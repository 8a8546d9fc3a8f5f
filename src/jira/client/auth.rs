//! Credentials and the rules for where they may be sent: the `Authorization` header of
//! each flavor, and the site URL check (https, or plain http only to this machine; never
//! credentials inside the URL).

use std::fmt;
use std::net::IpAddr;

use anyhow::Result;
use reqwest::Url;

use super::{TOKEN_ENV, USER_ENV};
use crate::error::Failure;

/// How the client proves who it is.
#[derive(Clone)]
pub enum Auth {
    /// Cloud: e-mail address and API token.
    Basic { user: String, token: String },
    /// Server/DC: personal access token.
    Bearer(String),
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Auth::Basic { .. } => f.write_str("Auth::Basic(<redacted>)"),
            Auth::Bearer(_) => f.write_str("Auth::Bearer(<redacted>)"),
        }
    }
}

impl Auth {
    /// The `Authorization` header value.
    pub(super) fn header(&self) -> String {
        use base64::encode;
        match self {
            Auth::Basic { user, token } => format!("Basic {}", encode(&format!("{user}:{token}"))),
            Auth::Bearer(token) => format!("Bearer {token}"),
        }
    }
}

/// Standard base64 for the basic-auth header (a dozen lines instead of a dependency).
pub(super) mod base64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    pub fn encode(text: &str) -> String {
        let bytes = text.as_bytes();
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let n = chunk
                .iter()
                .enumerate()
                .fold(0u32, |acc, (i, &b)| acc | u32::from(b) << (16 - 8 * i));
            for i in 0..4 {
                if i <= chunk.len() {
                    out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
                } else {
                    out.push('=');
                }
            }
        }
        out
    }
}

/// Parses and checks the site URL: http(s), no credentials in it, and plain `http://` only
/// to this machine (127.0.0.0/8, ::1, localhost), since the token would travel in clear;
/// no query or fragment, which would go into every request URL and message.
pub fn check_base_url(url: &str) -> Result<Url> {
    if url.trim().is_empty() {
        return Err(Failure::usage(
            "no JIRA URL: set [jira] url in the config file, SUPPORTLENS_JIRA_URL or --jira-url",
        )
        .into());
    }
    // The URL is never shown whole: it may hold a password, or be megabytes long.
    let parsed = Url::parse(url.trim()).map_err(|e| {
        Failure::usage(format!(
            "JIRA URL {} cannot be read ({e}); write the base address, e.g. https://support.example.com",
            crate::error::shown_url(url.trim())
        ))
    })?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Failure::usage(format!(
            "the JIRA URL holds a user name or password; remove it and put the credentials in \
             {USER_ENV} and {TOKEN_ENV}"
        ))
        .into());
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Failure::usage(format!(
            "the JIRA URL holds a query or fragment (?… or #…); write the base address only \
             and put the token in {TOKEN_ENV}"
        ))
        .into());
    }
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if is_loopback(&parsed) => Ok(parsed),
        "http" => Err(Failure::usage(format!(
            "refusing plain http to {}: the token would cross the network unencrypted; use https",
            parsed.host_str().unwrap_or("")
        ))
        .into()),
        other => Err(Failure::usage(format!(
            "JIRA URL scheme {} is not supported; use https",
            crate::error::shown(other)
        ))
        .into()),
    }
}

/// True for `localhost`, 127.0.0.0/8 and ::1.
pub(super) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
