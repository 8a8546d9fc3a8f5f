//! How mail reaches the SMTP server of `[delivery] smtp` (SPEC §7). The URL is read and
//! checked by the configuration (`config::delivery::parse_smtp`) into a
//! [`SmtpServer`]; here it becomes a connection:
//!
//! - `smtps://host[:port]`: TLS from the first byte (implicit TLS);
//! - `smtp://host[:port]?tls=required`: STARTTLS, required: a server that does not offer
//!   it gets nothing, not even the login;
//! - `smtp://host[:port]` to a loopback address: plain, a relay on this machine.
//!
//! Certificates are checked against the system's roots, or `SSL_CERT_FILE` when set
//! (rustls with ring and rustls-native-certs, the stack reqwest already uses). Credentials
//! come from `SUPPORTLENS_SMTP_USER` and `SUPPORTLENS_SMTP_PASSWORD` only. Each message
//! goes over a connection of its own, so one refused recipient does not hold up the others.
//! Each command may take 60 s, and the whole conversation of one message 5 minutes: a
//! server that answers a byte at a time, each within the 60 s, would otherwise hold a cron
//! run for ever. A server sending an answer line without end is given up once the
//! process has grown by 256 MiB, well before the machine runs out.

use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use lettre::Message;
use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, DEFAULT_MECHANISMS};
use lettre::transport::smtp::client::{SmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;

use crate::error::Failure;
use crate::settings::{SmtpSecurity, SmtpServer};

/// The environment variable holding the SMTP user name.
pub const USER_ENV: &str = "SUPPORTLENS_SMTP_USER";
/// The environment variable holding the SMTP password.
pub const PASSWORD_ENV: &str = "SUPPORTLENS_SMTP_PASSWORD";

/// How long one SMTP command may take before the server counts as unreachable.
const TIMEOUT: Duration = Duration::from_secs(60);

/// How long the whole conversation of one message may take (connection, TLS, login,
/// envelope, data): a few MB of page even over a slow link, with room to spare.
const DEADLINE: Duration = Duration::from_secs(300);

/// Shortens [`DEADLINE`], in milliseconds: meant for tests.
pub const DEADLINE_ENV: &str = "SUPPORTLENS_SMTP_DEADLINE_MS";

/// [`DEADLINE`], or the whole milliseconds of [`DEADLINE_ENV`] when set (a bad value is a
/// usage error).
fn deadline_from_env() -> Result<Duration, Failure> {
    match std::env::var(DEADLINE_ENV) {
        Err(_) => Ok(DEADLINE),
        Ok(v) => v
            .trim()
            .parse::<u64>()
            .ok()
            .filter(|&ms| ms > 0)
            .map(Duration::from_millis)
            .ok_or_else(|| {
                Failure::usage(format!(
                    "{DEADLINE_ENV}={} is not a whole number of milliseconds above 0",
                    super::shown(&v)
                ))
            }),
    }
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
    conversation: Arc<Conversation>,
    server: String,
    /// How long one message's conversation may take.
    deadline: Duration,
}

/// How to reach the server and be let in: what one message's connection does before it
/// sends.
struct Conversation {
    host: String,
    port: u16,
    tls: Tls,
    credentials: Option<Credentials>,
    hello: ClientId,
}

/// The TLS of a connection.
enum Tls {
    None,
    /// TLS from the first byte.
    Implicit(TlsParameters),
    /// STARTTLS, required.
    Start(TlsParameters),
}

impl Mailer {
    /// A mailer for `endpoint`, logging in with `credentials` when given.
    pub fn new(endpoint: &SmtpServer, credentials: Option<Credentials>) -> Result<Mailer, Failure> {
        crate::input_file::check_ca_env().map_err(Failure::usage)?;
        let deadline = deadline_from_env()?;
        let host = endpoint.host.trim_start_matches('[').trim_end_matches(']');
        // Certificates checked against the system's roots (or SSL_CERT_FILE), for `host`.
        let tls = || {
            TlsParameters::new(host.to_string()).map_err(|e| {
                Failure::usage(format!(
                    "[delivery] smtp: cannot set up TLS for {endpoint} ({})",
                    one_line(&e.to_string())
                ))
            })
        };
        let tls = match endpoint.security {
            SmtpSecurity::ImplicitTls => Tls::Implicit(tls()?),
            SmtpSecurity::StartTls => Tls::Start(tls()?),
            SmtpSecurity::Plain => Tls::None,
        };
        Ok(Mailer {
            conversation: Arc::new(Conversation {
                host: host.to_string(),
                port: endpoint.port,
                tls,
                credentials,
                hello: ClientId::default(),
            }),
            server: endpoint.to_string(),
            deadline,
        })
    }

    /// The server as messages name it (`host:port`).
    pub fn server(&self) -> &str {
        &self.server
    }

    /// Sends one message over a connection of its own, within the deadline. A server
    /// still talking at the deadline is a failure of the server: the conversation is left
    /// on a thread of its own (a blocking socket cannot be cut short from outside), the
    /// message counts as not sent, and the run goes on to end. The message counts as
    /// sent once the server has taken its data, however long it then takes over QUIT.
    pub fn send(&self, message: &Message) -> Result<(), Refusal> {
        let (done, result) = std::sync::mpsc::channel();
        let conversation = self.conversation.clone();
        let envelope = message.envelope().clone();
        let bytes = message.formatted();
        std::thread::Builder::new()
            .name("smtp".into())
            .spawn(move || conversation.send(&envelope, &bytes, &done))
            .map_err(|e| Refusal::Server(format!("cannot start the mail thread ({e})")))?;
        let deadline = Instant::now() + self.deadline;
        let before = crate::oom::resident_kib();
        let sent = loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Refusal::Server(format!(
                    "did not finish taking one message within {}",
                    spoken(self.deadline)
                )));
            }
            match result.recv_timeout(left.min(WATCH_EVERY)) {
                Ok(sent) => break sent,
                Err(RecvTimeoutError::Timeout) => {
                    if grown_past(before, crate::oom::resident_kib()) {
                        return Err(Refusal::Server(format!(
                            "sent an answer without end (over {} MiB held)",
                            ANSWER_GROWTH_KIB / 1024
                        )));
                    }
                }
                Err(RecvTimeoutError::Disconnected) => {
                    return Err(Refusal::Server(
                        "the mail thread stopped before the server answered".to_string(),
                    ));
                }
            }
        };
        let from_ascii = message
            .envelope()
            .from()
            .is_none_or(|a| AsRef::<str>::as_ref(a).is_ascii());
        sent.map_err(|why| match why {
            // Every message has that sender: the server would refuse them all.
            Refusal::Message(why) if why == NOT_ASCII && !from_ascii => Refusal::Server(
                "the sender's address ([delivery] from) is not ASCII and the server does not \
                 offer SMTPUTF8"
                    .to_string(),
            ),
            other => other,
        })
    }
}

impl Conversation {
    /// Connects, sends `bytes` as `envelope` says, tells `done` how that went, then says
    /// goodbye.
    fn send(&self, envelope: &Envelope, bytes: &[u8], done: &Sender<Result<(), Refusal>>) {
        let mut connection = match self.open() {
            Ok(c) => c,
            Err(e) => {
                let _ = done.send(Err(refusal(e)));
                return;
            }
        };
        let sent = connection.send(envelope, bytes);
        // Told before QUIT: the server has the message once it answered its data.
        let _ = done.send(sent.map(|_| ()).map_err(refusal));
        connection.abort();
    }

    /// A connection ready to send: greeted, encrypted as configured, logged in when the
    /// server asks for a login.
    fn open(&self) -> Result<SmtpConnection, lettre::transport::smtp::Error> {
        let wrapper = match &self.tls {
            Tls::Implicit(p) => Some(p),
            _ => None,
        };
        let server = (self.host.as_str(), self.port);
        let mut connection =
            SmtpConnection::connect(server, Some(TIMEOUT), &self.hello, wrapper, None)?;
        if let Tls::Start(p) = &self.tls {
            // Fails on a server that does not offer STARTTLS: nothing more is said to it.
            connection.starttls(p, &self.hello)?;
        }
        if let Some(credentials) = &self.credentials {
            match connection.auth(DEFAULT_MECHANISMS, credentials) {
                Ok(_) => {}
                // The server offers no login (no AUTH, e.g. a local relay): the message
                // goes without it, and the password stays unsent.
                Err(e)
                    if e.to_string()
                        .contains("No compatible authentication mechanism") => {}
                Err(e) => return Err(e),
            }
        }
        Ok(connection)
    }
}

/// How often the process's memory is looked at while a message's conversation runs.
const WATCH_EVERY: Duration = Duration::from_millis(50);

/// How much a conversation may grow the process: lettre reads each answer line whole
/// before it checks its length, so a server sending a line without end (no CRLF) would
/// have it grow until the machine runs out, hundreds of MiB a second. Real answers are a
/// few lines; the message itself was built before the conversation began.
const ANSWER_GROWTH_KIB: u64 = 256 * 1024;

/// True when resident memory grew by more than [`ANSWER_GROWTH_KIB`] from `before` to
/// `now` (never where `/proc` cannot say).
fn grown_past(before: Option<u64>, now: Option<u64>) -> bool {
    matches!((before, now), (Some(b), Some(n)) if n > b.saturating_add(ANSWER_GROWTH_KIB))
}

/// Why a message with a non-ASCII address cannot go to a server without SMTPUTF8.
const NOT_ASCII: &str = "the address is not ASCII and the server does not offer SMTPUTF8";

/// A deadline in words: whole seconds, else milliseconds (a test's).
fn spoken(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// Why `e` stopped a message, in words for the error line.
fn refusal(e: lettre::transport::smtp::Error) -> Refusal {
    if timed_out(&e) {
        // The socket's words ("Resource temporarily unavailable") would not say that the
        // server was too slow.
        return Refusal::Server(format!("did not answer within {} s", TIMEOUT.as_secs()));
    }
    let text = one_line(&e.to_string());
    if e.is_client() && text.contains("SMTPUTF8") {
        // lettre will not put a non-ASCII address to a server without SMTPUTF8 (RFC 6531):
        // this message's address, not the server, so the next message is still tried.
        return Refusal::Message(NOT_ASCII.to_string());
    }
    // A 4xx/5xx answer to this message's commands concerns this message; any other
    // failure (connect, TLS, login) is the server's.
    if (e.is_permanent() || e.is_transient()) && !is_login_failure(&e) {
        Refusal::Message(text)
    } else if text.contains("invalid peer certificate") {
        // rustls's words for a certificate it cannot check: the usual cause is a relay with
        // a certificate from the site's own CA.
        Refusal::Server(format!(
            "{text}; if the server's certificate comes from your own CA, give that CA's PEM \
             file in SSL_CERT_FILE"
        ))
    } else {
        Refusal::Server(text)
    }
}

/// True when a read or write on the connection ran out of time: the socket reports
/// `WouldBlock` (EAGAIN) or `TimedOut`, somewhere down the error's sources.
fn timed_out(e: &lettre::transport::smtp::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            )
        {
            return true;
        }
        source = s.source();
    }
    e.is_timeout()
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
    use lettre::{SmtpTransport, Transport};

    #[test]
    fn a_conversation_is_given_up_only_past_its_growth() {
        let mib = 1024;
        assert!(!grown_past(Some(100 * mib), Some(356 * mib)));
        assert!(grown_past(Some(100 * mib), Some(356 * mib + 1)));
        assert!(!grown_past(Some(500 * mib), Some(100 * mib)));
        assert!(!grown_past(None, Some(u64::MAX)));
        assert!(!grown_past(Some(0), None));
    }

    #[test]
    fn server_text_is_one_bounded_line() {
        assert_eq!(one_line("550 no\r\nsuch\tuser"), "550 no such user");
        assert_eq!(one_line(&"x".repeat(500)).chars().count(), 201);
    }

    /// A server that takes the connection and never answers is named as too slow, not by
    /// the socket's "Resource temporarily unavailable". (A transport of 1 s stands in for
    /// the mailer's 60 s.)
    #[test]
    fn a_server_that_does_not_answer_is_too_slow() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let transport = SmtpTransport::builder_dangerous("127.0.0.1")
            .port(port)
            .timeout(Some(Duration::from_secs(1)))
            .build();
        let mail = Message::builder()
            .from("r@example.com".parse().unwrap())
            .to("l@example.com".parse().unwrap())
            .subject("s")
            .body(String::from("b"))
            .unwrap();
        let err = transport.send(&mail).unwrap_err();
        drop(listener);
        assert_eq!(
            refusal(err),
            Refusal::Server("did not answer within 60 s".to_string())
        );
    }
}
