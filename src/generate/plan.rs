//! The scenario of one ticket, drawn before it is played: which handbook rules it keeps and
//! which it breaks. The proportions here are the organisation's character: most tickets
//! behave, and a minority breaks each rule.

use super::people::{Roster, Who};
use super::rng::Rng;
use super::story::{Kind, Severity};

/// How an escalation is timed against the running SLA clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscTiming {
    Early,
    Late,
    AfterBreach,
    /// While waiting on the customer, when no clock runs.
    NoClock,
}

/// What makes a changelog entry an escalation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscTrigger {
    Label,
    Lead,
}

/// Reassignments while the ticket waits on the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handoff {
    Direct,
    ViaUnassigned,
    BackToSame,
    ToLead,
}

/// Whether a call leaves both a worklog and notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    WithNotes,
    WithoutNotes,
    NotesWithoutTime,
}

/// When the first session's time is entered, if not the same evening.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LateLog {
    NextMorning,
    AfterMidnight,
}

/// The scenario choices for one ticket.
#[derive(Debug, Clone)]
pub struct Plan {
    pub owner: Who,
    pub greeting: bool,
    pub internal_before_ack: bool,
    pub ack_breach: bool,
    pub prebook: bool,
    pub duplicate: bool,
    /// Round trips before resolution; each ends in Waiting On Client or Waiting On WSO2.
    pub rounds: u32,
    /// The round whose waiting phase answers late.
    pub update_breach: Option<u32>,
    pub escalation: Option<(EscTiming, EscTrigger)>,
    /// After a lead takes the ticket, they hand it back at the next waiting-on-client phase.
    pub lead_returns: bool,
    pub handoff: Option<(u32, Handoff)>,
    pub call: Option<CallKind>,
    pub late_log: Option<LateLog>,
    pub reopen: bool,
    pub priority_change: bool,
    pub type_change: bool,
    pub tag_later: bool,
}

impl Plan {
    /// Draws the scenario for a ticket of this type and severity.
    pub fn draw(
        rng: &mut Rng,
        roster: &Roster,
        kind: Kind,
        severity: Severity,
        untagged: bool,
    ) -> Plan {
        let owner = Who::Engineer(rng.below(roster.engineers().len() as u64) as u32);
        let mut rounds = rng.weighted(&[(0, 35), (1, 35), (2, 20), (3, 10)]);
        let escalation = rng.chance(0.09).then(|| {
            let timing = rng.weighted(&[
                (EscTiming::Early, 35),
                (EscTiming::Late, 25),
                (EscTiming::AfterBreach, 20),
                (EscTiming::NoClock, 20),
            ]);
            let trigger = rng.weighted(&[(EscTrigger::Label, 60), (EscTrigger::Lead, 40)]);
            (timing, trigger)
        });
        let handoff = rng.chance(0.12).then(|| {
            rng.weighted(&[
                (Handoff::Direct, 45),
                (Handoff::ViaUnassigned, 25),
                (Handoff::BackToSame, 15),
                (Handoff::ToLead, 15),
            ])
        });
        // Escalations and handoffs happen in waiting phases, so such tickets have one.
        if escalation.is_some() || handoff.is_some() {
            rounds = rounds.max(1);
        }
        let handoff = handoff.map(|variant| (rng.below(u64::from(rounds)) as u32, variant));
        let update_breach =
            (rounds > 0 && rng.chance(0.12)).then(|| rng.below(u64::from(rounds)) as u32);
        let urgent = kind == Kind::Incident && severity <= Severity::Critical;
        let call = rng.chance(if urgent { 0.4 } else { 0.12 }).then(|| {
            rng.weighted(&[
                (CallKind::WithNotes, 65),
                (CallKind::WithoutNotes, 20),
                (CallKind::NotesWithoutTime, 15),
            ])
        });
        let late_log = rng.weighted(&[
            (None, 86),
            (Some(LateLog::NextMorning), 10),
            (Some(LateLog::AfterMidnight), 4),
        ]);
        Plan {
            owner,
            greeting: rng.chance(0.35),
            internal_before_ack: rng.chance(0.1),
            ack_breach: rng.chance(if kind == Kind::Incident { 0.08 } else { 0.1 }),
            prebook: rng.chance(0.06),
            duplicate: rng.chance(0.03),
            rounds,
            update_breach,
            escalation,
            lead_returns: rng.chance(0.5),
            handoff,
            call,
            late_log,
            reopen: rng.chance(0.06),
            priority_change: rng.chance(0.06),
            type_change: kind == Kind::Query && rng.chance(0.03),
            tag_later: untagged && rng.chance(0.5),
        }
    }
}
