//! One mail as SPEC §7 shapes it: a plain-text and an HTML summary (multipart/alternative)
//! and one page attached, addressed to one person. Nothing else goes into the headers: no
//! Cc, no other recipient, a `Message-ID` made of random digits and the sender's domain.

use lettre::Message;
use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart};

use super::record::Kind;

/// A message to one recipient, before it is sent or written to the outbox.
#[derive(Debug, Clone)]
pub struct Letter {
    pub kind: Kind,
    /// The engineer an engineer's message is about (their id); None for a lead's.
    pub about: Option<String>,
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The attached page's file name (`index.html`, `<file id>.html`) and bytes.
    pub attachment: (String, Vec<u8>),
}

impl Letter {
    /// The recipient's address as the record keeps it.
    pub fn recipient(&self) -> String {
        self.to.email.to_string()
    }
}

/// A fresh `Message-ID` in the sender's domain: random, so it says nothing about anyone.
pub fn message_id(from: &Mailbox) -> String {
    let domain = from.email.domain();
    let random: String = (0..24)
        .map(|_| char::from_digit(fastrand::u32(0..36), 36).unwrap_or('0'))
        .collect();
    format!("<supportlens.{random}@{domain}>")
}

/// The mail for `letter`, from `from`, with `message_id`.
pub fn build(letter: &Letter, from: &Mailbox, message_id: &str) -> anyhow::Result<Message> {
    let (name, bytes) = &letter.attachment;
    let page = Attachment::new(name.clone()).body(bytes.clone(), ContentType::TEXT_HTML);
    let body = MultiPart::mixed()
        .multipart(MultiPart::alternative_plain_html(
            letter.text.clone(),
            letter.html.clone(),
        ))
        .singlepart(page);
    Message::builder()
        .from(from.clone())
        .to(header_safe(&letter.to))
        .subject(letter.subject.clone())
        .message_id(Some(message_id.to_string()))
        .date_now()
        .multipart(body)
        .map_err(|e| {
            anyhow::anyhow!(
                "cannot build the {} message to {}: {e}",
                letter.kind.as_str(),
                letter.recipient()
            )
        })
}

/// `to` with its display name on one line: the name comes from JIRA, and a line break
/// in it would make lettre panic (it cannot encode one) or, written as is, start a header
/// of its own. Control characters become spaces; a name left empty is dropped.
fn header_safe(to: &Mailbox) -> Mailbox {
    let name = to.name.as_deref().map(|n| {
        n.chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect::<String>()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    });
    Mailbox::new(name.filter(|n| !n.is_empty()), to.email.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_has_one_recipient_two_bodies_and_the_page() {
        let from: Mailbox = "supportlens <reports@example.com>".parse().unwrap();
        let letter = Letter {
            kind: Kind::Engineer,
            about: Some("amara".into()),
            to: "Amara Perera <amara.perera@example.com>".parse().unwrap(),
            subject: "supportlens: your week 2026-W47".into(),
            text: "Your week\n".into(),
            html: "<p>Your week</p>".into(),
            attachment: ("abc.html".into(), b"<html>page</html>".to_vec()),
        };
        let id = message_id(&from);
        assert!(
            id.starts_with("<supportlens.") && id.ends_with("@example.com>"),
            "{id}"
        );
        assert_ne!(id, message_id(&from));
        let mail = String::from_utf8(build(&letter, &from, &id).unwrap().formatted()).unwrap();
        let header = |name: &str| {
            mail.lines()
                .find(|l| l.starts_with(name))
                .unwrap_or_default()
                .to_string()
        };
        assert!(header("To: ").contains("Amara Perera"), "{mail}");
        assert!(
            header("To: ").ends_with(" <amara.perera@example.com>"),
            "{mail}"
        );
        assert!(
            header("From: ").ends_with(" <reports@example.com>"),
            "{mail}"
        );
        assert!(
            mail.contains("Subject: supportlens: your week 2026-W47\r\n"),
            "{mail}"
        );
        assert!(mail.contains(&format!("Message-ID: {id}\r\n")), "{mail}");
        assert!(!mail.contains("Cc:") && !mail.contains("Bcc:"), "{mail}");
        assert!(mail.contains("multipart/alternative"), "{mail}");
        assert!(mail.contains("filename=\"abc.html\""), "{mail}");
        assert_eq!(letter.recipient(), "amara.perera@example.com");
    }

    #[test]
    fn a_display_name_with_a_line_break_stays_in_its_header() {
        // JIRA display names are untrusted: a line break in one must neither panic the
        // mail builder nor start a header of its own.
        let from: Mailbox = "supportlens <reports@example.com>".parse().unwrap();
        let to = "eve@example.com".parse().unwrap();
        let letter = Letter {
            kind: Kind::Engineer,
            about: Some("amara".into()),
            to: Mailbox::new(Some("Eve\r\nBcc: victim@evil.example\n".into()), to),
            subject: "supportlens: your week 2026-W47".into(),
            text: "Your week\n".into(),
            html: "<p>Your week</p>".into(),
            attachment: ("abc.html".into(), b"<html>page</html>".to_vec()),
        };
        let mail = build(&letter, &from, &message_id(&from)).unwrap();
        assert_eq!(
            mail.envelope().to(),
            ["eve@example.com".parse::<lettre::Address>().unwrap()]
        );
        let mail = String::from_utf8(mail.formatted()).unwrap();
        let to: Vec<&str> = mail.lines().filter(|l| l.starts_with("To: ")).collect();
        // lettre writes the name as an encoded word: "Eve Bcc: victim@evil.example".
        assert_eq!(
            to,
            ["To: =?utf-8?b?RXZlIEJjYzogdmljdGltQGV2aWwuZXhhbXBsZQ==?= <eve@example.com>"],
            "{mail}"
        );
        assert!(!mail.lines().any(|l| l.starts_with("Bcc")), "{mail}");
        // Other names JIRA could send build too, each into one To header.
        for name in [
            "\r",
            "\0\u{7f}\u{85}",
            "=?utf-8?q?Bcc:_x@evil.example?=",
            "\"q\" \\ <a@b> ,;",
            &"\u{202E}é👋 ".repeat(400),
        ] {
            let letter = Letter {
                to: Mailbox::new(Some(name.to_string()), letter.to.email.clone()),
                ..letter.clone()
            };
            let mail = build(&letter, &from, &message_id(&from)).unwrap();
            assert_eq!(mail.envelope().to().len(), 1, "{name:?}");
            let mail = String::from_utf8(mail.formatted()).unwrap();
            let to = mail.lines().filter(|l| l.starts_with("To: ")).count();
            assert_eq!(to, 1, "{mail}");
            assert!(!mail.lines().any(|l| l.starts_with("Bcc")), "{mail}");
        }
    }
}
