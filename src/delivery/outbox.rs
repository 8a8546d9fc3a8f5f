//! `--dry-run-delivery`: every message that would be sent is written into the report
//! folder's `outbox/` instead (SPEC §7): one `.eml` file a mail (RFC 5322, opens in any
//! mail program), and `webhook.json`, the body the webhook would get. Nothing is recorded
//! as sent, and nothing needs a server or a secret.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use anyhow::Context;
use lettre::message::Mailbox;

use super::message::{Letter, build, message_id};

/// The folder's name inside the report folder.
pub const FOLDER: &str = "outbox";

/// Writes `letters` and the webhook body into `<folder>/outbox/`, replacing an older
/// outbox; returns the outbox's path and how many files it holds. The files are written
/// into a staging folder beside it that replaces the outbox only once whole: a failure
/// (a full disk) leaves the older outbox as it was and no part of the new one.
pub fn write(
    folder: &Path,
    from: Option<&Mailbox>,
    letters: &[&Letter],
    webhook: Option<&str>,
) -> anyhow::Result<(PathBuf, usize)> {
    let outbox = folder.join(FOLDER);
    let staging = tempfile::Builder::new()
        .prefix(".outbox-tmp-")
        .tempdir_in(folder)
        .with_context(|| format!("creating a staging folder for {}", outbox.display()))?;
    // A run stopped by a signal leaves no staging folder in the report folder.
    let _interrupted = crate::interrupt::remove_folder_on_interrupt(staging.path());
    let count = fill(staging.path(), from, letters, webhook)?;
    if std::fs::symlink_metadata(&outbox).is_ok() {
        // A link there is removed, not followed (remove_dir_all takes the link itself).
        std::fs::remove_dir_all(&outbox)
            .or_else(|_| std::fs::remove_file(&outbox))
            .with_context(|| format!("removing the previous {}", outbox.display()))?;
    }
    std::fs::rename(staging.path(), &outbox)
        .with_context(|| format!("moving the new {} into place", outbox.display()))?;
    // Renamed: nothing is left for the staging folder to remove.
    let _ = staging.keep();
    Ok((outbox, count))
}

/// Writes the messages and the webhook body into the empty folder `outbox`; returns how
/// many files it wrote.
fn fill(
    outbox: &Path,
    from: Option<&Mailbox>,
    letters: &[&Letter],
    webhook: Option<&str>,
) -> anyhow::Result<usize> {
    let mut count = 0;
    let mut names = Names::default();
    for letter in letters {
        // A letter exists only when mail is configured, and with it a sender.
        let from = from.context("a message to write needs [delivery] from")?;
        let mail = build(letter, from, &message_id(from))?;
        let path = outbox.join(names.take(&format!(
            "{}-{}",
            letter.kind.as_str(),
            file_safe(&letter.recipient())
        )));
        std::fs::write(&path, mail.formatted())
            .with_context(|| format!("writing {}", path.display()))?;
        count += 1;
    }
    if let Some(text) = webhook {
        let path = outbox.join("webhook.json");
        let mut body = serde_json::to_vec_pretty(&serde_json::json!({ "text": text }))?;
        body.push(b'\n');
        std::fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
        count += 1;
    }
    Ok(count)
}

/// An address as a file name: letters, digits, `.`, `@`, `-` and `_` kept, anything else `_`.
fn file_safe(address: &str) -> String {
    address
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '@' | '-' | '_') {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// The `.eml` file names given so far: two addresses that make the same safe name
/// (`a+b@x` and `a_b@x`) get `…-2.eml` for the second, so no message overwrites another.
#[derive(Default)]
struct Names(HashSet<String>);

impl Names {
    /// A file name for `stem` that no earlier message took.
    fn take(&mut self, stem: &str) -> String {
        let mut name = format!("{stem}.eml");
        let mut n = 1;
        while !self.0.insert(name.clone()) {
            n += 1;
            name = format!("{stem}-{n}.eml");
        }
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A dry run that fails part way (here: a message without a sender) leaves the older
    /// outbox whole and no file of the new one, beside it or in it.
    #[test]
    fn a_failed_outbox_leaves_the_older_one_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join(FOLDER);
        std::fs::create_dir(&old).unwrap();
        std::fs::write(old.join("team-lead@example.com.eml"), "older").unwrap();
        let letter = Letter {
            kind: crate::delivery::record::Kind::Team,
            about: None,
            to: "lead@example.com".parse().unwrap(),
            subject: "supportlens: team review 2026-W47".into(),
            text: "text".into(),
            html: "<p>html</p>".into(),
            attachment: ("index.html".into(), b"<html></html>".to_vec()),
        };
        let err = write(dir.path(), None, &[&letter], Some("summary")).unwrap_err();
        assert!(format!("{err:#}").contains("[delivery] from"), "{err:#}");
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, [FOLDER]);
        assert_eq!(
            std::fs::read_to_string(old.join("team-lead@example.com.eml")).unwrap(),
            "older"
        );
        assert_eq!(std::fs::read_dir(&old).unwrap().count(), 1);
        // Written whole, the new outbox replaces the older one.
        let (path, count) = write(dir.path(), None, &[], Some("summary")).unwrap();
        assert_eq!((path, count), (old.clone(), 1));
        let mut names: Vec<String> = std::fs::read_dir(&old)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert_eq!(names, ["webhook.json"]);
    }

    #[test]
    fn addresses_make_safe_file_names() {
        assert_eq!(
            file_safe("Amara.Perera@example.com"),
            "amara.perera@example.com"
        );
        assert_eq!(file_safe("a/b\\c\"d@x"), "a_b_c_d@x");
    }

    #[test]
    fn two_addresses_with_one_safe_name_get_two_files() {
        let mut names = Names::default();
        let stem = |a: &str| format!("team-{}", file_safe(a));
        assert_eq!(stem("a+b@example.com"), stem("a_b@example.com"));
        assert_eq!(
            names.take(&stem("a+b@example.com")),
            "team-a_b@example.com.eml"
        );
        assert_eq!(
            names.take(&stem("a_b@example.com")),
            "team-a_b@example.com-2.eml"
        );
        assert_eq!(
            names.take(&stem("a.b@example.com")),
            "team-a.b@example.com.eml"
        );
    }
}
