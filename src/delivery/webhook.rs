//! The webhook post (SPEC §7): one `POST` of `{"text": ...}` (Slack's incoming-webhook
//! shape, which Mattermost, Rocket.Chat and Teams workflows also take) to the URL in
//! `SUPPORTLENS_WEBHOOK_URL`. The URL carries the token that lets anyone post, so it is a
//! secret: no message, error or file ever holds it; errors name the variable and the HTTP
//! status only. It must be https, or plain http to this machine.

use std::fmt;
use std::time::Duration;

use reqwest::Url;

use crate::error::Failure;

/// The environment variable holding the webhook's URL.
pub const URL_ENV: &str = "SUPPORTLENS_WEBHOOK_URL";

/// How errors name the webhook, instead of its URL.
pub const NAME: &str = "the webhook (SUPPORTLENS_WEBHOOK_URL)";

/// How long the post may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The webhook's URL, kept out of every `Debug` and `Display`.
#[derive(Clone)]
pub struct Webhook(Url);

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Webhook(<redacted>)")
    }
}

impl Webhook {
    /// The URL from the environment; a usage error when it is missing or unusable.
    pub fn from_env() -> Result<Webhook, Failure> {
        let url = std::env::var(URL_ENV).unwrap_or_default();
        let hook = Webhook::parse(&url)?;
        crate::input_file::check_ca_env().map_err(Failure::usage)?;
        Ok(hook)
    }

    /// Checks a URL without ever showing it.
    pub fn parse(url: &str) -> Result<Webhook, Failure> {
        if url.trim().is_empty() {
            return Err(Failure::usage(format!(
                "[delivery] webhook = true but {URL_ENV} is not set; set it to the incoming \
                 webhook's address, or set webhook = false"
            )));
        }
        let parsed = Url::parse(url.trim()).map_err(|_| {
            Failure::usage(format!(
                "{URL_ENV} is not a URL; set it to the incoming webhook's https address"
            ))
        })?;
        let loopback = parsed
            .host_str()
            .map(|h| h.trim_start_matches('[').trim_end_matches(']'))
            .is_some_and(crate::config::delivery::is_loopback);
        match parsed.scheme() {
            "https" => Ok(Webhook(parsed)),
            "http" if loopback => Ok(Webhook(parsed)),
            _ => Err(Failure::usage(format!(
                "{URL_ENV} must be an https address (plain http only to this machine): the \
                 address is a secret that must not cross the network in the clear"
            ))),
        }
    }

    /// Posts `{"text": text}`. The error says why in words and the HTTP status, never the
    /// URL.
    pub fn post(&self, text: &str) -> Result<(), String> {
        let body = serde_json::json!({ "text": text }).to_string();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the HTTP runtime ({e})"))?;
        runtime.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(TIMEOUT)
                .user_agent(concat!("supportlens/", env!("CARGO_PKG_VERSION")))
                // A redirect would carry the post elsewhere; webhooks answer in place.
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|_| "cannot set up the HTTP client".to_string())?;
            let answer = client
                .post(self.0.clone())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body)
                .send()
                .await
                .map_err(|e| describe(&e))?;
            let status = answer.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(format!("answered HTTP {}", status.as_u16()))
            }
        })
    }
}

/// A transport failure in words. reqwest's own text and its causes can hold the URL, so
/// only the kind of failure is told.
fn describe(e: &reqwest::Error) -> String {
    if e.is_timeout() {
        format!("did not answer within {} s", TIMEOUT.as_secs())
    } else if e.is_connect() {
        "could not be reached (connection failed)".to_string()
    } else {
        "could not be posted to (the request failed)".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "https://hooks.example.com/services/T000/B000/XXXXsecretXXXX";

    #[test]
    fn the_url_is_checked_and_never_shown() {
        let hook = Webhook::parse(SECRET).unwrap();
        assert_eq!(format!("{hook:?}"), "Webhook(<redacted>)");
        assert!(Webhook::parse("http://127.0.0.1:9/hook").is_ok());
        for bad in [
            "",
            "http://hooks.example.com/services/XXXXsecretXXXX",
            "not a url XXXXsecretXXXX",
            "ftp://hooks.example.com/XXXXsecretXXXX",
        ] {
            let err = Webhook::parse(bad).unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Usage);
            assert!(err.message.contains(URL_ENV), "{}", err.message);
            assert!(!err.message.contains("XXXXsecretXXXX"), "{}", err.message);
        }
    }

    #[test]
    fn a_server_that_is_not_there_is_named_without_its_url() {
        // Bind then drop: the port is free and nothing listens on it.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let hook = Webhook::parse(&format!("http://127.0.0.1:{port}/hook/XXXXsecretXXXX")).unwrap();
        let err = hook.post("hello").unwrap_err();
        assert_eq!(err, "could not be reached (connection failed)");
    }
}
