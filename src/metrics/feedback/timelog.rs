//! Feedback on time logging (handbook: at the end of the day, report all the time logs).

use super::{Draft, Evidence, Kind, plural};
use crate::metrics::columns::Col;

/// Plus: worklogs in the week, every one logged on the local day of the work.
pub(super) fn same_day_plus(e: &Evidence) -> Option<Draft> {
    if e.logged.is_empty() || e.logged.iter().any(|l| l.late) {
        return None;
    }
    let message = format!(
        "Every time log reported by the end of the day of the work ({})",
        plural(e.logged.len(), "worklog", "worklogs")
    );
    let tickets = e.logged.iter().map(|l| l.ticket).collect();
    Some(Draft::plus(Col::SameDayLogPct, message, tickets))
}

/// Improve: worklogs logged on a later local day than the work.
pub(super) fn late_improve(e: &Evidence) -> Option<Draft> {
    let late: Vec<usize> = e
        .logged
        .iter()
        .filter(|l| l.late)
        .map(|l| l.ticket)
        .collect();
    Draft::if_any(Kind::Improve, Col::LateLogs, late, |n| {
        format!(
            "{} after the day of the work: report all time logs by the end of the day",
            plural(n, "worklog logged", "worklogs logged")
        )
    })
}
