//! Escalation timing (SPEC §4): changelog entries that add an escalation label or hand the
//! ticket to a lead, measured against the SLA deadline pending at that instant.

use crate::metrics::{Clock, TicketCtx, UNASSIGNED};
use crate::model::{Short, Ts};
use crate::settings::Settings;
use crate::timeline::ordered_changes_where;
use crate::week::Week;

/// How far ahead of the pending deadline an escalation came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationClass {
    Early,
    Late,
    AfterBreach,
    NoPendingSla,
}

impl EscalationClass {
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationClass::Early => "early",
            EscalationClass::Late => "late",
            EscalationClass::AfterBreach => "after_breach",
            EscalationClass::NoPendingSla => "no_pending_sla",
        }
    }
}

/// What made a changelog entry an escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    Label,
    Lead,
}

impl Trigger {
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Label => "label",
            Trigger::Lead => "lead",
        }
    }
}

/// One escalation: a row of `escalations.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Escalation {
    pub ticket: usize,
    pub at: Ts,
    /// Who made the changelog entry.
    pub by: String,
    /// The assignee before the entry applied, or `(unassigned)`.
    pub engineer: Short,
    pub trigger: Trigger,
    /// The earliest deadline among the clocks running at `at`.
    pub deadline: Option<Ts>,
    /// deadline − at, milliseconds (negative once past it).
    pub lead_ms: Option<i64>,
    pub class: EscalationClass,
    pub week: Week,
}

/// True when an escalation of the ticket falls within [start, deadline] of a clock. A clock
/// without a deadline can never be breached, so it has nothing to escalate before.
pub fn escalated_within(escalations: &[Escalation], clock: &Clock) -> bool {
    clock.deadline.is_some_and(|deadline| {
        escalations
            .iter()
            .any(|e| e.ticket == clock.ticket && e.at >= clock.start && e.at <= deadline)
    })
}

/// Escalation instants by ticket, so asking about every breached clock stays linear in
/// the items instead of scanning all escalations for each clock.
#[derive(Debug, Default)]
pub struct EscalationIndex(std::collections::HashMap<usize, Vec<Ts>>);

impl EscalationIndex {
    pub fn new(escalations: &[Escalation]) -> EscalationIndex {
        let mut map: std::collections::HashMap<usize, Vec<Ts>> = std::collections::HashMap::new();
        for e in escalations {
            map.entry(e.ticket).or_default().push(e.at);
        }
        EscalationIndex(map)
    }

    /// Same answer as [`escalated_within`].
    pub fn escalated_within(&self, clock: &Clock) -> bool {
        clock.deadline.is_some_and(|deadline| {
            self.0
                .get(&clock.ticket)
                .is_some_and(|ats| ats.iter().any(|at| *at >= clock.start && *at <= deadline))
        })
    }
}

/// Every escalation of one ticket up to as-of, given its clocks.
pub fn ticket_escalations(
    ctx: &TicketCtx,
    settings: &Settings,
    clocks: &[Clock],
    as_of: Ts,
) -> Vec<Escalation> {
    let mut out = Vec::new();
    let mut assignee: Option<&str> =
        (ctx.timeline.assignee.initial.as_ref()).map(|a| a.id.as_str());
    // Only label and assignee items can escalate: only they are put in applied order. A
    // history's items stay together in that order, as in the whole changelog's.
    let changes = ordered_changes_where(ctx.ticket, as_of, |c| {
        c.is_field("labels") || c.is_field("assignee")
    });
    let mut i = 0;
    while i < changes.len() {
        // One history, however many items.
        let first = changes[i];
        let mut j = i;
        while j < changes.len()
            && changes[j].history_id == first.history_id
            && changes[j].at == first.at
        {
            j += 1;
        }
        let history = &changes[i..j];
        let before = assignee;
        let mut trigger = None;
        for c in history {
            if c.is_field("labels") {
                let from = c.from_string.as_deref().unwrap_or("");
                let added = (c.to_string.as_deref().unwrap_or(""))
                    .split_whitespace()
                    .any(|l| {
                        settings.escalation.labels.iter().any(|e| e == l)
                            && !from.split_whitespace().any(|f| f == l)
                    });
                if added {
                    trigger = Some(Trigger::Label);
                }
            } else if c.is_field("assignee") {
                let to = c.to.as_deref().map(str::trim).filter(|s| !s.is_empty());
                if to.is_some_and(|id| ctx.people.is_lead(id)) && trigger.is_none() {
                    trigger = Some(Trigger::Lead);
                }
                assignee = to;
            }
        }
        if let Some(trigger) = trigger {
            // The history's first item of all (its author is the escalation's `by`): the
            // first of the changelog with the history's instant and id, as the stable order
            // keeps them.
            let first = (ctx.ticket.changes.iter())
                .find(|c| c.at == first.at && c.history_id == first.history_id)
                .unwrap_or(first);
            out.push(measure(
                ctx, settings, clocks, first.at, first, trigger, before,
            ));
        }
        i = j;
    }
    out
}

fn measure(
    ctx: &TicketCtx,
    settings: &Settings,
    clocks: &[Clock],
    at: Ts,
    first: &crate::model::Change,
    trigger: Trigger,
    before: Option<&str>,
) -> Escalation {
    let pending = clocks
        .iter()
        .filter(|c| c.running_at(at))
        .filter_map(|c| c.deadline.map(|d| (d, c)))
        .min_by_key(|(d, _)| *d);
    let (deadline, lead_ms, class) = match pending {
        None => (None, None, EscalationClass::NoPendingSla),
        Some((d, clock)) => {
            let lead = (d - at).num_milliseconds();
            let window = (d - clock.start).num_milliseconds() as f64;
            let class = if lead < 0 {
                EscalationClass::AfterBreach
            } else if lead as f64 >= settings.escalation.early_fraction * window {
                EscalationClass::Early
            } else {
                EscalationClass::Late
            };
            (Some(d), Some(lead), class)
        }
    };
    Escalation {
        ticket: ctx.index,
        at,
        by: first
            .author
            .as_ref()
            .map_or(String::new(), |p| p.id.to_string()),
        engineer: before.unwrap_or(UNASSIGNED).into(),
        trigger,
        deadline,
        lead_ms,
        class,
        week: Week::of(at, settings.team.timezone),
    }
}
