//! The checked values of `[delivery]`, `[team] emails` and `[goals]`: an SMTP server URL
//! without credentials, mail addresses that cannot smuggle a header, and goal numbers.
//! Messages never repeat a whole value: a pasted password or a long line stays out of them.

use std::fmt;
use std::net::IpAddr;

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::settings::{SmtpSecurity, SmtpServer};

use super::fields::string_value;

/// The longest address SMTP carries (RFC 5321: 254 octets in a path).
const MAX_ADDRESS: usize = 254;

/// Up to `max` characters of an untrusted value, for a message.
fn shown(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).collect();
    if s.chars().count() > max {
        out.push('…');
    }
    format!("{out:?}")
}

/// `[delivery] smtp`: `smtps://host[:port]`, `smtp://host[:port]?tls=required`, or plain
/// `smtp://host[:port]` to a loopback address only. "" is no server.
pub fn parse_smtp(s: &str) -> Result<Option<SmtpServer>, String> {
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    let form = "write \"smtps://smtp.example.com:465\" (TLS), \"smtp://smtp.example.com:587?tls=required\" (STARTTLS) or \"smtp://127.0.0.1:25\" (plain, loopback only)";
    let url = reqwest::Url::parse(s).map_err(|e| format!("not a URL ({e}); {form}"))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err("the URL holds a user name or password: remove it and set SUPPORTLENS_SMTP_USER and SUPPORTLENS_SMTP_PASSWORD in the environment".into());
    }
    let host = match url.host_str() {
        Some(h) if !h.is_empty() => h.trim_start_matches('[').trim_end_matches(']').to_string(),
        _ => return Err(format!("no host; {form}")),
    };
    if !matches!(url.path(), "" | "/") || url.fragment().is_some() {
        return Err(format!("an SMTP URL has no path; {form}"));
    }
    let tls_required = match url.query() {
        None | Some("") => false,
        Some("tls=required") => true,
        Some(_) => return Err(format!("the only option is ?tls=required; {form}")),
    };
    let security = match (url.scheme(), tls_required) {
        ("smtps", false) => SmtpSecurity::ImplicitTls,
        ("smtps", true) => {
            return Err(format!(
                "smtps:// is TLS already; drop ?tls=required; {form}"
            ));
        }
        ("smtp", true) => SmtpSecurity::StartTls,
        ("smtp", false) if is_loopback(&host) => SmtpSecurity::Plain,
        ("smtp", false) => {
            return Err(format!(
                "plain smtp:// is allowed only to a loopback address (127.0.0.1, ::1, localhost), so passwords and reports never cross a network in clear text; {form}"
            ));
        }
        (other, _) => {
            return Err(format!(
                "scheme {} is not smtp or smtps; {form}",
                shown(other, 20)
            ));
        }
    };
    let port = url.port().unwrap_or(match security {
        SmtpSecurity::ImplicitTls => 465,
        SmtpSecurity::StartTls => 587,
        SmtpSecurity::Plain => 25,
    });
    Ok(Some(SmtpServer {
        host,
        port,
        security,
    }))
}

/// True for `localhost` and loopback IP addresses.
pub fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A bare address `local@domain`: no spaces, no control characters, no angle brackets.
pub fn parse_address(s: &str) -> Result<String, String> {
    let a = s.trim();
    let bad = |why: &str| {
        Err(format!(
            "{} is not a mail address: {why}; write e.g. \"lead@example.com\"",
            shown(a, 60)
        ))
    };
    if a.len() > MAX_ADDRESS {
        return bad("longer than 254 characters");
    }
    if a.chars()
        .any(|c| c.is_control() || c.is_whitespace() || "<>,;\"()[]\\".contains(c))
    {
        return bad("it holds a space, a control character or one of <>,;\"()[]\\");
    }
    match a.rsplit_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !local.contains('@')
                && !domain.is_empty()
                && !domain.contains('@')
                && !domain.starts_with('.')
                && !domain.ends_with('.') =>
        {
            Ok(a.to_string())
        }
        _ => bad("it needs one @ between a local part and a domain"),
    }
}

/// A mailbox `Name <local@domain>` or a bare address; the name may not hold a line break,
/// `<`, `>` or `"` (it becomes a header).
pub fn parse_mailbox(s: &str) -> Result<String, String> {
    let m = s.trim();
    match m.find('<') {
        None => parse_address(m),
        Some(open) => {
            let name = m[..open].trim();
            let Some(inner) = m[open + 1..].strip_suffix('>') else {
                return Err(format!(
                    "{} is not a mailbox: write \"supportlens <reports@example.com>\"",
                    shown(m, 60)
                ));
            };
            if name.chars().any(|c| c.is_control() || "<>\"".contains(c)) || name.len() > 200 {
                return Err(format!(
                    "the name of {} holds a control character, <, > or \", or is too long",
                    shown(m, 60)
                ));
            }
            let address = parse_address(inner)?;
            Ok(if name.is_empty() {
                address
            } else {
                format!("{name} <{address}>")
            })
        }
    }
}

string_value!(
    /// `[delivery] smtp`.
    SmtpValue(Option<SmtpServer>),
    "an SMTP URL such as \"smtps://smtp.example.com:465\", or \"\"",
    parse_smtp
);
string_value!(
    /// `[delivery] from`: a mailbox, or "" for none.
    MailboxValue(Option<String>),
    "a mailbox such as \"supportlens <reports@example.com>\", or \"\"",
    |s| {
        if s.trim().is_empty() {
            Ok(None)
        } else {
            parse_mailbox(s).map(Some)
        }
    }
);
string_value!(
    /// An address in `[delivery] leads` or `[team] emails`.
    AddressValue(String),
    "a mail address such as \"lead@example.com\"",
    parse_address
);

/// A `[goals]` number: an integer or a finite float.
#[derive(Debug, Clone, Copy)]
pub struct GoalNumber(pub f64);

impl<'de> Deserialize<'de> for GoalNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = GoalNumber;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number to reach, e.g. 95 or 0.5")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<GoalNumber, E> {
                Ok(GoalNumber(n as f64))
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<GoalNumber, E> {
                Ok(GoalNumber(n as f64))
            }
            fn visit_f64<E: de::Error>(self, x: f64) -> Result<GoalNumber, E> {
                if x.is_finite() {
                    Ok(GoalNumber(x))
                } else {
                    Err(E::custom("a goal must be a finite number, not inf or nan"))
                }
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn smtp_urls_say_how_mail_is_protected() {
        let s = parse_smtp("smtps://smtp.example.com").unwrap().unwrap();
        assert_eq!((s.security, s.port), (SmtpSecurity::ImplicitTls, 465));
        let s = parse_smtp("smtp://smtp.example.com:2587?tls=required")
            .unwrap()
            .unwrap();
        assert_eq!(
            (s.security, s.port, s.host.as_str()),
            (SmtpSecurity::StartTls, 2587, "smtp.example.com")
        );
        let s = parse_smtp("smtp://127.0.0.1:2525").unwrap().unwrap();
        assert_eq!(
            (s.security, s.to_string()),
            (SmtpSecurity::Plain, "127.0.0.1:2525".to_string())
        );
        let s = parse_smtp("smtp://[::1]:2525").unwrap().unwrap();
        assert_eq!(s.to_string(), "[::1]:2525");
        assert_eq!(parse_smtp("").unwrap(), None);
    }

    #[test]
    fn smtp_urls_refuse_clear_text_afar_and_credentials_without_echoing_them() {
        let e = parse_smtp("smtp://smtp.example.com:25").unwrap_err();
        assert!(e.contains("loopback"), "{e}");
        let e = parse_smtp("smtps://bob:hunter2@smtp.example.com").unwrap_err();
        assert!(
            e.contains("SUPPORTLENS_SMTP_PASSWORD") && !e.contains("hunter2"),
            "{e}"
        );
        let e = parse_smtp("smtps://:hunter2@smtp.example.com").unwrap_err();
        assert!(!e.contains("hunter2"), "{e}");
        assert!(parse_smtp("http://smtp.example.com").is_err());
        assert!(parse_smtp("smtps://smtp.example.com/x").is_err());
        assert!(parse_smtp("smtp://localhost?tls=none").is_err());
    }

    #[test]
    fn addresses_cannot_carry_a_header() {
        assert_eq!(
            parse_address(" ann@example.com ").unwrap(),
            "ann@example.com"
        );
        for bad in [
            "ann",
            "@example.com",
            "ann@",
            "ann@example.com\r\nBcc: x@y.z",
            "a b@c.d",
            "<a@b.c>",
            "a@b@c",
        ] {
            assert!(parse_address(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_mailbox("supportlens <reports@example.com>").unwrap(),
            "supportlens <reports@example.com>"
        );
        assert_eq!(
            parse_mailbox("reports@example.com").unwrap(),
            "reports@example.com"
        );
        assert!(parse_mailbox("x\nBcc: y <a@b.c>").is_err());
        assert!(parse_mailbox("x <a@b.c").is_err());
        let long = format!("{}@example.com", "a".repeat(5000));
        let e = parse_address(&long).unwrap_err();
        assert!(e.len() < 300, "{e}");
    }
}
