//! Feedback on ownership continuity, reopens and product tags (handbook: own the ticket for
//! its lifetime, follow the post-resolution activities, tag the product of every ticket).

use super::{Draft, Evidence, Kind, plural};
use crate::metrics::columns::Col;

/// Plus: resolutions in the week, every one as the ticket's only staff owner.
pub(super) fn continuity_plus(e: &Evidence) -> Option<Draft> {
    if e.resolutions.is_empty() || e.resolutions.iter().any(|r| !r.sole_owner) {
        return None;
    }
    let message = format!(
        "Owned every resolved ticket for its whole lifetime, as its only owner ({})",
        plural(e.resolutions.len(), "resolution", "resolutions")
    );
    let tickets = e.resolutions.iter().map(|r| r.ticket).collect();
    Some(Draft::plus(Col::ContinuityPct, message, tickets))
}

/// Improve: handoffs the engineer made to someone else.
pub(super) fn handoffs_improve(e: &Evidence) -> Option<Draft> {
    let tickets = e.handoffs_out.iter().map(|h| h.ticket).collect();
    Draft::if_any(Kind::Improve, Col::HandoffsOut, tickets, |n| {
        format!(
            "{} to another owner: own the ticket for its lifetime to keep the context and the quality of responses",
            plural(n, "ticket handed over", "tickets handed over")
        )
    })
}

/// Improve: reopens in the week of tickets the engineer was assignee of when they became
/// done.
pub(super) fn reopens_improve(e: &Evidence) -> Option<Draft> {
    let tickets = e.reopens.iter().map(|r| r.ticket).collect();
    Draft::if_any(Kind::Improve, Col::Reopens, tickets, |n| {
        format!(
            "{} after being resolved under your ownership: follow the post-resolution activities before resolving",
            plural(n, "ticket reopened", "tickets reopened")
        )
    })
}

/// Improve: owned tickets without a product label at the end of the week, as counted in
/// the row's `untagged_tickets`.
pub(super) fn untagged_improve(e: &Evidence) -> Option<Draft> {
    let untagged = e.row.acc.own.untagged.iter().copied().collect();
    Draft::if_any(Kind::Improve, Col::UntaggedTickets, untagged, |n| {
        format!(
            "{} without a product label at the end of the week: add the product tag to every ticket you work on",
            plural(n, "owned ticket", "owned tickets")
        )
    })
}
