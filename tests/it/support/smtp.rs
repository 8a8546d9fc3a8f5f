//! A real SMTP server for the delivery tests: aiosmtpd, started by the test on an
//! ephemeral port of 127.0.0.1 (`smtp_server.py` beside this file). It writes what it
//! accepts as `.eml` files plus JSON from Python's own email parser, so the tests read the
//! messages back through an implementation independent of the one that wrote them.
//!
//! The Python with aiosmtpd is `$SUPPORTLENS_TEST_PYTHON`, else the venv `.ci/run`
//! creates (`~/.cache/supportlens-venv`), else `python3`. Without one a test says so
//! loudly and passes over its mail part; under CI (`CI` set) it fails instead.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde_json::Value;

/// The Python that has aiosmtpd, if any.
pub fn python() -> Option<PathBuf> {
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(p) = std::env::var("SUPPORTLENS_TEST_PYTHON") {
        candidates.push(p.into());
    }
    if let Ok(home) = std::env::var("HOME") {
        candidates.push(Path::new(&home).join(".cache/supportlens-venv/bin/python"));
    }
    candidates.push("python3".into());
    let found = candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    });
    if found.is_none() {
        let msg = "no Python with aiosmtpd: the SMTP delivery tests need it. Create it with \
                   `python3 -m venv ~/.cache/supportlens-venv && \
                   ~/.cache/supportlens-venv/bin/pip install aiosmtpd==1.4.6` (.ci/run does)";
        assert!(std::env::var_os("CI").is_none(), "{msg}");
        eprintln!("\n!!!!! SKIPPED: {msg} !!!!!\n");
    }
    found
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/support/smtp_server.py")
}

/// How a test server speaks TLS: its certificate and key (`tests/fixtures/tls/`, issued for
/// `localhost` and `127.0.0.1` by a test CA whose key was thrown away), and the mode.
#[derive(Clone, Copy, Debug)]
pub enum Tls {
    /// Offers STARTTLS and takes no mail or login before it.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Implicit,
}

/// The test CA that issued the TLS server's certificate: a client trusts the server only
/// with this file as `SSL_CERT_FILE`.
pub fn test_ca() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls/ca.pem")
}

/// A running aiosmtpd; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpServer {
    /// Starts a server; with `login`, it requires that user and password.
    pub fn start(python: &Path, login: Option<(&str, &str)>) -> SmtpServer {
        Self::start_with(python, login, None)
    }

    /// Starts a server that speaks TLS as `tls` says; with `login`, it requires that user
    /// and password (after STARTTLS, in that mode).
    pub fn start_tls(python: &Path, login: Option<(&str, &str)>, tls: Tls) -> SmtpServer {
        Self::start_with(python, login, Some(tls))
    }

    /// Starts a server with more options of `smtp_server.py serve` (`--size N`,
    /// `--smtputf8 on`).
    pub fn start_args(python: &Path, args: &[&str]) -> SmtpServer {
        Self::start_full(python, None, None, args)
    }

    fn start_with(python: &Path, login: Option<(&str, &str)>, tls: Option<Tls>) -> SmtpServer {
        Self::start_full(python, login, tls, &[])
    }

    fn start_full(
        python: &Path,
        login: Option<(&str, &str)>,
        tls: Option<Tls>,
        args: &[&str],
    ) -> SmtpServer {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = Command::new(python);
        cmd.arg(script()).arg("serve").arg(dir.path()).args(args);
        if let Some((user, password)) = login {
            cmd.args(["--user", user, "--password", password]);
        }
        if let Some(tls) = tls {
            let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tls");
            let mode = match tls {
                Tls::StartTls => "starttls",
                Tls::Implicit => "implicit",
            };
            cmd.args(["--tls", mode, "--cert"])
                .arg(fixtures.join("server.pem"))
                .arg("--key")
                .arg(fixtures.join("server.key"));
        }
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start smtp_server.py");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line.trim().parse().expect("smtp_server.py prints its port");
        SmtpServer { child, port, dir }
    }

    /// `smtp://127.0.0.1:<port>`: plain, as supportlens allows to loopback only.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The user names that tried to log in so far, in order (whether or not they were let
    /// in; never the password).
    pub fn logins(&self) -> Vec<String> {
        std::fs::read_to_string(self.dir.path().join("logins.txt"))
            .map(|s| s.lines().map(str::to_owned).collect())
            .unwrap_or_default()
    }

    /// From now on, refuse these recipients with 550 (an empty list accepts everyone); an
    /// entry "451 ADDRESS" refuses that one with 451 instead.
    pub fn refuse(&self, addresses: &[&str]) {
        std::fs::write(self.dir.path().join("refuse.txt"), addresses.join("\n")).unwrap();
    }

    /// From now on, take `n` messages in all and answer 451 to any further one (`None`:
    /// take every message).
    pub fn accept_only(&self, n: Option<usize>) {
        let path = self.dir.path().join("accept.txt");
        match n {
            Some(n) => std::fs::write(path, n.to_string()).unwrap(),
            None => std::fs::remove_file(path).unwrap(),
        }
    }

    /// Every message accepted so far, in order, as Python's email package reads it.
    pub fn messages(&self) -> Vec<Value> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .collect();
        names.sort();
        names
            .iter()
            .map(|p| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap())
            .collect()
    }

    /// The raw bytes of every message accepted so far.
    pub fn raw(&self) -> Vec<Vec<u8>> {
        let mut names: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "eml"))
            .collect();
        names.sort();
        names.iter().map(|p| std::fs::read(p).unwrap()).collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A message file (the dry run's `.eml`) as Python's email package reads it.
pub fn parse_eml(python: &Path, path: &Path) -> Value {
    let out = Command::new(python)
        .arg(script())
        .arg("parse")
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}
