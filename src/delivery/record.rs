//! `delivery.json`: what was sent for a report's week (SPEC §7 "once per week"). Each
//! message is recorded the moment it is accepted, so a run cut short after some sends
//! still knows them, and a re-run sends only what is missing. The file is rewritten whole
//! through a temporary file and a rename: a crash leaves the old record or the new one,
//! never half of one. It lives in the report folder, and the report writer carries it
//! over when the same week's report is written again.

use std::path::Path;

use anyhow::Context;
use serde::{Deserialize, Serialize};

use crate::error::Failure;

/// The record's file name in the report folder.
pub const FILE: &str = "delivery.json";

/// Opens the record at `path` when there is one (`None` when there is none). Only a
/// regular file is a record: a link, a FIFO or a folder in its place is an `InvalidInput`
/// error saying what it is, never followed or waited on, since a record that cannot be
/// trusted would mail people twice.
pub fn open_record(path: &Path) -> std::io::Result<Option<std::fs::File>> {
    match std::fs::symlink_metadata(path) {
        // No week folder yet, or no folder where one should be (the writer says that).
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
        Ok(meta) if meta.file_type().is_symlink() => Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "it is a symbolic link, not a regular file",
        )),
        Ok(_) => crate::input_file::open(path).map(Some),
    }
}

/// What a message was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A lead's message: the team summary with `index.html`.
    Team,
    /// An engineer's message: their own summary with their page.
    Engineer,
    /// The post to `SUPPORTLENS_WEBHOOK_URL`.
    Webhook,
}

impl Kind {
    /// The name used in the record, file names and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Team => "team",
            Kind::Engineer => "engineer",
            Kind::Webhook => "webhook",
        }
    }
}

/// One message that was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sent {
    /// The address mailed, or `webhook` (the webhook's URL is a secret and never written).
    pub recipient: String,
    pub kind: Kind,
    /// The report's week, e.g. `2026-W47`.
    pub week: String,
    /// When the server accepted it, RFC 3339 UTC.
    pub time: String,
    /// The mail's `Message-ID`; none for the webhook.
    pub message_id: Option<String>,
    /// The engineer an engineer's message is about (their id): two engineers sharing one
    /// address get a message each, and each is recorded as its own. Absent for the team
    /// message and the webhook, and in records written before it existed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
}

/// Everything sent for one report folder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub sent: Vec<Sent>,
}

impl Record {
    /// The record in `folder`; empty when there is none yet. A record that cannot be read
    /// is an error: guessing would mail people twice.
    pub fn load(folder: &Path) -> anyhow::Result<Record> {
        let path = folder.join(FILE);
        let read = |mut file: std::fs::File| {
            let mut bytes = Vec::new();
            std::io::Read::read_to_end(&mut file, &mut bytes).map(|_| bytes)
        };
        let bytes = match open_record(&path).and_then(|f| f.map(read).transpose()) {
            Ok(Some(b)) => b,
            Ok(None) => return Ok(Record::default()),
            Err(e) => {
                return Err(Failure::delivery(format!(
                    "cannot read {} ({e}); nothing was sent: fix its permissions and run again",
                    path.display()
                ))
                .into());
            }
        };
        serde_json::from_slice(&bytes).map_err(|e| {
            Failure::delivery(format!(
                "{} is not a delivery record ({e}); nothing was sent: restore it, or remove it \
                 to send every message again",
                path.display()
            ))
            .into()
        })
    }

    /// True when a message of `kind` to `recipient` about `about` (an engineer's id) for
    /// `week` was sent. Addresses compare without regard to case, as mail systems treat
    /// them. A record that does not say whom it was about (written before records said
    /// so) counts for every message of its kind to its address: never mail twice.
    pub fn has(&self, kind: Kind, recipient: &str, about: Option<&str>, week: &str) -> bool {
        self.sent.iter().any(|s| {
            s.kind == kind
                && s.week == week
                && s.recipient.eq_ignore_ascii_case(recipient)
                && (s.about.is_none() || s.about.as_deref() == about)
        })
    }

    /// Adds `sent` and rewrites the record in `folder` at once.
    pub fn add(&mut self, folder: &Path, sent: Sent) -> anyhow::Result<()> {
        self.sent.push(sent);
        self.save(folder)
    }

    fn save(&self, folder: &Path) -> anyhow::Result<()> {
        let path = folder.join(FILE);
        let mut bytes = serde_json::to_vec_pretty(self).context("rendering delivery.json")?;
        bytes.push(b'\n');
        let write = || -> std::io::Result<()> {
            let mut tmp = tempfile::Builder::new()
                .prefix(".delivery-")
                .tempfile_in(folder)?;
            std::io::Write::write_all(&mut tmp, &bytes)?;
            tmp.as_file().sync_all()?;
            tmp.persist(&path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|e| {
            Failure::delivery(format!(
                "cannot write {} ({e}): a message was sent but is not recorded, so a re-run \
                 would send it again; free space or fix the folder's permissions",
                path.display()
            ))
            .into()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sent(recipient: &str, kind: Kind) -> Sent {
        Sent {
            recipient: recipient.to_string(),
            kind,
            week: "2026-W47".to_string(),
            time: "2026-11-23T06:00:01Z".to_string(),
            message_id: Some("<a1@example.com>".to_string()),
            about: None,
        }
    }

    #[test]
    fn a_record_round_trips_and_knows_what_was_sent() {
        let dir = tempfile::tempdir().unwrap();
        let mut record = Record::load(dir.path()).unwrap();
        assert_eq!(record, Record::default());
        record
            .add(dir.path(), sent("Lead@Example.com", Kind::Team))
            .unwrap();
        record
            .add(dir.path(), sent("webhook", Kind::Webhook))
            .unwrap();
        let back = Record::load(dir.path()).unwrap();
        assert_eq!(back, record);
        assert!(back.has(Kind::Team, "lead@example.com", None, "2026-W47"));
        assert!(!back.has(Kind::Engineer, "lead@example.com", None, "2026-W47"));
        assert!(!back.has(Kind::Team, "lead@example.com", None, "2026-W46"));
        assert!(back.has(Kind::Webhook, "webhook", None, "2026-W47"));
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains("\"kind\": \"team\""), "{text}");
        assert!(
            text.contains("\"message_id\": \"<a1@example.com>\""),
            "{text}"
        );
        // Only the record itself is left: the temporary file was renamed over it.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    /// Two engineers sharing an address: the message about one is not the other's. A
    /// record from before records named whom a message was about covers both.
    #[test]
    fn messages_to_one_address_are_told_apart_by_whom_they_are_about() {
        let dir = tempfile::tempdir().unwrap();
        let mut record = Record::default();
        let about = |id: &str| Sent {
            about: Some(id.to_string()),
            ..sent("shared@example.com", Kind::Engineer)
        };
        record.add(dir.path(), about("ana")).unwrap();
        let back = Record::load(dir.path()).unwrap();
        let has = |id| back.has(Kind::Engineer, "Shared@example.com", Some(id), "2026-W47");
        assert!(has("ana"));
        assert!(!has("bo7"));
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains("\"about\": \"ana\""), "{text}");
        std::fs::write(
            dir.path().join(FILE),
            r#"{"sent":[{"recipient":"shared@example.com","kind":"engineer","week":"2026-W47",
               "time":"2026-11-23T06:00:01Z","message_id":"<a1@example.com>"}]}"#,
        )
        .unwrap();
        let old = Record::load(dir.path()).unwrap();
        for id in ["ana", "bo7"] {
            assert!(old.has(Kind::Engineer, "shared@example.com", Some(id), "2026-W47"));
        }
    }

    #[test]
    fn an_unreadable_record_is_a_delivery_failure() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), "{not json").unwrap();
        let err = Record::load(dir.path()).unwrap_err();
        assert_eq!(crate::error::exit_code(&err), 6);
        assert!(format!("{err:#}").contains("delivery.json is not a delivery record"));
    }
}
