//! One ticket as recorded events: its fields now, its comments, worklogs and changelog
//! histories, with the JIRA names and ids of every status, type, priority and resolution.

use super::people::Who;
use crate::model::Ts;

/// Workflow statuses of the support project.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    InProgress,
    WaitingOnClient,
    WaitingOnWso2,
    Resolved,
    Closed,
    Reopened,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "Open",
            Status::InProgress => "In Progress",
            Status::WaitingOnClient => "Waiting On Client",
            Status::WaitingOnWso2 => "Waiting On WSO2",
            Status::Resolved => "Resolved",
            Status::Closed => "Closed",
            Status::Reopened => "Reopened",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Status::Open => "1",
            Status::InProgress => "3",
            Status::Reopened => "4",
            Status::Resolved => "5",
            Status::Closed => "6",
            Status::WaitingOnClient => "10100",
            Status::WaitingOnWso2 => "10101",
        }
    }

    pub fn is_done(self) -> bool {
        matches!(self, Status::Resolved | Status::Closed)
    }
}

/// Issue types: the two with SLAs and one without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Incident,
    Query,
    Task,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Incident => "Incident",
            Kind::Query => "Query",
            Kind::Task => "Task",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Kind::Incident => "10200",
            Kind::Query => "10201",
            Kind::Task => "10003",
        }
    }
}

/// The `priority` field, which is the severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Catastrophic,
    Critical,
    High,
    Normal,
    Low,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Catastrophic => "Catastrophic",
            Severity::Critical => "Critical",
            Severity::High => "High",
            Severity::Normal => "Normal",
            Severity::Low => "Low",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Severity::Catastrophic => "1",
            Severity::Critical => "2",
            Severity::High => "3",
            Severity::Normal => "4",
            Severity::Low => "5",
        }
    }

    /// One level more urgent (Catastrophic stays).
    pub fn raised(self) -> Severity {
        match self {
            Severity::Low => Severity::Normal,
            Severity::Normal => Severity::High,
            Severity::High => Severity::Critical,
            Severity::Critical | Severity::Catastrophic => Severity::Catastrophic,
        }
    }
}

/// The `resolution` field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Fixed,
    Duplicate,
    WontFix,
    CannotReproduce,
    Done,
}

impl Resolution {
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Fixed => "Fixed",
            Resolution::Duplicate => "Duplicate",
            Resolution::WontFix => "Won't Fix",
            Resolution::CannotReproduce => "Cannot Reproduce",
            Resolution::Done => "Done",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Resolution::Fixed => "1",
            Resolution::WontFix => "2",
            Resolution::Duplicate => "3",
            Resolution::CannotReproduce => "5",
            Resolution::Done => "10000",
        }
    }
}

/// Who can read a comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Public,
    /// A service-desk internal note: `jsdPublic: false`.
    InternalNote,
    /// "Developer only": a `visibility` role restriction.
    DeveloperOnly,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CommentEv {
    pub id: u64,
    pub author: Who,
    pub at: Ts,
    /// One string per ADF paragraph.
    pub paragraphs: Vec<String>,
    pub audience: Audience,
}

#[derive(Debug, Clone, PartialEq)]
pub struct WorklogEv {
    pub id: u64,
    pub author: Who,
    pub started: Ts,
    pub created: Ts,
    pub seconds: i64,
    pub text: String,
}

/// One changelog item.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Status(Status, Status),
    Resolution(Option<Resolution>, Option<Resolution>),
    Assignee(Option<Who>, Option<Who>),
    Labels(Vec<&'static str>, Vec<&'static str>),
    Priority(Severity, Severity),
    IssueType(Kind, Kind),
}

/// One changelog history: items changed together by one person.
#[derive(Debug, Clone, PartialEq)]
pub struct History {
    pub id: u64,
    pub author: Who,
    pub at: Ts,
    pub items: Vec<Item>,
}

/// A whole ticket: its fields now and every event that led there.
#[derive(Debug, Clone, PartialEq)]
pub struct Story {
    /// `SUP-<number>`; the issue id is 10000 + number.
    pub number: u64,
    pub created: Ts,
    pub reporter: Who,
    pub summary: String,
    pub kind: Kind,
    pub severity: Severity,
    pub status: Status,
    pub resolution: Option<Resolution>,
    pub labels: Vec<&'static str>,
    pub assignee: Option<Who>,
    pub comments: Vec<CommentEv>,
    pub worklogs: Vec<WorklogEv>,
    pub histories: Vec<History>,
}

impl Story {
    /// The latest event, or creation: JIRA's `updated`.
    pub fn updated(&self) -> Ts {
        let comments = self.comments.iter().map(|c| c.at);
        let worklogs = self.worklogs.iter().map(|w| w.created);
        let histories = self.histories.iter().map(|h| h.at);
        comments
            .chain(worklogs)
            .chain(histories)
            .fold(self.created, Ts::max)
    }

    /// Changelog items over all histories.
    pub fn item_count(&self) -> usize {
        self.histories.iter().map(|h| h.items.len()).sum()
    }
}
