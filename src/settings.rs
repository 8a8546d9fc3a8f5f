//! The validated, resolved configuration every stage reads. `config.rs` turns the TOML file
//! (or the built-in defaults) into one `Settings`; nothing downstream reads raw TOML.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use chrono_tz::Tz;
use regex::Regex;

use crate::calendar::Calendar;
use crate::metrics::columns::Better;

/// JIRA deployment kind; decides the REST API and the auth scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Cloud,
    Server,
}

/// The kind of a ticket for SLA purposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TicketType {
    Incident,
    Query,
    Other,
}

impl TicketType {
    pub fn as_str(self) -> &'static str {
        match self {
            TicketType::Incident => "incident",
            TicketType::Query => "query",
            TicketType::Other => "other",
        }
    }
}

/// The two SLA clock kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ClockKind {
    Ack,
    Update,
}

impl ClockKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClockKind::Ack => "ack",
            ClockKind::Update => "update",
        }
    }
}

/// Whether a target counts every second or only the calendar's open hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockMode {
    TwentyFourSeven,
    Business,
}

/// The class of a status name under `[statuses]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// waiting_on_us but not in_progress.
    WaitingOnUs,
    /// in_progress (always also waiting_on_us).
    InProgress,
    WaitingOnCustomer,
    Done,
    /// Not listed anywhere: behaves as waiting_on_us, reported as a data-quality warning.
    Unknown,
}

impl StatusClass {
    pub fn is_waiting_on_us(self) -> bool {
        matches!(
            self,
            StatusClass::WaitingOnUs | StatusClass::InProgress | StatusClass::Unknown
        )
    }
    pub fn is_in_progress(self) -> bool {
        self == StatusClass::InProgress
    }
    pub fn is_done(self) -> bool {
        self == StatusClass::Done
    }
}

/// One SLA table: targets in seconds by severity, a default, and the clock mode.
#[derive(Debug, Clone, PartialEq)]
pub struct SlaTable {
    pub by_severity: BTreeMap<String, i64>,
    pub default: Option<i64>,
    pub clock: ClockMode,
}

impl SlaTable {
    /// The target for a severity: its own key, else `default`, else no target (no clock).
    pub fn target(&self, severity: Option<&str>) -> Option<i64> {
        severity
            .and_then(|s| self.by_severity.get(s).copied())
            .or(self.default)
    }
}

#[derive(Debug, Clone)]
pub struct JiraSettings {
    pub url: String,
    pub flavor: Flavor,
    /// Path of the JQL file, resolved against the config file's folder.
    pub jql: PathBuf,
    pub concurrency: usize,
    /// Seconds re-read before the last export.
    pub overlap: i64,
}

#[derive(Debug, Clone)]
pub struct TeamSettings {
    pub timezone: Tz,
    pub engineers: Vec<String>,
    pub leads: Vec<String>,
    pub bots: Vec<String>,
    /// `[team] emails`: person id to address, for delivery.
    pub emails: BTreeMap<String, String>,
}

/// One `[goals]` entry: a weekly column and the number to reach (SPEC §5 Goals).
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// The `engineer_weekly.csv` column.
    pub metric: &'static str,
    /// Its index in `metrics::columns::COLUMNS`.
    pub index: usize,
    pub better: Better,
    pub target: f64,
}

/// How mail reaches the SMTP server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtps://`: TLS from the first byte (port 465 by default).
    ImplicitTls,
    /// `smtp://…?tls=required`: STARTTLS, refusing to go on without it (port 587 by default).
    StartTls,
    /// `smtp://` to a loopback address only: no TLS (port 25 by default).
    Plain,
}

/// `[delivery] smtp`, checked: no credentials in it (they come from the environment).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmtpServer {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
}

impl std::fmt::Display for SmtpServer {
    /// `host:port`, safe for messages (the URL holds no secret: userinfo is refused).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "[{}]:{}", self.host, self.port)
        } else {
            write!(f, "{}:{}", self.host, self.port)
        }
    }
}

/// `[delivery]` (SPEC §7): where the report is sent; nothing unless a destination is set.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DeliverySettings {
    pub smtp: Option<SmtpServer>,
    /// The From mailbox, `Name <address>` or `address`.
    pub from: Option<String>,
    /// Addresses that get the team page.
    pub leads: Vec<String>,
    /// Every engineer gets their own page.
    pub engineers: bool,
    /// Post the team summary to `SUPPORTLENS_WEBHOOK_URL`.
    pub webhook: bool,
}

impl DeliverySettings {
    /// True when a destination is named, so `run` delivers.
    pub fn any(&self) -> bool {
        !self.leads.is_empty() || self.engineers || self.webhook
    }
}

#[derive(Debug, Clone)]
pub struct TypeSettings {
    pub incident: Vec<String>,
    pub query: Vec<String>,
    pub severity_field: String,
    pub excluded_resolutions: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct EscalationSettings {
    pub labels: Vec<String>,
    pub early_fraction: f64,
}

#[derive(Debug, Clone)]
pub struct CallSettings {
    pub worklog_pattern: Regex,
    pub notes_pattern: Regex,
}

#[derive(Debug, Clone)]
pub struct ScoreWeights {
    pub ack: f64,
    pub update: f64,
    pub continuity: f64,
    pub time_logging: f64,
    pub calls: f64,
    pub wip: f64,
}

/// Everything the program needs from the configuration, validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub jira: JiraSettings,
    pub team: TeamSettings,
    pub calendar: Calendar,
    pub types: TypeSettings,
    /// Normalized status name (see `normalize_status`) to its class.
    pub statuses: BTreeMap<String, StatusClass>,
    pub products: Vec<String>,
    /// Targets per (clock kind, ticket type); a missing entry means no clock.
    pub sla: BTreeMap<(ClockKind, TicketType), SlaTable>,
    /// Severity names the configuration knows (the defaults plus every key of an SLA table).
    pub known_severities: BTreeSet<String>,
    pub escalation: EscalationSettings,
    pub calls: CallSettings,
    /// `[hygiene] prebook_after`, seconds.
    pub prebook_after: i64,
    pub score: ScoreWeights,
    /// `[goals]`, in column order.
    pub goals: Vec<Goal>,
    pub delivery: DeliverySettings,
    /// The config file read, if any.
    pub source: Option<PathBuf>,
    /// A canonical text of the effective configuration; `run.json` carries its SHA-256.
    pub effective: String,
}

/// Lower-cases and drops every non-alphanumeric character: `In-Progress` = `in progress`.
pub fn normalize_status(name: &str) -> crate::model::Short {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(|c| c.to_lowercase())
        .collect()
}

/// `normalize_status` of an ASCII name of up to 48 bytes, written into `buf` without
/// allocating (for ASCII, `is_alphanumeric` and `to_lowercase` are their ASCII forms); `None`
/// for any other name, which takes the general path.
fn normalize_ascii<'b>(name: &str, buf: &'b mut [u8; 48]) -> Option<&'b str> {
    if name.len() > buf.len() || !name.is_ascii() {
        return None;
    }
    let mut n = 0;
    for b in name.bytes().filter(u8::is_ascii_alphanumeric) {
        buf[n] = b.to_ascii_lowercase();
        n += 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

impl Settings {
    /// The class of a status name; unlisted names are `Unknown`.
    pub fn status_class(&self, name: &str) -> StatusClass {
        // Normalised inline (no allocation for names up to 24 bytes): this runs for every
        // status a clock or gap looks at, millions of times in a large report.
        let mut buf = [0u8; 48];
        let normalized = match normalize_ascii(name, &mut buf) {
            Some(n) => self.statuses.get(n),
            None => self.statuses.get(normalize_status(name).as_str()),
        };
        normalized.copied().unwrap_or(StatusClass::Unknown)
    }

    /// The ticket type of an `issuetype.name` (compared case-insensitively).
    pub fn ticket_type(&self, issue_type: &str) -> TicketType {
        let eq = |list: &[String]| {
            list.iter()
                .any(|n| n.trim().eq_ignore_ascii_case(issue_type.trim()))
        };
        if eq(&self.types.incident) {
            TicketType::Incident
        } else if eq(&self.types.query) {
            TicketType::Query
        } else {
            TicketType::Other
        }
    }

    /// True when a resolution name is excluded from clocks (compared case-insensitively).
    pub fn is_excluded_resolution(&self, resolution: &str) -> bool {
        self.types
            .excluded_resolutions
            .iter()
            .any(|r| r.trim().eq_ignore_ascii_case(resolution.trim()))
    }
}
