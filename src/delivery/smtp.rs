//! The SMTP server of `[delivery] smtp` and how mail reaches it (SPEC §7):
//!
//! - `smtps://host[:port]` — TLS from the first byte (implicit TLS), port 465 by default;
//! - `smtp://host[:port]` — STARTTLS, required: a server that does not offer it gets
//!   nothing, not even the credentials; port 587 by default;
//! - `smtp://` to `localhost`, 127.0.0.0/8 or `[::1]` — plain SMTP, port 25 by default: a
//!   relay on this machine (the traffic never leaves it).
//!
//! Certificates are checked against the system's roots. Credentials come from
//! `SUPPORTLENS_SMTP_USER` and `SUPPORTLENS_SMTP_PASSWORD` only; a URL holding a user or
//! password is refused. Each message goes over its own connection, so one refused
//! recipient does not hold up the others.

use std::net::IpAddr;
use std::time::Duration;

use lettre::transport::smtp::authentication::Credentials;
use lettre::{Message, SmtpTransport, Transport};
use reqwest::Url;

use crate::error::Failure;

/// The environment variable holding the SMTP user name.
pub const USER_ENV: &str = "SUPPORTLENS_SMTP_USER";
/// The environment variable holding the SMTP password.
pub const PASSWORD_ENV: &str = "SUPPORTLENS_SMTP_PASSWORD";

/// How long one SMTP command may take before the server counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// `smtps://`: TLS from the first byte.
    ImplicitTls,
    /// `smtp://` off this machine: STARTTLS or nothing is sent.
    StartTls,
    /// `smtp://` to loopback: plain.
    Plain,
}

/// Where mail goes: host, port and protection, as read from `[delivery] smtp`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    /// Reads an `smtp://` or `smtps://` URL (see the module doc). Errors name the key and
    /// never echo a user or password.
    pub fn parse(url: &str) -> Result<Endpoint, Failure> {
        let bad = |why: &str| {
            Failure::usage(format!(
                "[delivery] smtp: {why}; write smtps://smtp.example.com:465, \
                 smtp://smtp.example.com:587 (STARTTLS) or smtp://127.0.0.1:25 (plain, this \
                 machine only)"
            ))
        };
        let parsed = Url::parse(url.trim()).map_err(|e| bad(&format!("not a URL ({e})")))?;
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(bad(&format!(
                "the URL holds a user name or password; remove it and set {USER_ENV} and \
                 {PASSWORD_ENV}"
            )));
        }
        let host = parsed
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or_else(|| bad("the URL names no host"))?;
        // Url keeps IPv6 hosts bracketed; the socket and TLS layers want them bare.
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        let (security, default_port) = match parsed.scheme() {
            "smtps" => (Security::ImplicitTls, 465),
            "smtp" if is_loopback(&host) => (Security::Plain, 25),
            "smtp" => (Security::StartTls, 587),
            other => {
                return Err(bad(&format!(
                    "scheme {:?} is not smtp or smtps",
                    crate::delivery::shown(other)
                )));
            }
        };
        Ok(Endpoint {
            port: parsed.port().unwrap_or(default_port),
            host,
            security,
        })
    }

    /// `host:port`, for messages.
    pub fn name(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// True for `localhost`, 127.0.0.0/8 and ::1: the only hosts plain SMTP may go to.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// The SMTP user and password from the environment: both, or neither (a server that
/// takes mail from this machine without a login).
pub fn credentials_from_env() -> Result<Option<Credentials>, Failure> {
    let get = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    match (get(USER_ENV), get(PASSWORD_ENV)) {
        (Some(user), Some(password)) => Ok(Some(Credentials::new(user, password))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Failure::usage(format!(
            "{USER_ENV} is set but {PASSWORD_ENV} is not; set both, or neither for a server \
             that needs no login"
        ))),
        (None, Some(_)) => Err(Failure::usage(format!(
            "{PASSWORD_ENV} is set but {USER_ENV} is not; set both, or neither for a server \
             that needs no login"
        ))),
    }
}

/// Why one message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The server answered and refused this message (a rejected recipient, a message it
    /// will not take): the next message may still go through.
    Message(String),
    /// The server could not be reached or failed (connection, TLS, login, timeout): the
    /// remaining messages would fail the same way.
    Server(String),
}

/// A configured SMTP server.
pub struct Mailer {
    transport: SmtpTransport,
    endpoint: Endpoint,
}

impl Mailer {
    /// A mailer for `endpoint`, logging in with `credentials` when given.
    pub fn new(endpoint: Endpoint, credentials: Option<Credentials>) -> Result<Mailer, Failure> {
        let tls_failure = |e: lettre::transport::smtp::Error| {
            Failure::usage(format!(
                "[delivery] smtp: cannot set up TLS for {} ({})",
                endpoint.name(),
                one_line(&e.to_string())
            ))
        };
        let builder = match endpoint.security {
            Security::ImplicitTls => SmtpTransport::relay(&endpoint.host).map_err(tls_failure)?,
            Security::StartTls => {
                SmtpTransport::starttls_relay(&endpoint.host).map_err(tls_failure)?
            }
            Security::Plain => SmtpTransport::builder_dangerous(endpoint.host.clone()),
        };
        let mut builder = builder.port(endpoint.port).timeout(Some(TIMEOUT));
        if let Some(c) = credentials {
            builder = builder.credentials(c);
        }
        Ok(Mailer {
            transport: builder.build(),
            endpoint,
        })
    }

    /// The server as messages name it (`host:port`).
    pub fn server(&self) -> String {
        self.endpoint.name()
    }

    /// Sends one message over a connection of its own.
    pub fn send(&self, message: &Message) -> Result<(), Refusal> {
        match self.transport.send(message) {
            Ok(_) => Ok(()),
            Err(e) => {
                let text = one_line(&e.to_string());
                // A 4xx/5xx answer to this message's commands concerns this message; any
                // other failure (connect, TLS, login, timeout) is the server's.
                if (e.is_permanent() || e.is_transient()) && !is_login_failure(&e) {
                    Err(Refusal::Message(text))
                } else {
                    Err(Refusal::Server(text))
                }
            }
        }
    }
}

/// 530/534/535/538: the server refused the login, which every message would meet.
fn is_login_failure(e: &lettre::transport::smtp::Error) -> bool {
    e.status()
        .is_some_and(|c| matches!(c.to_string().as_str(), "530" | "534" | "535" | "538"))
}

/// A server's answer on one line and of bounded length: it is the server's text, shown to
/// say why, not to be trusted with the terminal.
fn one_line(s: &str) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(200) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn endpoint(url: &str) -> Endpoint {
        Endpoint::parse(url).unwrap()
    }

    #[test]
    fn the_url_says_how_mail_is_protected() {
        assert_eq!(
            endpoint("smtps://smtp.example.com"),
            Endpoint {
                host: "smtp.example.com".into(),
                port: 465,
                security: Security::ImplicitTls
            }
        );
        assert_eq!(
            endpoint("smtp://smtp.example.com"),
            Endpoint {
                host: "smtp.example.com".into(),
                port: 587,
                security: Security::StartTls
            }
        );
        assert_eq!(endpoint("smtp://mail.example.com:2525").port, 2525);
        // Plain only to this machine; smtps to loopback stays TLS.
        for url in [
            "smtp://127.0.0.1:2525",
            "smtp://localhost",
            "smtp://[::1]:26",
            "smtp://127.8.9.1",
        ] {
            assert_eq!(endpoint(url).security, Security::Plain, "{url}");
        }
        assert_eq!(endpoint("smtp://localhost").port, 25);
        assert_eq!(endpoint("smtp://[::1]:26").host, "::1");
        assert_eq!(endpoint("smtp://[::1]:26").name(), "[::1]:26");
        assert_eq!(
            endpoint("smtps://127.0.0.1").security,
            Security::ImplicitTls
        );
        // A host that merely starts like loopback is not.
        assert_eq!(
            endpoint("smtp://127.0.0.1.example.com").security,
            Security::StartTls
        );
    }

    #[test]
    fn bad_urls_are_usage_errors_that_echo_no_secret() {
        for (url, says) in [
            (
                "smtp://bob:hunter2@smtp.example.com",
                "holds a user name or password",
            ),
            (
                "smtp://bob@smtp.example.com",
                "holds a user name or password",
            ),
            ("https://smtp.example.com", "is not smtp or smtps"),
            ("smtp.example.com:465", "not a URL"),
            ("smtp://", "no host"),
        ] {
            let err = Endpoint::parse(url).unwrap_err();
            assert_eq!(err.kind, crate::error::Kind::Usage, "{url}");
            assert!(err.message.contains(says), "{url}: {}", err.message);
            assert!(!err.message.contains("hunter2"), "{}", err.message);
            assert!(
                err.message.starts_with("[delivery] smtp: "),
                "{}",
                err.message
            );
        }
    }

    #[test]
    fn server_text_is_one_bounded_line() {
        assert_eq!(one_line("550 no\r\nsuch\tuser"), "550 no such user");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), 201);
    }
}
