//! The failures a caller must tell apart, each with the SPEC's exit code. Everything else
//! travels as `anyhow::Error` with context; `main` looks for a `Failure` in the chain.

use std::fmt;

/// Which documented exit code an error maps to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Bad flags or configuration: exit 2.
    Usage,
    /// Input data that cannot be read as JIRA JSON or a snapshot: exit 3.
    Input,
    /// JIRA unreachable, refusing, or failing after retries: exit 4.
    Jira,
    /// Another run holds the lock: exit 5.
    Locked,
    /// The report was written but a delivery failed (SPEC §7): exit 6.
    Delivery,
}

impl Kind {
    pub fn exit_code(self) -> i32 {
        match self {
            Kind::Usage => 2,
            Kind::Input => 3,
            Kind::Jira => 4,
            Kind::Locked => 5,
            Kind::Delivery => 6,
        }
    }
}

/// An error with a documented exit code. The message names the file, ticket or request
/// and says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: Kind,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            kind: Kind::Usage,
            message: message.into(),
        }
    }
    pub fn input(message: impl Into<String>) -> Failure {
        Failure {
            kind: Kind::Input,
            message: message.into(),
        }
    }
    pub fn jira(message: impl Into<String>) -> Failure {
        Failure {
            kind: Kind::Jira,
            message: message.into(),
        }
    }
    pub fn locked(message: impl Into<String>) -> Failure {
        Failure {
            kind: Kind::Locked,
            message: message.into(),
        }
    }
    pub fn delivery(message: impl Into<String>) -> Failure {
        Failure {
            kind: Kind::Delivery,
            message: message.into(),
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Failure {}

/// The exit code for an error chain: the first `Failure` found decides; anything else is 1
/// (an internal error, worth a bug report).
pub fn exit_code(err: &anyhow::Error) -> i32 {
    err.chain()
        .find_map(|e| e.downcast_ref::<Failure>())
        .map_or(1, |f| f.kind.exit_code())
}

/// Writes one line to stderr as `eprintln!` does, except that a stderr that cannot take it
/// (a reader that went away: a broken pipe; a log on a full disk) loses the line instead of
/// panicking (`eprintln!` panics on both), so a run's work and its exit code never depend
/// on its log. Used through [`stderr_line!`](crate::stderr_line).
pub fn line_to_stderr(line: fmt::Arguments<'_>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

/// `eprintln!` that never panics: see [`line_to_stderr`].
#[macro_export]
macro_rules! stderr_line {
    ($($arg:tt)*) => {
        $crate::error::line_to_stderr(format_args!($($arg)*))
    };
}

/// The most characters of an untrusted value (a field from a file, a flag, a config
/// string) an error message shows; the rest is cut and marked with `…`, so a 5 MB value
/// gives a one-line error.
pub const SHOWN_CHARS: usize = 80;

/// An untrusted value as an error message shows it: quoted and escaped as Rust's `{:?}`
/// writes a string (control characters cannot reach the terminal raw), cut after
/// [`SHOWN_CHARS`] characters with `…`.
pub fn shown(value: &str) -> String {
    match value.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{:?}…", &value[..cut]),
        None => format!("{value:?}"),
    }
}

/// `text` cut after `max` characters and marked with `…`, unquoted: for text that is
/// already part of a sentence (a JSON key, a message from a parser that quotes a value).
/// Control characters are written escaped (`\u{1b}`, `\n`), so a value cannot move the
/// terminal's cursor, colour it, or break the one-line message.
pub fn cut(text: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let end = text.char_indices().nth(max).map(|(i, _)| i);
    let kept = &text[..end.unwrap_or(text.len())];
    if end.is_none() && !kept.chars().any(char::is_control) {
        return text.into();
    }
    let mut out = String::with_capacity(kept.len() + 3);
    for c in kept.chars() {
        if c.is_control() {
            out.extend(c.escape_debug());
        } else {
            out.push(c);
        }
    }
    if end.is_some() {
        out.push('…');
    }
    out.into()
}

/// A URL as an error message may show it: any user name or password between `://` and
/// the host is replaced by `***`, then cut as [`shown`] cuts.
pub fn shown_url(url: &str) -> String {
    shown(&without_userinfo(url))
}

/// `url` with the user-info part of its authority (`user:password@`) replaced by `***@`.
/// The authority ends at the first `/`, `?` or `#` after the scheme; its last `@` ends the
/// user info, so a password holding `@` is hidden whole.
pub fn without_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[start..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{}***{}", &url[..start], &rest[at..]).into(),
        None => url.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_cut_after_80_characters() {
        assert_eq!(shown("abc"), "\"abc\"");
        let long = "é".repeat(5_000_000);
        let s = shown(&long);
        assert_eq!(s, format!("\"{}\"…", "é".repeat(80)));
        assert_eq!(shown(&"x".repeat(80)), format!("\"{}\"", "x".repeat(80)));
        assert_eq!(shown("a\u{1b}[31mb"), "\"a\\u{1b}[31mb\"");
    }

    #[test]
    fn cut_text_keeps_to_one_plain_line() {
        assert_eq!(cut("SUP-1", 80), "SUP-1");
        assert_eq!(cut("abcdef", 3), "abc…");
        assert_eq!(cut("a\u{1b}[2Jb\nc", 80), "a\\u{1b}[2Jb\\nc");
        assert_eq!(cut(&"\n".repeat(10), 2), "\\n\\n…");
    }

    #[test]
    fn urls_lose_their_user_info() {
        assert_eq!(
            without_userinfo("https://bob:s3cr@t@jira.example.com/x?a=b@c"),
            "https://***@jira.example.com/x?a=b@c"
        );
        assert_eq!(
            without_userinfo("https://jira.example.com/a@b"),
            "https://jira.example.com/a@b"
        );
        assert_eq!(without_userinfo("bob:pw@host"), "***@host");
        assert_eq!(shown_url("ftp://u:p@h"), "\"ftp://***@h\"");
    }
}
