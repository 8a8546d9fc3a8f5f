//! Every refused configuration names the file, line, column and key, and says what to do.

use std::path::Path;

use super::usage_error;
use crate::config::load;
use crate::error::exit_code;

#[test]
fn unknown_sla_clock_or_type_is_named() {
    let msg = usage_error("[sla.response.incident]\ndefault = \"1h\"\n");
    assert!(
        msg.contains("`response`") && msg.contains("line 1"),
        "{msg}"
    );
    let msg = usage_error("[sla.ack.bug]\ndefault = \"1h\"\n");
    assert!(
        msg.contains("`bug`") && msg.contains("key `sla.ack.bug`"),
        "{msg}"
    );
    let msg = usage_error("[sla.ack.incident]\nhigh = \"1h\"\nHigh = \"2h\"\n");
    assert!(msg.contains("severity \"high\" is given twice"), "{msg}");
}

#[test]
fn unknown_key_names_the_key_and_line() {
    let msg = usage_error("[jira]\nurl = \"https://jira.example.com\"\nconcurrenc = 4\n");
    assert!(
        msg.starts_with("conf/supportlens.toml: line 3, column 1, key `jira.concurrenc`: unknown field `concurrenc`"),
        "{msg}"
    );
    assert!(msg.contains("supportlens config init"), "{msg}");
    let msg = usage_error("[report]\nweeks = 8\n");
    assert!(msg.contains("line 1") && msg.contains("`report`"), "{msg}");
}

#[test]
fn bad_duration_names_the_line_and_key() {
    let msg = usage_error("# rules\n[hygiene]\nprebook_after = \"4 hours\"\n");
    assert!(
        msg.starts_with("conf/supportlens.toml: line 3, column 17, key `hygiene.prebook_after`:"),
        "{msg}"
    );
    assert!(msg.contains("\"4 hours\""), "{msg}");
    let msg = usage_error("[sla.update.incident]\nhigh = \"8\"\n");
    assert!(
        msg.contains("line 2") && msg.contains("`sla.update.incident.high`"),
        "{msg}"
    );
    assert!(msg.contains("no unit"), "{msg}");
}

#[test]
fn bad_values_each_name_line_and_key() {
    let cases = [
        (
            "[team]\ntimezone = \"Mars/Olympus\"\n",
            "team.timezone",
            "IANA",
        ),
        (
            "[calendar]\nmon = \"18:00-09:00\"\n",
            "calendar.mon",
            "backwards",
        ),
        (
            "[calendar]\nholidays = [\"2026-02-30\"]\n",
            "calendar.holidays",
            "YYYY-MM-DD",
        ),
        (
            "[calls]\nnotes_pattern = \"(call\"\n",
            "calls.notes_pattern",
            "regular expression",
        ),
        (
            "[jira]\nflavor = \"datacenter\"\n",
            "jira.flavor",
            "\"server\"",
        ),
        (
            "[jira]\nconcurrency = 0\n",
            "jira.concurrency",
            "at least 1",
        ),
        ("[jira]\nurl = \"jira.example.com\"\n", "jira.url", "http"),
        (
            "[escalation]\nearly_fraction = 1.5\n",
            "escalation.early_fraction",
            "0 to 1",
        ),
        ("[score]\nwip = -1\n", "score.wip", "from 0 to 1000000"),
        (
            "[sla.ack.query]\nclock = \"always\"\n",
            "sla.ack.query.clock",
            "24x7",
        ),
        (
            "[jira]\nconcurrency = \"4\"\n",
            "jira.concurrency",
            "invalid type",
        ),
    ];
    for (text, key, hint) in cases {
        let msg = usage_error(text);
        assert!(
            msg.contains("line 2") && msg.contains(&format!("key `{key}`")) && msg.contains(hint),
            "{text:?} gave {msg}"
        );
    }
}

#[test]
fn secrets_are_refused_without_echoing_them() {
    for key in ["token", "password", "user", "email"] {
        let msg = usage_error(&format!("[jira]\n{key} = \"hunter2-secret\"\n"));
        assert!(
            msg.contains(&format!("key `jira.{key}`")) && msg.contains("line 2"),
            "{msg}"
        );
        assert!(msg.contains("SUPPORTLENS_JIRA_USER") && msg.contains("SUPPORTLENS_JIRA_TOKEN"));
        assert!(!msg.contains("hunter2"), "{msg}");
    }
    let msg = usage_error("jira.token = \"hunter2-secret\"\n");
    assert!(msg.contains("line 1, column 6, key `jira.token`"), "{msg}");
}

#[test]
fn syntax_error_names_the_line() {
    let msg = usage_error("[jira]\nurl = \"https://x\n");
    assert!(
        msg.starts_with("conf/supportlens.toml: line 2, column"),
        "{msg}"
    );
    assert!(msg.contains("not valid TOML"), "{msg}");
}

#[test]
fn a_status_in_two_classes_is_refused() {
    let msg = usage_error("[statuses]\ndone = [\"Resolved\", \"In-Progress\"]\n");
    assert!(
        msg.contains("\"In-Progress\"") && msg.contains("line 2, column 21"),
        "{msg}"
    );
    assert!(
        msg.contains("statuses.in_progress and statuses.done"),
        "{msg}"
    );
    let msg = usage_error(
        "[statuses]\nwaiting_on_customer = [\"Pending\"]\ndone = [\"Closed\", \"pending\"]\n",
    );
    assert!(
        msg.contains("line 3") && msg.contains("\"pending\""),
        "{msg}"
    );
    assert!(msg.contains("statuses.waiting_on_customer"), "{msg}");
}

#[test]
fn missing_ics_file_is_named() {
    let msg = usage_error("[calendar]\nholidays_ics = \"none.ics\"\n");
    assert!(
        msg.contains("key `calendar.holidays_ics`") && msg.contains("line 2"),
        "{msg}"
    );
    assert!(msg.contains("conf/none.ics"), "{msg}");
}

/// Found while writing the `config` fuzz target: `holidays_ics` naming a device or a FIFO
/// was read until it ended, which `/dev/zero` never does (and a FIFO blocks until written).
#[test]
fn ics_that_is_no_regular_file_is_refused_unread() {
    let msg = usage_error("[calendar]\nholidays_ics = \"/dev/zero\"\n");
    assert!(
        msg.contains("key `calendar.holidays_ics`")
            && msg.contains("cannot read /dev/zero: it is a device, not a regular file"),
        "{msg}"
    );
    let dir = tempfile::tempdir().unwrap();
    let msg = usage_error(&format!(
        "[calendar]\nholidays_ics = \"{}\"\n",
        dir.path().display()
    ));
    assert!(msg.contains("it is a folder, not a regular file"), "{msg}");
}

/// A holidays file past 16 MiB is refused without being read whole.
#[test]
fn oversized_ics_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.ics");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len((16 << 20) + 1).unwrap();
    let msg = usage_error(&format!(
        "[calendar]\nholidays_ics = \"{}\"\n",
        path.display()
    ));
    assert!(
        msg.contains("big.ics: larger than 16 MiB, more than any holidays calendar; fix the path"),
        "{msg}"
    );
}

/// A config file that does not hold the bytes its size says is refused unread past them: a
/// kernel file says 0 bytes and may read without end (`--config /proc/self/pagemap` filled
/// 24 GB of memory before the run was killed); `/proc/self/status` ends, so it can show it.
#[cfg(target_os = "linux")]
#[test]
fn a_config_file_that_does_not_say_its_size_is_refused() {
    let err = load(Some(Path::new("/proc/self/status"))).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    assert_eq!(
        err.to_string(),
        "cannot read the config file /proc/self/status: it did not hold the 0 bytes its size \
         says: it is still being written, or it is a kernel file that does not say its size; \
         copy it to a regular file once it is complete; check the path given to --config, or \
         write a commented one with `supportlens config init`"
    );
    // Past 64 MiB (sparse here) it is not read at all.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.toml");
    std::fs::File::create(&path)
        .unwrap()
        .set_len((64 << 20) + 1)
        .unwrap();
    let msg = load(Some(&path)).unwrap_err().to_string();
    assert!(
        msg.contains("huge.toml: it is 67108865 bytes, more than the 64 MiB read"),
        "{msg}"
    );
}

#[test]
fn missing_config_file_is_a_usage_error_naming_it() {
    let err = load(Some(Path::new("/nonexistent/sl.toml"))).unwrap_err();
    assert_eq!(exit_code(&err), 2);
    let msg = err.to_string();
    assert!(
        msg.contains("/nonexistent/sl.toml") && msg.contains("config init"),
        "{msg}"
    );
}

/// Durations stop at a year, wherever they are: SLA targets, the prebook window and the
/// export overlap all used to panic later with "100000000d".
#[test]
fn durations_longer_than_a_year_are_refused_with_their_key() {
    for (text, key, line) in [
        (
            "[sla.ack.incident]\nhigh = \"100000000d\"\n",
            "sla.ack.incident.high",
            2,
        ),
        (
            "[hygiene]\nprebook_after = \"100000000d\"\n",
            "hygiene.prebook_after",
            2,
        ),
        ("\n[jira]\noverlap = \"366d\"\n", "jira.overlap", 3),
    ] {
        let msg = usage_error(text);
        assert!(
            msg.starts_with(&format!("conf/supportlens.toml: line {line}, ")),
            "{msg}"
        );
        assert!(
            msg.contains(&format!("key `{key}`: duration \""))
                && msg.contains("is too large: the longest accepted is 365d (365 days)"),
            "{msg}"
        );
    }
}

/// A URL with a user name or password is refused without repeating the password; a
/// malformed one is shown cut, its user info masked.
#[test]
fn credentials_in_the_url_are_refused_unseen() {
    for url in [
        "https://lead:hunter2@jira.example.com",
        "https://lead:hunter2@ji ra.example.com/x",
        "http://hunter2@jira",
    ] {
        let msg = usage_error(&format!("[jira]\nurl = \"{url}\"\n"));
        assert!(msg.contains("key `jira.url`"), "{msg}");
        assert!(msg.contains("user name or password"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
    }
    let msg = usage_error(&format!(
        "[jira]\nurl = \"ftp://u:hunter2@{}\"\n",
        "h".repeat(10_000)
    ));
    assert!(msg.contains("\"ftp://***@hhh"), "{msg}");
    assert!(!msg.contains("hunter2") && msg.len() < 600, "{msg}");
    // A token in a key that wants a list is not echoed by the type error either.
    let msg = usage_error("[team]\nengineers = \"hunter2\"\n");
    assert!(msg.contains("invalid type: a string, expected"), "{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
}

/// A query or fragment in the JIRA URL is refused unseen: `url =
/// "https://jira.example.com/?token=…"` was taken, and the token written into every ticket
/// link of every page.
#[test]
fn a_query_or_fragment_in_the_url_is_refused_unseen() {
    for url in [
        "https://jira.example.com/?token=hunter2",
        "https://jira.example.com?hunter2",
        "https://jira.example.com/jira#hunter2",
    ] {
        let msg = usage_error(&format!("[jira]\nurl = \"{url}\"\n"));
        assert!(
            msg.ends_with(
                "line 2, column 7, key `jira.url`: the JIRA URL holds a query or fragment (?… \
                 or #…); write the base address only, e.g. \"https://support.example.com\" (the \
                 token goes in SUPPORTLENS_JIRA_TOKEN)"
            ),
            "{msg}"
        );
        assert!(!msg.contains("hunter2"), "{msg}");
    }
    assert_eq!(
        super::super::fields::parse_jira_url("https://jira.example.com/jira/"),
        Ok("https://jira.example.com/jira".to_string())
    );
}

/// Weights are relative and stop at a million: six weights near f64's limit summed to
/// infinity and wrote NaN scores.
#[test]
fn weights_beyond_a_million_are_refused() {
    for w in ["1e308", "1000001", "-1", "inf", "nan"] {
        let msg = usage_error(&format!("[score]\nack = {w}\n"));
        assert!(
            msg.starts_with("conf/supportlens.toml: line 2, column 7, key `score.ack`: weight "),
            "{msg}"
        );
        assert!(msg.contains("from 0 to 1000000"), "{msg}");
    }
    assert!(super::load_str("[score]\nack = 1000000\nupdate = 0.5\n").is_ok());
}

/// A million holiday dates took 16 s to read; past 10,000 (with the .ics file's) the list
/// is refused naming the key, before any calendar is built.
#[test]
fn too_many_holidays_are_refused() {
    let dates = |n: usize| -> String {
        let first = chrono::NaiveDate::from_ymd_opt(1990, 1, 1).unwrap();
        let list: Vec<String> = first
            .iter_days()
            .take(n)
            .map(|d| format!("\"{d}\""))
            .collect();
        format!("[calendar]\nholidays = [{}]\n", list.join(","))
    };
    let msg = usage_error(&dates(10_001));
    assert!(
        msg.contains("key `calendar.holidays`: 10001 holiday dates, more than the 10000 supportlens reads (with holidays_ics)"),
        "{msg}"
    );
    let config = super::load_str(&dates(10_000)).unwrap();
    assert_eq!(config.calendar.holidays().len(), 10_000);

    // Together with the .ics file's dates: 9,999 listed and two other days in the file.
    let dir = tempfile::tempdir().unwrap();
    let ics = dir.path().join("h.ics");
    std::fs::write(
        &ics,
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20500101\r\n\
         DTEND;VALUE=DATE:20500103\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    )
    .unwrap();
    let text = dates(9_999) + &format!("holidays_ics = \"{}\"\n", ics.display());
    let msg = usage_error(&text);
    assert!(
        msg.contains("10001 holiday dates, more than the 10000"),
        "{msg}"
    );
}
