//! Delivery against SMTP servers that misbehave (SPEC §7: a failed delivery names the
//! recipient and the server in one line, exits 6 and records what was sent): one that
//! answers a byte at a time, so that no single read ever times out; real aiosmtpd servers
//! with a SIZE limit, without SMTPUTF8, or refusing one recipient for now.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use serde_json::Value;

use crate::delivery::{LEAD, WEEK, folder, record, site};
use crate::support::smtp::{self, SmtpServer};

/// A small SMTP server on loopback: the first `normal` conversations take their message
/// as a server should; every later one answers its greeting one byte every 300 ms, for
/// ever (a line `220-` after another), each byte well within the 60 s a command may take.
/// With `slow_goodbye`, each conversation that took its message answers QUIT so.
struct Trickle {
    port: u16,
    /// How many messages it took.
    taken: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

impl Trickle {
    fn start(normal: usize) -> Trickle {
        Self::start_with(normal, false)
    }

    fn start_with(normal: usize, slow_goodbye: bool) -> Trickle {
        let taken = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = taken.clone();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                let counter = counter.clone();
                if n < normal {
                    std::thread::spawn(move || converse(stream, &counter, slow_goodbye));
                } else {
                    std::thread::spawn(move || trickle(stream));
                }
            }
        });
        Trickle { port, taken }
    }
}

/// One SMTP conversation that takes the message; with `slow_goodbye`, then answers QUIT a
/// byte at a time.
fn converse(stream: TcpStream, taken: &std::sync::atomic::AtomicUsize, slow_goodbye: bool) {
    let mut out = stream.try_clone().unwrap();
    let mut lines = BufReader::new(stream);
    let _ = out.write_all(b"220 trickle.test ESMTP\r\n");
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" | "HELO" => b"250 trickle.test\r\n",
            "DATA" => {
                let _ = out.write_all(b"354 go on\r\n");
                loop {
                    line.clear();
                    if lines.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                taken.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                b"250 taken\r\n"
            }
            "QUIT" if slow_goodbye => return trickle(out),
            "QUIT" => {
                let _ = out.write_all(b"221 bye\r\n");
                return;
            }
            _ => b"250 ok\r\n",
        };
        if out.write_all(answer).is_err() {
            return;
        }
    }
}

/// A greeting that never ends, a byte at a time.
fn trickle(mut stream: TcpStream) {
    for byte in b"220-".iter().chain(b"slow\r\n220-".iter().cycle()) {
        if stream.write_all(&[*byte]).is_err() {
            return;
        }
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// A server that trickles its answers is given up at the deadline of one message
/// (`SUPPORTLENS_SMTP_DEADLINE_MS` shortens its 5 minutes here): exit 6, one line naming
/// the recipient and the server, and the message sent before it is in `delivery.json`.
#[test]
fn a_server_answering_a_byte_at_a_time_is_given_up_at_the_deadline() {
    let server = Trickle::start(1);
    let dir = leads_at(server.port, "\"first@example.com\", \"second@example.com\"");
    let started = Instant::now();
    // Without the deadline the run would never end: the test fails instead of hanging.
    let run = deliver_within(dir.path(), Some("2000")).code(6);
    assert!(started.elapsed() < Duration::from_secs(60));
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "supportlens: error: delivery of {WEEK} incomplete: the SMTP server \
             127.0.0.1:{port} failed (did not finish taking one message within 2 s), so \
             second@example.com got nothing; the report is in out/{WEEK} and delivery.json \
             lists what was sent: run the same command again to send the rest\n",
            port = server.port
        )
    );
    let sent = record(dir.path());
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0]["recipient"], "first@example.com");
    assert!(folder(dir.path()).join("index.html").is_file());
}

/// A server whose greeting is one line without end: `220-`, then bytes and never a CRLF,
/// as fast as the socket takes them.
fn flood_server() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let chunk = vec![b'a'; 64 * 1024];
                let _ = stream.write_all(b"220-");
                while stream.write_all(&chunk).is_ok() {}
            });
        }
    });
    port
}

/// A server that answers with a line without end is given up once the run has grown by
/// 256 MiB (lettre reads a line whole before it checks its length; it grew by hundreds of
/// MiB a second until the machine ran out): exit 6 naming the server and who got nothing.
#[test]
fn a_server_answering_a_line_without_end_is_given_up_before_memory_runs_out() {
    let port = flood_server();
    let dir = leads_at(port, "\"first@example.com\"");
    let run = deliver(dir.path()).code(6);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(
        stderr,
        format!(
            "supportlens: error: delivery of {WEEK} incomplete: the SMTP server \
             127.0.0.1:{port} failed (sent an answer without end (over 256 MiB held)), so \
             first@example.com got nothing; the report is in out/{WEEK} and delivery.json \
             lists what was sent: run the same command again to send the rest\n"
        )
    );
    assert!(folder(dir.path()).join("index.html").is_file());
}

/// `supportlens report --deliver` of the sample data (the SMTP login unset), as cron runs it.
fn deliver(dir: &Path) -> assert_cmd::assert::Assert {
    deliver_within(dir, None)
}

/// [`deliver`] with one message's deadline shortened to `deadline_ms` (else the 5 minutes).
/// A run that would never end fails the test after a minute or two instead of hanging.
fn deliver_within(dir: &Path, deadline_ms: Option<&str>) -> assert_cmd::assert::Assert {
    let mut cmd = Command::cargo_bin("supportlens").unwrap();
    cmd.current_dir(dir)
        .env_remove("SUPPORTLENS_PROGRESS")
        .env_remove("SUPPORTLENS_SMTP_USER")
        .env_remove("SUPPORTLENS_SMTP_PASSWORD")
        .env_remove("SUPPORTLENS_SMTP_DEADLINE_MS");
    if let Some(ms) = deadline_ms {
        cmd.env("SUPPORTLENS_SMTP_DEADLINE_MS", ms);
    }
    cmd.args(["--config", "supportlens.toml", "report", "--as-of"])
        .arg("2026-11-23T00:00:00Z")
        .args(["--out", "out", "--input"])
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data"))
        .arg("--deliver")
        .timeout(Duration::from_secs(120))
        .assert()
}

/// The sample site mailing `leads` through a plain server on loopback `port`.
fn leads_at(port: u16, leads: &str) -> tempfile::TempDir {
    site(&format!(
        "smtp = \"smtp://127.0.0.1:{port}\"\nfrom = \"supportlens <reports@example.com>\"\n\
         leads = [{leads}]\n"
    ))
}

fn leads(server: &SmtpServer, leads: &[&str]) -> tempfile::TempDir {
    let list: Vec<String> = leads.iter().map(|l| format!("\"{l}\"")).collect();
    site(&format!(
        "smtp = \"{}\"\nfrom = \"supportlens ✓ <reports@example.com>\"\nleads = [{}]\n",
        server.url(),
        list.join(", ")
    ))
}

fn error_line(run: &assert_cmd::assert::Assert) -> String {
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

fn recipients(server: &SmtpServer) -> Vec<String> {
    server
        .messages()
        .iter()
        .map(|m| m["envelope_to"][0].as_str().unwrap().to_string())
        .collect()
}

/// A non-ASCII address to a server without SMTPUTF8 is that message's failure, not the
/// server's: the lead after it still gets hers (the first cut the rest off as "the SMTP
/// server failed"). A server that offers SMTPUTF8 takes it.
#[test]
fn a_non_ascii_address_without_smtputf8_fails_alone() {
    let Some(python) = smtp::python() else { return };
    let plain = SmtpServer::start(&python, None);
    let dir = leads(&plain, &["josé@example.com", LEAD]);
    let run = deliver(dir.path()).code(6);
    let line = error_line(&run);
    assert!(
        line.contains(&format!(
            "the SMTP server 127.0.0.1:{} refused the team message to josé@example.com (the \
             address is not ASCII and the server does not offer SMTPUTF8)",
            plain.port
        )),
        "{line}"
    );
    assert!(!line.contains(LEAD), "{line}");
    assert_eq!(recipients(&plain), [LEAD]);
    let sent = record(dir.path());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0]["recipient"], LEAD);

    // A non-ASCII sender is in every message: the server's failure, the rest not tried.
    let dir = site(&format!(
        "smtp = \"{}\"\nfrom = \"r@exämple.com\"\nleads = [\"{LEAD}\", \"b@example.com\"]\n",
        plain.url()
    ));
    let line = error_line(&deliver(dir.path()).code(6));
    assert!(
        line.contains(&format!(
            "the SMTP server 127.0.0.1:{} failed (the sender's address ([delivery] from) is \
             not ASCII and the server does not offer SMTPUTF8), so {LEAD} and b@example.com \
             got nothing",
            plain.port
        )),
        "{line}"
    );
    assert_eq!(recipients(&plain), [LEAD]);

    let utf8 = SmtpServer::start_args(&python, &["--smtputf8", "on"]);
    let dir = leads(&utf8, &["josé@example.com"]);
    deliver(dir.path()).success();
    let messages = utf8.messages();
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["envelope_to"][0], "josé@example.com");
    // RFC 6532: the address travels as UTF-8 in the header too (Python's parser, which
    // knows only RFC 5322, flags that as its only defects).
    assert_eq!(messages[0]["to"], "josé@example.com");
}

/// A server whose SIZE limit the team page exceeds answers 552: exit 6 naming the
/// recipient, nothing recorded; the others are tried all the same.
#[test]
fn a_message_over_the_servers_size_is_refused_and_named() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start_args(&python, &["--size", "20000"]);
    let dir = leads(&server, &[LEAD, "second@example.com"]);
    let run = deliver(dir.path()).code(6);
    let line = error_line(&run);
    for to in [LEAD, "second@example.com"] {
        assert!(
            line.contains(&format!(
                "refused the team message to {to} (permanent error (552)"
            )),
            "{line}"
        );
    }
    assert!(server.messages().is_empty());
    assert!(!folder(dir.path()).join("delivery.json").exists());
}

/// A 451 at RCPT for one of three leads: the other two are sent and recorded, exit 6
/// names the one, and the retry sends only hers.
#[test]
fn a_transient_refusal_of_one_recipient_is_retried_alone() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let (a, b, c) = ("a@example.com", "b@example.com", "c@example.com");
    let dir = leads(&server, &[a, b, c]);
    server.refuse(&[&format!("451 {b}")]);
    let run = deliver(dir.path()).code(6);
    let line = error_line(&run);
    assert!(
        line.contains(&format!(
            "refused the team message to {b} (transient error (451)"
        )),
        "{line}"
    );
    assert!(!line.contains(a) && !line.contains(c), "{line}");
    assert_eq!(recipients(&server), [a, c]);
    let recorded: Vec<Value> = record(dir.path())
        .iter()
        .map(|s| s["recipient"].clone())
        .collect();
    assert_eq!(recorded, [a, c]);
    server.refuse(&[]);
    deliver(dir.path()).success();
    assert_eq!(recipients(&server), [a, c, b]);
}

/// The team page of 150 engineers travels as a well-formed message: no line over 998
/// octets (RFC 5322) in any part, nothing Python's strict parser objects to, and the
/// sender's non-ASCII display name RFC 2047-encoded (the headers are ASCII).
#[test]
fn the_team_page_of_150_engineers_is_a_well_formed_message() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let dir = tempfile::tempdir().unwrap();
    let bin = || Command::cargo_bin("supportlens").unwrap();
    bin()
        .current_dir(dir.path())
        .args([
            "generate",
            "--tickets",
            "1500",
            "--engineers",
            "150",
            "--weeks",
            "4",
        ])
        .args(["--out", "data"])
        .assert()
        .success();
    let config = std::fs::read_to_string(dir.path().join("data/supportlens.toml")).unwrap();
    std::fs::write(
        dir.path().join("supportlens.toml"),
        format!(
            "{config}\n[delivery]\nsmtp = \"{}\"\nfrom = \"Équipe supportlens ✓ \
             <reports@example.com>\"\nleads = [\"{LEAD}\"]\n",
            server.url()
        ),
    )
    .unwrap();
    bin()
        .current_dir(dir.path())
        .env_remove("SUPPORTLENS_SMTP_USER")
        .env_remove("SUPPORTLENS_SMTP_PASSWORD")
        .args([
            "--config",
            "supportlens.toml",
            "report",
            "--weeks",
            "4",
            "--as-of",
        ])
        .arg("2026-11-23T00:00:00Z")
        .args(["--out", "out", "--input", "data", "--deliver"])
        .assert()
        .success();
    let messages = server.messages();
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(m["defects"], serde_json::json!([]));
    assert!(
        m["longest_line"].as_u64().unwrap() <= 998,
        "{}",
        m["longest_line"]
    );
    let page = &m["attachments"][0]["text"];
    assert!(page.as_str().unwrap().len() > 100_000, "a page of 150 rows");
    let raw = &server.raw()[0];
    let head = &raw[..raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap()];
    assert!(head.is_ascii(), "{}", String::from_utf8_lossy(head));
    let from = m["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h[0] == "From")
        .unwrap();
    assert_eq!(from[1], "Équipe supportlens ✓ <reports@example.com>");
}

/// A server that took the message and then answers QUIT a byte at a time has the message:
/// it is recorded as sent, and the next message is sent too (it counted as a failure, so
/// a retry would have mailed the lead twice).
#[test]
fn a_server_slow_to_say_goodbye_after_taking_the_message_has_it() {
    let server = Trickle::start_with(usize::MAX, true);
    let dir = leads_at(server.port, "\"first@example.com\", \"second@example.com\"");
    deliver_within(dir.path(), Some("2000"))
        .success()
        .stderr("");
    assert_eq!(server.taken.load(std::sync::atomic::Ordering::SeqCst), 2);
    let recorded: Vec<Value> = record(dir.path())
        .iter()
        .map(|s| s["recipient"].clone())
        .collect();
    assert_eq!(recorded, ["first@example.com", "second@example.com"]);
}

/// A body line that starts with "." (a name of dots, wrapped by the quoted-printable
/// encoding) reaches the server dot-stuffed and is read back whole: the SMTP end of data
/// is "." alone on a line, and a bare "." line start would lose a dot.
#[test]
fn a_body_line_starting_with_a_dot_arrives_whole() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let name = format!("Amara {} Perera", ".".repeat(70));
    let dir = site(&format!(
        "smtp = \"{}\"\nfrom = \"r@example.com\"\nengineers = true\n\n[team.emails]\n\
         \"5b10a2851fdd7128f310c389\" = \"amara@example.com\"\n",
        server.url()
    ));
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/issues.jsonl");
    let issues = std::fs::read_to_string(sample).unwrap();
    assert!(issues.contains("Amara Perera"));
    std::fs::create_dir(dir.path().join("data")).unwrap();
    std::fs::write(
        dir.path().join("data/issues.jsonl"),
        issues.replace("Amara Perera", &name),
    )
    .unwrap();
    Command::cargo_bin("supportlens")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("SUPPORTLENS_SMTP_USER")
        .env_remove("SUPPORTLENS_SMTP_PASSWORD")
        .args(["--config", "supportlens.toml", "report", "--as-of"])
        .arg("2026-11-23T00:00:00Z")
        .args(["--out", "out", "--input", "data", "--deliver"])
        .assert()
        .success();
    let messages = server.messages();
    let raw = server.raw();
    let i = messages
        .iter()
        .position(|m| m["envelope_to"][0] == "amara@example.com")
        .unwrap();
    let raw = String::from_utf8_lossy(&raw[i]);
    assert!(raw.split("\r\n").any(|l| l.starts_with("....")), "{raw}");
    assert_eq!(messages[i]["defects"], serde_json::json!([]));
    for part in ["text", "html"] {
        let body = messages[i][part].as_str().unwrap();
        assert!(body.contains(&name), "{part}: {body}");
    }
}
