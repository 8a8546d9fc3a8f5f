//! Delivery against SMTP servers that misbehave (SPEC §7: a failed delivery names the
//! recipient and the server in one line, exits 6 and records what was sent): one that
//! answers a byte at a time, so that no single read ever times out.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use assert_cmd::Command;

use crate::delivery::{WEEK, folder, record, site};

/// A small SMTP server on loopback: the first `normal` conversations take their message
/// as a server should; every later one answers its greeting one byte every 300 ms, for
/// ever (a line `220-` after another), each byte well within the 60 s a command may take.
struct Trickle {
    port: u16,
}

impl Trickle {
    fn start(normal: usize) -> Trickle {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        std::thread::spawn(move || {
            for (n, stream) in listener.incoming().enumerate() {
                let Ok(stream) = stream else { return };
                if n < normal {
                    std::thread::spawn(move || converse(stream));
                } else {
                    std::thread::spawn(move || trickle(stream));
                }
            }
        });
        Trickle { port }
    }
}

/// One SMTP conversation that takes the message.
fn converse(stream: TcpStream) {
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
                b"250 taken\r\n"
            }
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
    let dir = site(&format!(
        "smtp = \"smtp://127.0.0.1:{}\"\nfrom = \"supportlens <reports@example.com>\"\n\
         leads = [\"first@example.com\", \"second@example.com\"]\n",
        server.port
    ));
    let started = Instant::now();
    let run = Command::cargo_bin("supportlens")
        .unwrap()
        .current_dir(dir.path())
        .env_remove("SUPPORTLENS_PROGRESS")
        .env_remove("SUPPORTLENS_SMTP_USER")
        .env_remove("SUPPORTLENS_SMTP_PASSWORD")
        .env("SUPPORTLENS_SMTP_DEADLINE_MS", "2000")
        .args(["--config", "supportlens.toml", "report", "--as-of"])
        .arg("2026-11-23T00:00:00Z")
        .args(["--out", "out", "--input"])
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data"))
        .arg("--deliver")
        // Without the deadline the run would never end: the test fails instead of hanging.
        .timeout(Duration::from_secs(60))
        .assert()
        .code(6);
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
