//! Mail over TLS (SPEC §7: STARTTLS or implicit TLS) against a real TLS server: aiosmtpd
//! with a certificate from a test CA (`tests/fixtures/tls/`). The binary trusts that CA
//! only through `SSL_CERT_FILE`, as a site with its own CA would configure it, so these
//! tests also show that a certificate the system does not trust stops the mail, and that a
//! STARTTLS the server does not offer stops the login before it is sent.

use std::path::Path;

use crate::delivery::{
    LEAD, PASSWORD, USER, WEEK, assert_no_secret, delivery_config, folder, record, report_with,
    site,
};
use crate::support::smtp::{self, SmtpServer, Tls};

/// The environment that makes the binary trust the test CA (rustls-native-certs reads
/// `SSL_CERT_FILE` instead of the system's roots).
fn trusting(ca: &Path) -> [(&'static str, &Path); 1] {
    [("SSL_CERT_FILE", ca)]
}

#[test]
fn mail_reaches_the_lead_over_smtps_and_starttls_with_the_login_inside_tls() {
    let Some(python) = smtp::python() else { return };
    let ca = smtp::test_ca();
    for (tls, url) in [
        (Tls::Implicit, "smtps://localhost:{port}"),
        (Tls::StartTls, "smtp://127.0.0.1:{port}?tls=required"),
    ] {
        let server = SmtpServer::start_tls(&python, Some((USER, PASSWORD)), tls);
        let url = url.replace("{port}", &server.port.to_string());
        let dir = site(&delivery_config(&url, false, false));
        let sent = report_with(dir.path(), "", &["--deliver"], &trusting(&ca)).success();
        let stderr = String::from_utf8_lossy(&sent.get_output().stderr).into_owned();
        let messages = server.messages();
        assert_eq!(messages.len(), 1, "{tls:?}: {stderr}");
        let m = &messages[0];
        assert_eq!(m["envelope_to"][0], LEAD, "{tls:?}");
        assert_eq!(m["tls"], true, "{tls:?}: the message came over TLS");
        assert_eq!(m["login"], USER, "{tls:?}: logged in");
        assert_eq!(m["subject"], format!("supportlens: team review {WEEK}"));
        assert_eq!(server.logins(), [USER], "{tls:?}: one login");
        let sent = record(dir.path());
        assert_eq!(sent.len(), 1, "{tls:?}");
        assert_eq!(sent[0]["recipient"], LEAD);
        assert_no_secret(dir.path(), &[stderr.as_bytes()]);
    }
}

#[test]
fn an_untrusted_certificate_is_exit_6_before_the_login_or_any_mail() {
    let Some(python) = smtp::python() else { return };
    for (tls, url) in [
        (Tls::Implicit, "smtps://localhost:{port}"),
        (Tls::StartTls, "smtp://localhost:{port}?tls=required"),
    ] {
        let server = SmtpServer::start_tls(&python, Some((USER, PASSWORD)), tls);
        let port = server.port.to_string();
        let dir = site(&delivery_config(
            &url.replace("{port}", &port),
            false,
            false,
        ));
        // The system's roots: the test CA is not among them.
        let failed = report_with(dir.path(), "", &["--deliver"], &[]).code(6);
        let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
        assert_eq!(stderr.lines().count(), 1, "{tls:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!(
                "supportlens: error: delivery of {WEEK} incomplete"
            )),
            "{tls:?}: {stderr}"
        );
        assert!(
            stderr.contains(&format!("the SMTP server localhost:{port}")),
            "{tls:?}: {stderr}"
        );
        assert!(stderr.contains(LEAD), "{tls:?}: {stderr}");
        assert!(
            stderr.contains("invalid peer certificate: UnknownIssuer")
                && stderr.contains("give that CA's PEM file in SSL_CERT_FILE"),
            "{tls:?}: {stderr}"
        );
        assert!(server.messages().is_empty(), "{tls:?}");
        assert!(server.logins().is_empty(), "{tls:?}: no login tried");
        assert!(folder(dir.path()).join("index.html").exists());
        assert!(!folder(dir.path()).join("delivery.json").exists());
        assert_no_secret(dir.path(), &[stderr.as_bytes()]);
    }
}

#[test]
fn a_server_without_starttls_gets_no_login_when_tls_is_required() {
    let Some(python) = smtp::python() else { return };
    // A plain server that asks for the login in the clear.
    let server = SmtpServer::start(&python, Some((USER, PASSWORD)));
    let url = format!("smtp://127.0.0.1:{}?tls=required", server.port);
    let dir = site(&delivery_config(&url, false, false));
    let ca = smtp::test_ca();
    let failed = report_with(dir.path(), "", &["--deliver"], &trusting(&ca)).code(6);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!("the SMTP server 127.0.0.1:{}", server.port)),
        "{stderr}"
    );
    assert!(server.logins().is_empty(), "the password went in the clear");
    assert!(server.messages().is_empty());
    assert!(!folder(dir.path()).join("delivery.json").exists());
    assert_no_secret(dir.path(), &[stderr.as_bytes()]);
}

#[test]
fn a_ca_file_that_is_a_fifo_is_exit_2_before_anything_is_written() {
    // No server is needed: the variable is checked before the report is read.
    let dir = site(&delivery_config("smtps://localhost:1", false, false));
    let pipe = dir.path().join("ca.pem");
    rustix::fs::mkfifoat(
        rustix::fs::CWD,
        &pipe,
        rustix::fs::Mode::from_raw_mode(0o600),
    )
    .unwrap();
    let failed = report_with(dir.path(), "", &["--deliver"], &[("SSL_CERT_FILE", &pipe)]).code(2);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("SSL_CERT_FILE=") && stderr.contains("FIFO"),
        "{stderr}"
    );
    assert!(!dir.path().join("out").exists(), "nothing written");
    // The FIFO goes first: reading it back would wait for a writer.
    std::fs::remove_file(&pipe).unwrap();
    assert_no_secret(dir.path(), &[stderr.as_bytes()]);
}

/// A login the server refuses (535) is the server's failure: one attempt, not one per
/// message, exit 6 naming the server and everyone who got nothing, the password nowhere.
#[test]
fn a_refused_login_is_tried_once_and_is_exit_6() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start_tls(&python, Some((USER, "not-the-password")), Tls::StartTls);
    let url = format!("smtp://127.0.0.1:{}?tls=required", server.port);
    let dir = site(&delivery_config(&url, true, false));
    let ca = smtp::test_ca();
    let failed = report_with(dir.path(), "", &["--deliver"], &trusting(&ca)).code(6);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains(&format!(
            "the SMTP server 127.0.0.1:{} failed (permanent error (535)",
            server.port
        )),
        "{stderr}"
    );
    assert!(stderr.contains(&format!("so {LEAD}, ")), "{stderr}");
    assert_eq!(server.logins(), [USER]);
    assert!(server.messages().is_empty());
    assert!(!folder(dir.path()).join("delivery.json").exists());
    assert_no_secret(dir.path(), &[stderr.as_bytes()]);
}
