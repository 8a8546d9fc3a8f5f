//! Feedback on customer calls (handbook: after the call put the call notes with the
//! attendees on the ticket, report all time spent on the call).

use super::{Draft, Evidence, Kind, plural};
use crate::metrics::calls::CallKind;
use crate::metrics::columns::Col;

/// The tickets of the row's call items of one kind, only the unpaired ones if `missing`.
fn of_kind(e: &Evidence, kind: CallKind, missing: bool) -> Vec<usize> {
    e.calls
        .iter()
        .filter(|c| c.kind == kind && (c.missing || !missing))
        .map(|c| c.ticket)
        .collect()
}

/// Plus: call worklogs in the week, and no call worklog or call note of the week unpaired.
pub(super) fn calls_plus(e: &Evidence) -> Option<Draft> {
    let reported = of_kind(e, CallKind::Worklog, false);
    if reported.is_empty() || e.calls.iter().any(|c| c.missing) {
        return None;
    }
    let message = format!(
        "Every call reported with its time and its call notes ({})",
        plural(reported.len(), "call", "calls")
    );
    Some(Draft::plus(Col::CallsReported, message, reported))
}

/// Improve: call worklogs with no call notes by their author within 24 hours.
pub(super) fn missing_notes_improve(e: &Evidence) -> Option<Draft> {
    let missing = of_kind(e, CallKind::Worklog, true);
    Draft::if_any(Kind::Improve, Col::CallsMissingNotes, missing, |n| {
        format!(
            "{} without call notes: after the call, put the call notes with the attendees on the ticket",
            plural(n, "call", "calls")
        )
    })
}

/// Improve: call notes with no call worklog by their author within 24 hours.
pub(super) fn missing_time_improve(e: &Evidence) -> Option<Draft> {
    let missing = of_kind(e, CallKind::Notes, true);
    Draft::if_any(Kind::Improve, Col::CallsMissingTime, missing, |n| {
        format!(
            "{} without the call's time logged: report all time spent on the call",
            plural(n, "call note", "call notes")
        )
    })
}
