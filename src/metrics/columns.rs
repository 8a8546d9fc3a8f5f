//! The weekly columns of `engineer_weekly.csv` and `team_weekly.csv`, stated once: the SPEC
//! §5 name, the label a page shows, the unit, how the number is written, and which way is
//! better (SPEC §5 Goals). The CSV header, the pages, the mail summaries and `[goals]`
//! validation all read this table.

/// Which way a weekly column is better, as SPEC §5's goals list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    /// A goal is met when value ≥ goal.
    Higher,
    /// A goal is met when value ≤ goal.
    Lower,
}

impl Better {
    /// Whether `value` reaches `goal` in this direction.
    pub fn met(self, value: f64, goal: f64) -> bool {
        match self {
            Better::Higher => value >= goal,
            Better::Lower => value <= goal,
        }
    }
}

/// How a column's number is written (SPEC §5: counts, at most 2 decimals, percentages 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A whole number.
    Count,
    /// At most 2 decimals, trailing zeros dropped; empty when undefined.
    Num2,
    /// One decimal; empty when undefined.
    Pct1,
}

impl Format {
    /// `x` as a column of this format writes it: rounded to its decimals (counts are whole
    /// already). So a value compared with a goal is the number the reader sees.
    pub fn round(self, x: f64) -> f64 {
        match self {
            Format::Count => x,
            Format::Num2 => crate::format::round2(x),
            Format::Pct1 => crate::format::round1(x),
        }
    }
}

/// One weekly column after `week, engineer, engineer_name`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnDef {
    /// The SPEC §5 column name.
    pub name: &'static str,
    /// What a page calls it.
    pub label: &'static str,
    /// The unit a page may write after the number ("" for counts).
    pub unit: &'static str,
    pub format: Format,
    /// `None`: neither direction is better (e.g. `acks`), so no goal may name it.
    pub better: Option<Better>,
}

const fn col(
    name: &'static str,
    label: &'static str,
    unit: &'static str,
    format: Format,
    better: Option<Better>,
) -> ColumnDef {
    ColumnDef {
        name,
        label,
        unit,
        format,
        better,
    }
}

use Better::{Higher, Lower};
use Format::{Count, Num2, Pct1};

/// Declares [`Col`] and [`COLUMNS`] from one list, so a column's name is written once.
macro_rules! weekly_columns {
    ($($variant:ident = $name:literal, $label:literal, $unit:literal, $format:ident, $better:expr;)*) => {
        /// A value column of the weekly tables; its discriminant is its index in [`COLUMNS`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Col {
            $($variant,)*
        }

        impl Col {
            /// Every column, in SPEC §5 order.
            pub const ALL: &[Col] = &[$(Col::$variant,)*];
        }

        /// The value columns of the weekly tables, in SPEC §5 order (`acks` … `score`).
        pub const COLUMNS: &[ColumnDef] = &[$(col($name, $label, $unit, $format, $better),)*];
    };
}

weekly_columns! {
    Acks = "acks", "Acks (stopped ack clocks)", "", Count, None;
    AckP50Min = "ack_p50_min", "Ack latency p50 (min)", "min", Num2, Some(Lower);
    AckP90Min = "ack_p90_min", "Ack latency p90 (min)", "min", Num2, Some(Lower);
    AckMaxMin = "ack_max_min", "Ack latency max (min)", "min", Num2, Some(Lower);
    AckBreaches = "ack_breaches", "Ack breaches", "", Count, Some(Lower);
    AckSlaPct = "ack_sla_pct", "Acks within SLA (%)", "%", Pct1, Some(Higher);
    UpdateGaps = "update_gaps", "Update gaps (decided)", "", Count, None;
    UpdateBreaches = "update_breaches", "Update breaches", "", Count, Some(Lower);
    UpdateSlaPct = "update_sla_pct", "Updates within SLA (%)", "%", Pct1, Some(Higher);
    SlaBreaches = "sla_breaches", "SLA breaches", "", Count, Some(Lower);
    Escalations = "escalations", "Escalations", "", Count, None;
    EscalationsEarly = "escalations_early", "Escalations, early", "", Count, Some(Higher);
    EscalationsLate = "escalations_late", "Escalations, late", "", Count, Some(Lower);
    EscalationsAfterBreach = "escalations_after_breach", "Escalations after a breach", "", Count, Some(Lower);
    EscalationLeadP50Min = "escalation_lead_p50_min", "Escalation lead p50 (min)", "min", Num2, None;
    SilentBreaches = "silent_breaches", "Silent breaches", "", Count, Some(Lower);
    TicketsOwned = "tickets_owned", "Tickets owned", "", Count, None;
    HandoffsIn = "handoffs_in", "Handoffs in", "", Count, None;
    HandoffsOut = "handoffs_out", "Handoffs out", "", Count, Some(Lower);
    Resolved = "resolved", "Resolved", "", Count, Some(Higher);
    ResolvedSoleOwner = "resolved_sole_owner", "Resolved as sole owner", "", Count, Some(Higher);
    ContinuityPct = "continuity_pct", "Continuity (%)", "%", Pct1, Some(Higher);
    CallsReported = "calls_reported", "Calls reported", "", Count, Some(Higher);
    CallMinutesReported = "call_minutes_reported", "Call time reported (min)", "min", Num2, Some(Higher);
    CallNotes = "call_notes", "Call notes", "", Count, Some(Higher);
    CallsMissingNotes = "calls_missing_notes", "Calls missing notes", "", Count, Some(Lower);
    CallsMissingTime = "calls_missing_time", "Call notes missing time", "", Count, Some(Lower);
    HoursLogged = "hours_logged", "Hours logged", "h", Num2, Some(Higher);
    Worklogs = "worklogs", "Worklogs", "", Count, Some(Higher);
    LateLogs = "late_logs", "Late logs", "", Count, Some(Lower);
    SameDayLogPct = "same_day_log_pct", "Logged the same day (%)", "%", Pct1, Some(Higher);
    MaxWip = "max_wip", "Max tickets in progress", "", Count, Some(Lower);
    MultiWipHours = "multi_wip_hours", "Hours with 2+ in progress", "h", Num2, Some(Lower);
    Assignments = "assignments", "Assignments", "", Count, None;
    Prebooked = "prebooked", "Prebooked", "", Count, Some(Lower);
    Reopens = "reopens", "Reopens", "", Count, Some(Lower);
    UntaggedTickets = "untagged_tickets", "Untagged tickets", "", Count, Some(Lower);
    Score = "score", "Score (0–100)", "", Pct1, Some(Higher);
}

impl Col {
    /// This column's definition.
    pub fn def(self) -> &'static ColumnDef {
        &COLUMNS[self as usize]
    }

    /// The SPEC §5 column name.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The position of this column among [`COLUMNS`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The column called `name`.
    pub fn named(name: &str) -> Option<Col> {
        column(name).map(|(i, _)| Col::ALL[i])
    }
}

/// The column called `name`, with its index in [`COLUMNS`].
pub fn column(name: &str) -> Option<(usize, &'static ColumnDef)> {
    COLUMNS.iter().enumerate().find(|(_, c)| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// SPEC §5 Goals, copied by hand: the higher-is-better and lower-is-better lists.
    const HIGHER: &[&str] = &[
        "ack_sla_pct",
        "update_sla_pct",
        "continuity_pct",
        "same_day_log_pct",
        "score",
        "escalations_early",
        "resolved",
        "resolved_sole_owner",
        "calls_reported",
        "call_minutes_reported",
        "call_notes",
        "hours_logged",
        "worklogs",
    ];
    const LOWER: &[&str] = &[
        "ack_p50_min",
        "ack_p90_min",
        "ack_max_min",
        "ack_breaches",
        "update_breaches",
        "sla_breaches",
        "escalations_late",
        "escalations_after_breach",
        "silent_breaches",
        "handoffs_out",
        "calls_missing_notes",
        "calls_missing_time",
        "late_logs",
        "max_wip",
        "multi_wip_hours",
        "prebooked",
        "reopens",
        "untagged_tickets",
    ];

    #[test]
    fn directions_are_the_specs_lists_and_nothing_else() {
        for c in COLUMNS {
            let want = if HIGHER.contains(&c.name) {
                Some(Better::Higher)
            } else if LOWER.contains(&c.name) {
                Some(Better::Lower)
            } else {
                None
            };
            assert_eq!(c.better, want, "{}", c.name);
        }
        let directed = COLUMNS.iter().filter(|c| c.better.is_some()).count();
        assert_eq!(directed, HIGHER.len() + LOWER.len());
    }

    #[test]
    fn met_includes_the_goal_itself() {
        assert!(Better::Higher.met(95.0, 95.0));
        assert!(!Better::Higher.met(94.9, 95.0));
        assert!(Better::Lower.met(0.0, 0.0));
        assert!(!Better::Lower.met(1.0, 0.0));
    }

    #[test]
    fn col_and_columns_agree() {
        assert_eq!(Col::ALL.len(), COLUMNS.len());
        for (i, c) in Col::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(Col::named(c.name()), Some(*c));
        }
        assert_eq!(Col::ContinuityPct.def().label, "Continuity (%)");
        assert_eq!(Col::Score.def().better, Some(Better::Higher));
    }

    #[test]
    fn column_finds_by_name() {
        assert_eq!(column("acks").map(|(i, _)| i), Some(0));
        assert_eq!(column("score").map(|(i, _)| i), Some(COLUMNS.len() - 1));
        assert!(column("week").is_none());
    }
}
