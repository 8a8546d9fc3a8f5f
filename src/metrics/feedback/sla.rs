//! Feedback on SLA clocks and escalations (handbook: acknowledge incidents immediately and
//! queries within 24 hours, keep the customer informed regularly, escalate to the lead well
//! before any SLA violation).

use super::{Draft, Evidence, Kind, plural};
use crate::metrics::columns::Col;
use crate::metrics::{Clock, EscalationClass};
use crate::settings::ClockKind;

/// The row's clocks of one kind.
fn of_kind<'e>(e: &'e Evidence, kind: ClockKind) -> impl Iterator<Item = &'e Clock> + 'e {
    e.clocks.iter().copied().filter(move |c| c.kind == kind)
}

/// The tickets of the row's escalations of one class.
fn escalated(e: &Evidence, class: EscalationClass) -> Vec<usize> {
    e.escalations
        .iter()
        .filter(|x| x.class == class)
        .map(|x| x.ticket)
        .collect()
}

/// Plus: decided ack clocks, none breached.
pub(super) fn ack_plus(e: &Evidence) -> Option<Draft> {
    let acks: Vec<usize> = of_kind(e, ClockKind::Ack)
        .filter(|c| c.decided())
        .map(|c| c.ticket)
        .collect();
    if acks.is_empty() || e.row.acc.sla.ack_breaches > 0 {
        return None;
    }
    let message = format!(
        "Every acknowledgement within the SLA target ({})",
        plural(acks.len(), "ticket clock", "ticket clocks")
    );
    Some(Draft::plus(Col::AckSlaPct, message, acks))
}

/// Plus: decided update gaps, none breached.
pub(super) fn update_plus(e: &Evidence) -> Option<Draft> {
    let gaps: Vec<usize> = of_kind(e, ClockKind::Update)
        .filter(|c| c.decided())
        .map(|c| c.ticket)
        .collect();
    if gaps.is_empty() || e.row.acc.sla.gap_breaches > 0 {
        return None;
    }
    let message = format!(
        "Kept customers informed within the update target ({})",
        plural(gaps.len(), "update", "updates")
    );
    Some(Draft::plus(Col::UpdateSlaPct, message, gaps))
}

/// Plus: early escalations.
pub(super) fn early_plus(e: &Evidence) -> Option<Draft> {
    let early = escalated(e, EscalationClass::Early);
    Draft::if_any(Kind::Plus, Col::EscalationsEarly, early, |n| {
        format!(
            "Escalated to the lead well before the SLA deadline ({})",
            plural(n, "time", "times")
        )
    })
}

/// The tickets of the row's breached clocks of one kind.
fn breached(e: &Evidence, kind: ClockKind) -> Vec<usize> {
    of_kind(e, kind)
        .filter(|c| c.breached)
        .map(|c| c.ticket)
        .collect()
}

/// Improve: breached ack clocks.
pub(super) fn ack_improve(e: &Evidence) -> Option<Draft> {
    Draft::if_any(
        Kind::Improve,
        Col::AckSlaPct,
        breached(e, ClockKind::Ack),
        |n| {
            format!(
                "{} later than the SLA target: acknowledge incidents immediately and queries within 24 hours",
                plural(n, "acknowledgement", "acknowledgements")
            )
        },
    )
}

/// Improve: breached update gaps.
pub(super) fn update_improve(e: &Evidence) -> Option<Draft> {
    let late = breached(e, ClockKind::Update);
    Draft::if_any(Kind::Improve, Col::UpdateSlaPct, late, |n| {
        format!(
            "{} where the customer waited longer than the update target",
            plural(n, "ticket clock", "ticket clocks")
        )
    })
}

/// Improve: breached clocks with no escalation on the ticket within [start, deadline].
pub(super) fn silent_improve(e: &Evidence) -> Option<Draft> {
    let silent: Vec<usize> = e
        .clocks
        .iter()
        .filter(|c| c.breached && !e.escalation_index.escalated_within(c))
        .map(|c| c.ticket)
        .collect();
    Draft::if_any(Kind::Improve, Col::SilentBreaches, silent, |n| {
        format!(
            "{} without an escalation to the lead before the deadline",
            plural(n, "SLA breach", "SLA breaches")
        )
    })
}

/// Improve: escalations after the pending deadline had passed.
pub(super) fn after_breach_improve(e: &Evidence) -> Option<Draft> {
    let after = escalated(e, EscalationClass::AfterBreach);
    Draft::if_any(Kind::Improve, Col::EscalationsAfterBreach, after, |n| {
        format!(
            "{} only after the SLA was already breached: escalate well before",
            plural(n, "escalation", "escalations")
        )
    })
}
