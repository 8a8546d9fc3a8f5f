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
