//! Delivery (SPEC §7) end to end: the real binary reports the sample data and mails it
//! through a real SMTP server on loopback (aiosmtpd, `support/smtp.rs`) and posts to a
//! loopback webhook receiver; the tests read the messages back with Python's email parser
//! and check who got what, once per week, exit 6 on a refused recipient or a server that
//! is down, and that no secret is written or printed anywhere.

use crate::support::{jira_org, jira_server, smtp, webhook_receiver};

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;
use smtp::SmtpServer;
use supportlens::settings::Flavor;
use webhook_receiver::Receiver;

pub(crate) const USER: &str = "mailer@example.com";
pub(crate) const PASSWORD: &str = "pw-Smtp-9f8e7d-SECRET";
const HOOK_TOKEN: &str = "B000/XXXXhookTOKENsecretXXXX";
pub(crate) const LEAD: &str = "lead@example.com";
pub(crate) const WEEK: &str = "2026-W47";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A folder with the sample config plus `delivery` appended.
pub(crate) fn site(delivery: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let sample = std::fs::read_to_string(root().join("sample-data/supportlens.toml")).unwrap();
    std::fs::write(
        dir.path().join("supportlens.toml"),
        format!("{sample}\n[goals]\nack_sla_pct = 95\nlate_logs = 0\n\n[delivery]\n{delivery}"),
    )
    .unwrap();
    dir
}

pub(crate) fn delivery_config(smtp: &str, engineers: bool, webhook: bool) -> String {
    format!(
        "smtp = \"{smtp}\"\nfrom = \"supportlens <reports@example.com>\"\nleads = [\"{LEAD}\"]\n\
         engineers = {engineers}\nwebhook = {webhook}\n"
    )
}

/// `supportlens report` of the sample data with `extra` flags, as cron would run it (no
/// terminal), with the SMTP login and the webhook URL in the environment.
fn report(dir: &Path, hook: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    report_with(dir, hook, extra, &[])
}

/// [`report`] with more variables set in its environment; the CA variables of the test's
/// own environment are not passed on, so the binary trusts the system's roots unless `env`
/// says otherwise.
pub(crate) fn report_with(
    dir: &Path,
    hook: &str,
    extra: &[&str],
    env: &[(&str, &Path)],
) -> assert_cmd::assert::Assert {
    Command::cargo_bin("supportlens")
        .unwrap()
        .current_dir(dir)
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR")
        .envs(env.iter().copied())
        .env_remove("SUPPORTLENS_PROGRESS")
        .env("SUPPORTLENS_SMTP_USER", USER)
        .env("SUPPORTLENS_SMTP_PASSWORD", PASSWORD)
        .env("SUPPORTLENS_WEBHOOK_URL", hook)
        .args(["--config", "supportlens.toml", "report", "--as-of"])
        .arg("2026-11-23T00:00:00Z")
        .args(["--out", "out", "--input"])
        .arg(root().join("sample-data"))
        .args(extra)
        .assert()
}

pub(crate) fn folder(dir: &Path) -> PathBuf {
    dir.join("out").join(WEEK)
}

/// (id, name) of everyone with a row in `engineer_weekly.csv`, and of those active in the
/// last week (not `(unassigned)`).
/// (id, name) pairs.
type People = Vec<(String, String)>;

fn people(dir: &Path) -> (People, People) {
    // The engineers of the sample configuration: leads and others with rows get no mail.
    let config: toml::Table = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-data/supportlens.toml"),
    )
    .unwrap()
    .parse()
    .unwrap();
    let engineers: BTreeSet<&str> = config["team"]["engineers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let weekly = std::fs::read_to_string(folder(dir).join("engineer_weekly.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(weekly.as_bytes());
    let mut all = BTreeSet::new();
    let mut active = BTreeSet::new();
    for row in reader.records() {
        let row = row.unwrap();
        let person = (row[1].to_string(), row[2].to_string());
        if person.0.starts_with('(') {
            continue;
        }
        if &row[0] == WEEK && engineers.contains(person.0.as_str()) {
            active.insert(person.clone());
        }
        all.insert(person);
    }
    (all.into_iter().collect(), active.into_iter().collect())
}

/// How many engineer messages the report calls for: one per engineer active in the last
/// week, each with their page (their self-review's); no warning about a page.
fn engineer_mail(dir: &Path, stderr: &[u8]) -> usize {
    let (_, active) = people(dir);
    assert!(folder(dir).join("engineers").is_dir());
    let stderr = String::from_utf8_lossy(stderr);
    assert!(!stderr.contains("their page could not be made"), "{stderr}");
    active.len()
}

fn text_of(message: &Value) -> String {
    let mut all = String::new();
    for h in message["headers"].as_array().unwrap() {
        all.push_str(&format!(
            "{}: {}\n",
            h[0].as_str().unwrap(),
            h[1].as_str().unwrap()
        ));
    }
    all.push_str(message["text"].as_str().unwrap());
    all.push_str(message["html"].as_str().unwrap());
    for a in message["attachments"].as_array().unwrap() {
        all.push_str(a["filename"].as_str().unwrap());
        all.push_str(a["text"].as_str().unwrap());
    }
    all
}

fn subject(m: &Value) -> &str {
    m["subject"].as_str().unwrap()
}

fn attachment(m: &Value) -> (String, String) {
    let list = m["attachments"].as_array().unwrap();
    assert_eq!(list.len(), 1, "one page attached: {list:?}");
    (
        list[0]["filename"].as_str().unwrap().to_string(),
        list[0]["text"].as_str().unwrap().replace("\r\n", "\n"),
    )
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .replace("\r\n", "\n")
}

/// Every file under `dir`, as bytes.
fn all_files(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(all_files(&path));
        } else {
            out.push((path.clone(), std::fs::read(&path).unwrap()));
        }
    }
    out
}

pub(crate) fn assert_no_secret(dir: &Path, outputs: &[&[u8]]) {
    let secrets = [PASSWORD, HOOK_TOKEN];
    for (path, bytes) in all_files(dir) {
        let text = String::from_utf8_lossy(&bytes);
        for s in secrets {
            assert!(!text.contains(s), "{} holds a secret", path.display());
        }
    }
    for out in outputs {
        let text = String::from_utf8_lossy(out);
        for s in secrets {
            assert!(!text.contains(s), "output holds a secret: {text}");
        }
    }
}

pub(crate) fn record(dir: &Path) -> Vec<Value> {
    let path = folder(dir).join("delivery.json");
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["sent"].as_array().unwrap().clone()
}

#[test]
fn the_sample_report_reaches_the_lead_each_engineer_and_the_webhook_once() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, Some((USER, PASSWORD)));
    let hook = Receiver::start();
    let dir = site(&delivery_config(&server.url(), true, true));
    let hook_url = hook.url(&format!("/services/T000/{HOOK_TOKEN}"));
    let first = report(dir.path(), &hook_url, &["--deliver"]).success();
    let first_out = first.get_output().clone();
    let (everyone, active) = people(dir.path());
    assert!(active.len() >= 5, "{active:?}");

    let engineers = engineer_mail(dir.path(), &first_out.stderr);
    let messages = server.messages();
    assert_eq!(messages.len(), 1 + engineers, "{messages:#?}");
    for m in &messages {
        // Well formed as Python's strict parser reads it (RFC 5322: lines of at most 998
        // octets), dated.
        assert_eq!(m["defects"], serde_json::json!([]), "{}", m["subject"]);
        assert!(m["longest_line"].as_u64().unwrap() <= 998);
        assert!(!m["date"].as_str().unwrap().is_empty());
        assert_eq!(m["login"], USER, "the server required the login");
        assert_eq!(m["envelope_from"], "reports@example.com");
        assert_eq!(
            m["envelope_to"].as_array().unwrap().len(),
            1,
            "one recipient each"
        );
        assert_eq!(m["cc"], "");
    }
    // The lead: the team review with index.html.
    let lead: Vec<&Value> = messages
        .iter()
        .filter(|m| m["envelope_to"][0] == LEAD)
        .collect();
    assert_eq!(lead.len(), 1);
    assert_eq!(subject(lead[0]), format!("supportlens: team review {WEEK}"));
    assert_eq!(lead[0]["to"], LEAD);
    let (name, page) = attachment(lead[0]);
    assert_eq!(name, "index.html");
    // The mailed copy links to no page the mail does not hold (SPEC §5: "mailed alone"):
    // the folder's index.html links each engineer's page, the attached one names them.
    let on_disk = read(&folder(dir.path()).join("index.html"));
    assert!(on_disk.contains("<a href=\"engineers/"), "{on_disk}");
    assert!(!page.contains("href="), "{page}");
    assert!(
        page.contains(&format!(
            "each engineer's own page is in the report folder {WEEK} (engineers/), not in \
             this mail"
        )),
        "{page}"
    );
    for (id, name) in &active {
        let shown = if name.is_empty() { id } else { name };
        assert!(page.contains(&format!("<bdi>{shown}</bdi>")), "{shown}");
    }
    let text = lead[0]["text"].as_str().unwrap();
    assert!(
        text.contains(&format!("The team in {WEEK}, against 2026-W46:")),
        "{text}"
    );
    assert!(text.contains("Goals missed in 2026-W47: "), "{text}");
    assert!(text.contains("Improvement points in 2026-W47: "), "{text}");
    assert!(
        lead[0]["html"].as_str().unwrap().contains("<table"),
        "{lead:?}"
    );

    // Each engineer active in the last week: their own summary and page, no one else.
    let mine: Vec<&Value> = messages
        .iter()
        .filter(|m| m["envelope_to"][0] != LEAD)
        .collect();
    let mut named = BTreeSet::new();
    for m in &mine {
        assert_eq!(subject(m), format!("supportlens: your week {WEEK}"));
        let to = m["to"].as_str().unwrap();
        let (id, me) = active
            .iter()
            .find(|(_, n)| to.starts_with(n.as_str()))
            .unwrap_or_else(|| panic!("{to} is no active engineer"));
        named.insert(id.clone());
        assert!(
            m["text"]
                .as_str()
                .unwrap()
                .contains(&format!("Your numbers in {WEEK}"))
        );
        // Their page as their self-review writes it (SPEC §7), under the name of their
        // page in the team's folder.
        let (file, page) = attachment(m);
        assert!(folder(dir.path()).join("engineers").join(&file).is_file());
        let review = dir.path().join(format!("review-{}", named.len()));
        Command::cargo_bin("supportlens")
            .unwrap()
            .current_dir(dir.path())
            .args(["--config", "supportlens.toml", "report", "--as-of"])
            .arg("2026-11-23T00:00:00Z")
            .args(["--engineer", id.as_str(), "--out"])
            .arg(&review)
            .arg("--input")
            .arg(root().join("sample-data"))
            .assert()
            .success();
        assert_eq!(page, read(&review.join(WEEK).join("index.html")));
        assert!(page.contains("Self-review") && !page.contains("../index.html"));
        let all = text_of(m);
        assert!(all.contains(me.as_str()));
        for (other, other_name) in everyone.iter().filter(|(o, _)| o != id) {
            assert!(
                !all.contains(other.as_str()),
                "{me}'s message names {other}"
            );
            if !other_name.is_empty() && !me.contains(other_name.as_str()) {
                assert!(
                    !all.contains(other_name.as_str()),
                    "{me}'s message names {other_name}"
                );
            }
        }
        for lead_name in ["Sofia Kaur", "Rahul Eriksen"] {
            assert!(!all.contains(lead_name), "{me}'s message names {lead_name}");
        }
    }
    assert_eq!(
        named.len(),
        engineers,
        "every active engineer got one message"
    );

    // The webhook: one Slack-style post of the team summary.
    let posts = hook.requests();
    assert_eq!(posts.len(), 1);
    assert_eq!(posts[0].method, "POST");
    assert_eq!(posts[0].content_type, "application/json");
    let body: Value = serde_json::from_str(&posts[0].body).unwrap();
    let text = body["text"].as_str().unwrap();
    assert!(
        text.starts_with(&format!("*supportlens: team review {WEEK}*\n")),
        "{text}"
    );
    for (_, name) in &everyone {
        assert!(
            name.is_empty() || !text.contains(name.as_str()),
            "the post names {name}"
        );
    }

    // The record, and once per week: the same command again sends nothing.
    let sent = record(dir.path());
    assert_eq!(sent.len(), messages.len() + 1);
    assert!(sent.iter().all(|s| s["week"] == WEEK));
    assert!(
        sent.iter()
            .any(|s| s["kind"] == "webhook" && s["recipient"] == "webhook")
    );
    assert!(
        sent.iter()
            .any(|s| s["kind"] == "team" && s["recipient"] == LEAD)
    );
    let ids: BTreeSet<&str> = messages
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), messages.len(), "each Message-ID is its own");
    for s in sent.iter().filter(|s| s["kind"] != "webhook") {
        assert!(ids.contains(s["message_id"].as_str().unwrap()), "{s}");
    }
    let again = report(dir.path(), &hook_url, &["--deliver"]).success();
    assert_eq!(
        server.messages().len(),
        messages.len(),
        "a re-run mails no one twice"
    );
    assert_eq!(hook.requests().len(), 1, "a re-run posts nothing");
    assert_eq!(record(dir.path()), sent);
    // Cron hears nothing when all is well.
    if engineers > 0 {
        assert_eq!(String::from_utf8_lossy(&first_out.stderr), "");
    }
    assert_no_secret(
        dir.path(),
        &[
            &first_out.stdout,
            &first_out.stderr,
            &again.get_output().stderr,
        ],
    );
    for raw in server.raw() {
        let raw = String::from_utf8_lossy(&raw);
        assert!(!raw.contains(PASSWORD) && !raw.contains(HOOK_TOKEN));
    }
}

#[test]
fn a_refused_recipient_is_exit_6_and_a_retry_sends_only_that_message() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let hook = Receiver::start();
    let dir = site(&delivery_config(&server.url(), true, true));
    let hook_url = hook.url(&format!("/services/T000/{HOOK_TOKEN}"));
    server.refuse(&[LEAD]);
    let failed = report(dir.path(), &hook_url, &["--deliver"]).code(6);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    let errors: Vec<&str> = stderr.lines().filter(|l| l.contains(" error: ")).collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    assert!(errors[0].contains(LEAD), "{stderr}");
    assert!(
        errors[0].contains(&format!("127.0.0.1:{}", server.port)),
        "{stderr}"
    );
    assert!(errors[0].contains("550"), "{stderr}");
    // The report is in place and everyone else got theirs.
    assert!(folder(dir.path()).join("index.html").exists());
    let engineers = engineer_mail(dir.path(), stderr.as_bytes());
    assert_eq!(server.messages().len(), engineers);
    assert_eq!(hook.requests().len(), 1);
    assert!(!record(dir.path()).iter().any(|s| s["recipient"] == LEAD));

    server.refuse(&[]);
    report(dir.path(), &hook_url, &["--deliver"]).success();
    let messages = server.messages();
    assert_eq!(messages.len(), engineers + 1, "the retry sent one message");
    assert_eq!(messages.last().unwrap()["envelope_to"][0], LEAD);
    assert_eq!(hook.requests().len(), 1);
    assert_no_secret(dir.path(), &[stderr.as_bytes()]);
}

#[test]
fn a_server_that_is_down_is_exit_6_with_the_report_in_place() {
    // Bind, then drop: nothing listens on the port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = site(&delivery_config(
        &format!("smtp://127.0.0.1:{port}"),
        false,
        false,
    ));
    let failed = report(dir.path(), "", &["--deliver"]).code(6);
    let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("supportlens: error: delivery of 2026-W47 incomplete"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("the SMTP server 127.0.0.1:{port} failed")),
        "{stderr}"
    );
    assert!(stderr.contains(LEAD), "{stderr}");
    assert!(folder(dir.path()).join("index.html").exists());
    assert!(!folder(dir.path()).join("delivery.json").exists());
    assert_no_secret(dir.path(), &[stderr.as_bytes()]);
}

#[test]
fn a_failing_webhook_is_exit_6_named_by_its_variable_only() {
    let hook = Receiver::start();
    let dir = site("webhook = true\n");
    let hook_url = hook.url(&format!("/services/T000/{HOOK_TOKEN}"));
    // A redirect is not followed (it would carry the post elsewhere): an answer like any.
    for (n, code) in [500, 302, 404].into_iter().enumerate() {
        hook.answer(code);
        let failed = report(dir.path(), &hook_url, &["--deliver"]).code(6);
        let stderr = String::from_utf8_lossy(&failed.get_output().stderr).into_owned();
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains(&format!(
                "the webhook (SUPPORTLENS_WEBHOOK_URL) answered HTTP {code}"
            )),
            "{stderr}"
        );
        assert!(!stderr.contains("127.0.0.1"), "{stderr}");
        assert_eq!(hook.requests().len(), n + 1);
        assert!(!folder(dir.path()).join("delivery.json").exists());
        assert_no_secret(dir.path(), &[stderr.as_bytes()]);
    }
    // The next run posts again, and then it is recorded.
    hook.answer(200);
    report(dir.path(), &hook_url, &["--deliver"]).success();
    assert_eq!(hook.requests().len(), 4);
    assert_eq!(record(dir.path()).len(), 1);
}

#[test]
fn a_dry_run_writes_the_messages_into_outbox_and_records_nothing() {
    // No server is contacted: the port is closed and no webhook URL is set.
    let dir = site(&delivery_config("smtp://127.0.0.1:9", true, true));
    let run = report(dir.path(), "", &["--dry-run-delivery"]).success();
    let outbox = folder(dir.path()).join("outbox");
    let engineers = engineer_mail(dir.path(), &run.get_output().stderr);
    let mut names: Vec<String> = std::fs::read_dir(&outbox)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 1 + engineers + 1, "{names:?}");
    assert!(names.contains(&format!("team-{LEAD}.eml")), "{names:?}");
    assert_eq!(
        names.iter().filter(|n| n.starts_with("engineer-")).count(),
        engineers
    );
    let body: Value =
        serde_json::from_slice(&std::fs::read(outbox.join("webhook.json")).unwrap()).unwrap();
    assert!(
        body["text"]
            .as_str()
            .unwrap()
            .contains("team review 2026-W47")
    );
    assert!(!folder(dir.path()).join("delivery.json").exists());
    if let Some(python) = smtp::python() {
        let team = smtp::parse_eml(&python, &outbox.join(format!("team-{LEAD}.eml")));
        assert_eq!(subject(&team), "supportlens: team review 2026-W47");
        assert_eq!(attachment(&team).0, "index.html");
    }
}

#[test]
fn delivery_mistakes_are_exit_2_before_anything_is_written() {
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a str);
    let cases: [Case; 5] = [
        ("", &[], "--deliver: [delivery] names no destination"),
        (
            &delivery_config("smtps://smtp.example.com", false, false),
            &[("SUPPORTLENS_SMTP_DEADLINE_MS", "soon")],
            "SUPPORTLENS_SMTP_DEADLINE_MS=\"soon\" is not a whole number of milliseconds",
        ),
        (
            &delivery_config("smtps://smtp.example.com", false, false),
            &[("SUPPORTLENS_SMTP_PASSWORD", "")],
            "SUPPORTLENS_SMTP_USER is set but SUPPORTLENS_SMTP_PASSWORD is not",
        ),
        (
            "leads = [\"lead@example.com\"]\nfrom = \"r@example.com\"\n",
            &[],
            "no SMTP server is set",
        ),
        (
            "webhook = true\n",
            &[("SUPPORTLENS_WEBHOOK_URL", "")],
            "SUPPORTLENS_WEBHOOK_URL is not set",
        ),
    ];
    for (config, env, says) in cases {
        let dir = site(config);
        let mut cmd = Command::cargo_bin("supportlens").unwrap();
        cmd.current_dir(dir.path())
            .env("SUPPORTLENS_SMTP_USER", USER)
            .env("SUPPORTLENS_SMTP_PASSWORD", PASSWORD)
            .env("SUPPORTLENS_WEBHOOK_URL", "https://hooks.example.com/x");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let out = cmd
            .args([
                "--config",
                "supportlens.toml",
                "report",
                "--out",
                "out",
                "--input",
            ])
            .arg(root().join("sample-data"))
            .arg("--deliver")
            .assert()
            .code(2);
        let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
        assert!(stderr.contains(says), "{config}: {stderr}");
        assert!(
            !dir.path().join("out").exists(),
            "{config}: nothing written"
        );
    }
}

/// `run` is the cron job: export, report, then deliver; the next run sends nothing new.
#[test]
fn run_delivers_after_writing_the_report_and_only_once() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let hook = Receiver::start();
    let token = "jira-T0KEN-for-run";
    let jira = jira_server::JiraServer::start(
        Flavor::Server,
        jira_org::organisation(Flavor::Server, 5),
        &format!("Bearer {token}"),
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("supportlens.toml"),
        format!(
            "[jira]\nurl = \"{}\"\nflavor = \"server\"\njql = \"support.jql\"\n\n[delivery]\n{}",
            jira.url,
            delivery_config(&server.url(), false, true)
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("support.jql"), "project = SUP\n").unwrap();
    let hook_url = hook.url(&format!("/services/T000/{HOOK_TOKEN}"));
    let run = || {
        Command::cargo_bin("supportlens")
            .unwrap()
            .current_dir(dir.path())
            .env_remove("SUPPORTLENS_JIRA_URL")
            .env_remove("SUPPORTLENS_PROGRESS")
            .env("SUPPORTLENS_JIRA_TOKEN", token)
            .env("SUPPORTLENS_WEBHOOK_URL", &hook_url)
            .args([
                "--config",
                "supportlens.toml",
                "--data",
                "data",
                "run",
                "--weeks",
                "2",
            ])
            .args(["--out", "reports"])
            .assert()
            .success()
            .stdout("")
    };
    run();
    let messages = server.messages();
    assert_eq!(messages.len(), 1, "{messages:#?}");
    assert_eq!(messages[0]["envelope_to"][0], LEAD);
    let subject = subject(&messages[0]).to_string();
    assert!(
        subject.starts_with("supportlens: team review 20"),
        "{subject}"
    );
    let week = subject.rsplit(' ').next().unwrap();
    let folder = dir.path().join("reports").join(week);
    assert!(
        folder.join("delivery.json").exists(),
        "{}",
        folder.display()
    );
    assert_eq!(hook.requests().len(), 1);
    run();
    assert_eq!(server.messages().len(), 1);
    assert_eq!(hook.requests().len(), 1);
}

/// A report written while another run holds the lock on --out (a delivery recording what
/// it sent) is exit 5 and writes nothing: carrying over the week's record from before a
/// message was sent would make the next delivery mail everyone again (SPEC §7).
#[test]
fn a_report_is_refused_while_another_run_holds_out() {
    let dir = site(&delivery_config("smtp://127.0.0.1:9", true, false));
    report(dir.path(), "", &[]).success();
    let record = folder(dir.path()).join("delivery.json");
    std::fs::write(&record, "[]\n").unwrap();
    let held = supportlens::snapshot::lock_out(&dir.path().join("out")).unwrap();
    let run = report(dir.path(), "", &[]).code(5);
    let stderr = String::from_utf8_lossy(&run.get_output().stderr).into_owned();
    assert!(stderr.contains("using the report folder out"), "{stderr}");
    assert_eq!(std::fs::read_to_string(&record).unwrap(), "[]\n");
    let leftovers: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".supportlens-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    drop(held);
    report(dir.path(), "", &[]).success();
    assert_eq!(std::fs::read_to_string(&record).unwrap(), "[]\n");
}

/// Two engineers with one address (a shared mailbox in `[team] emails`) are two messages,
/// each recorded as about whom it was: when the server takes the first and stops before
/// the second, the retry sends the second and nothing twice (SPEC §7 "once per week"). An
/// engineer whose address is the lead's gets their message besides the lead's review.
#[test]
fn two_engineers_sharing_an_address_each_get_their_message_once() {
    let Some(python) = smtp::python() else { return };
    let server = SmtpServer::start(&python, None);
    let probe = site(&delivery_config(&server.url(), true, false));
    report(probe.path(), "", &[]).success();
    let (_, active) = people(probe.path());
    let (a, b, c) = (&active[0].0, &active[1].0, &active[2].0);
    let shared = "shared@example.com";
    let dir = site(&format!(
        "{}\n[team.emails]\n\"{a}\" = \"{shared}\"\n\"{b}\" = \"{shared}\"\n\"{c}\" = \"{LEAD}\"\n",
        delivery_config(&server.url(), true, false)
    ));
    // The lead's message and the first shared one go through, then the server stops.
    server.accept_only(Some(2));
    report(dir.path(), "", &["--deliver"]).code(6);
    let first = server.messages();
    assert_eq!(first.len(), 2);
    assert_eq!(first[1]["envelope_to"][0], shared);
    let sent = record(dir.path());
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[1]["recipient"], shared);
    assert_eq!(sent[1]["about"], a.as_str());

    server.accept_only(None);
    report(dir.path(), "", &["--deliver"]).success();
    let messages = server.messages();
    assert_eq!(messages.len(), 1 + active.len(), "every message once");
    let to_shared: Vec<&Value> = messages
        .iter()
        .filter(|m| m["envelope_to"][0] == shared)
        .collect();
    assert_eq!(to_shared.len(), 2);
    // Each is the page of a different engineer.
    assert_ne!(attachment(to_shared[0]).0, attachment(to_shared[1]).0);
    let sent = record(dir.path());
    let about: Vec<&str> = sent
        .iter()
        .filter(|s| s["recipient"] == shared)
        .map(|s| s["about"].as_str().unwrap())
        .collect();
    assert_eq!(about, [a.as_str(), b.as_str()]);
    let to_lead: Vec<(&str, Option<&str>)> = sent
        .iter()
        .filter(|s| s["recipient"] == LEAD)
        .map(|s| (s["kind"].as_str().unwrap(), s["about"].as_str()))
        .collect();
    assert_eq!(to_lead, [("team", None), ("engineer", Some(c.as_str()))]);
    // A third run sends nothing.
    report(dir.path(), "", &["--deliver"]).success();
    assert_eq!(server.messages().len(), 1 + active.len());
}
