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
/// outbox; returns the outbox's path and how many files it holds.
pub fn write(
    folder: &Path,
    from: Option<&Mailbox>,
    letters: &[&Letter],
    webhook: Option<&str>,
) -> anyhow::Result<(PathBuf, usize)> {
    let outbox = folder.join(FOLDER);
    if outbox.exists() {
        std::fs::remove_dir_all(&outbox)
            .with_context(|| format!("removing the previous {}", outbox.display()))?;
    }
    std::fs::create_dir_all(&outbox).with_context(|| format!("creating {}", outbox.display()))?;
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
    Ok((outbox, count))
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
