//! Why a table file could not be read: the file (it does not fit `snapshot.json`: damage,
//! exit 3), or this machine (no more open files, no memory, no rights to it), which says
//! nothing of the snapshot: calling it damaged sent people to rebuild a sound snapshot
//! from JIRA because `ulimit -n` was low.

use std::io;

/// A table file's read failure, as a message naming the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unread {
    /// The message: what could not be done to which file, and why.
    pub text: String,
    /// True when the machine refused (limits, memory, rights), not the file's bytes.
    pub machine: bool,
}

impl Unread {
    /// `what` (e.g. "cannot open <path>") failed with `e`; the machine's fault when `e`
    /// is a limit on open files, memory or rights.
    pub fn io(what: String, e: &io::Error) -> Unread {
        let machine =
            crate::input_file::is_machine_limit(e) || e.kind() == io::ErrorKind::PermissionDenied;
        Unread {
            text: format!("{what}: {e}"),
            machine,
        }
    }
}

impl From<String> for Unread {
    fn from(text: String) -> Unread {
        Unread {
            text,
            machine: false,
        }
    }
}

impl std::fmt::Display for Unread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_and_rights_are_the_machine_other_errors_the_file() {
        for (code, machine) in [(24, true), (23, true), (12, true), (13, true), (5, false)] {
            let e = io::Error::from_raw_os_error(code);
            let unread = Unread::io("cannot open d/tickets.parquet".into(), &e);
            assert_eq!(unread.machine, machine, "errno {code}");
            assert_eq!(unread.text, format!("cannot open d/tickets.parquet: {e}"));
        }
        let eof = io::Error::from(io::ErrorKind::UnexpectedEof);
        assert!(!Unread::io("cannot read x".into(), &eof).machine);
    }
}
