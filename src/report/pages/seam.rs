//! Stand-in for the typed weekly values and goals the coordinator adds to main (SEAM.md),
//! so the pages compile before that merge. Replaced by re-exports after it.

use crate::report::charts::Table;
use crate::week::Week;

/// Which way a weekly column is better (SPEC §5 Goals).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// How a weekly column's number is written (the CSV's rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Count,
    Num2,
    Pct1,
}

/// One weekly column after `week, engineer, engineer_name`, in SPEC §5 order.
#[derive(Debug)]
pub struct ColumnDef {
    pub name: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
    pub format: Format,
    pub better: Option<Better>,
}

const fn col(
    name: &'static str,
    label: &'static str,
    format: Format,
    better: Option<Better>,
) -> ColumnDef {
    ColumnDef {
        name,
        label,
        unit: "",
        format,
        better,
    }
}

const H: Option<Better> = Some(Better::Higher);
const L: Option<Better> = Some(Better::Lower);
use Format::{Count as C, Num2 as N, Pct1 as P};

/// The 38 value columns, acks .. score.
pub const COLUMNS: &[ColumnDef] = &[
    col("acks", "Acks (stopped ack clocks)", C, None),
    col("ack_p50_min", "Ack latency p50 (min)", N, L),
    col("ack_p90_min", "Ack latency p90 (min)", N, L),
    col("ack_max_min", "Ack latency max (min)", N, L),
    col("ack_breaches", "Ack breaches", C, L),
    col("ack_sla_pct", "Acks within SLA (%)", P, H),
    col("update_gaps", "Update gaps (decided)", C, None),
    col("update_breaches", "Update breaches", C, L),
    col("update_sla_pct", "Updates within SLA (%)", P, H),
    col("sla_breaches", "SLA breaches", C, L),
    col("escalations", "Escalations", C, None),
    col("escalations_early", "Escalations, early", C, H),
    col("escalations_late", "Escalations, late", C, L),
    col(
        "escalations_after_breach",
        "Escalations after a breach",
        C,
        L,
    ),
    col(
        "escalation_lead_p50_min",
        "Escalation lead p50 (min)",
        N,
        None,
    ),
    col("silent_breaches", "Silent breaches", C, L),
    col("tickets_owned", "Tickets owned", C, None),
    col("handoffs_in", "Handoffs in", C, None),
    col("handoffs_out", "Handoffs out", C, L),
    col("resolved", "Resolved", C, H),
    col("resolved_sole_owner", "Resolved as sole owner", C, H),
    col("continuity_pct", "Continuity (%)", P, H),
    col("calls_reported", "Calls reported", C, H),
    col("call_minutes_reported", "Call time reported (min)", N, H),
    col("call_notes", "Call notes", C, H),
    col("calls_missing_notes", "Calls missing notes", C, L),
    col("calls_missing_time", "Call notes missing time", C, L),
    col("hours_logged", "Hours logged", N, H),
    col("worklogs", "Worklogs", C, H),
    col("late_logs", "Late logs", C, L),
    col("same_day_log_pct", "Logged the same day (%)", P, H),
    col("max_wip", "Max tickets in progress", C, L),
    col("multi_wip_hours", "Hours with 2+ in progress", N, L),
    col("assignments", "Assignments", C, None),
    col("prebooked", "Prebooked", C, L),
    col("reopens", "Reopens", C, L),
    col("untagged_tickets", "Untagged tickets", C, L),
    col("score", "Score (0–100)", P, H),
];

/// A column and its index in [`COLUMNS`].
pub fn column(name: &str) -> Option<(usize, &'static ColumnDef)> {
    COLUMNS.iter().enumerate().find(|(_, c)| c.name == name)
}

/// A number as the weekly CSV writes it; "" for None.
pub fn format_value(def: &ColumnDef, v: Option<f64>) -> String {
    match (v, def.format) {
        (None, _) => String::new(),
        (Some(v), Format::Pct1) => format!("{v:.1}"),
        (Some(v), _) => crate::report::csv::num2(v),
    }
}

/// One row of a weekly table as values.
#[derive(Debug, Clone)]
pub struct ValueRow {
    pub week: Week,
    pub engineer: String,
    pub name: String,
    pub values: Vec<Option<f64>>,
}

impl ValueRow {
    /// The value of column `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        column(name).and_then(|(i, _)| self.values.get(i).copied().flatten())
    }
}

/// Both weekly tables of a report.
#[derive(Debug, Clone, Default)]
pub struct WeeklyValues {
    pub engineers: Vec<ValueRow>,
    pub team: Vec<ValueRow>,
}

/// One row of goals.csv.
#[derive(Debug, Clone)]
pub struct GoalRow {
    pub week: Week,
    pub engineer: String,
    pub metric: &'static str,
    pub value: f64,
    pub goal: f64,
    pub met: bool,
}

/// Rows of a weekly table read back (stand-in only, until the typed values are merged).
pub fn rows_of(table: &Table) -> Vec<ValueRow> {
    table
        .rows
        .iter()
        .filter_map(|r| {
            Some(ValueRow {
                week: table.text(r, "week")?.parse().ok()?,
                engineer: table.text(r, "engineer")?.to_string(),
                name: table.text(r, "engineer_name").unwrap_or("").to_string(),
                values: COLUMNS.iter().map(|c| table.num(r, c.name)).collect(),
            })
        })
        .collect()
}
