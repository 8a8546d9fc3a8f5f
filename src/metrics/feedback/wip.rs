//! Feedback on work in progress (handbook: do not pre-book tickets, take one up only if you
//! can work on it now; do not In-Progress multiple tickets you cannot work on in parallel),
//! and the sweep that tells which tickets ran in parallel in each engineer-week.

use std::collections::{HashMap, HashSet};

use chrono_tz::Tz;

use super::{Draft, Evidence, Key, Kind, plural};
use crate::format::num2;
use crate::metrics::columns::Col;
use crate::metrics::tally::FastHash;
use crate::metrics::wip::WipInterval;
use crate::model::Ts;
use crate::week::{Week, WeekBounds};

/// Improve: hours of the week with two or more tickets in progress for the engineer.
pub(super) fn multi_wip_improve(e: &Evidence) -> Option<Draft> {
    // The point quotes the row's `multi_wip_hours` as the CSV shows it: an overlap that
    // rounds to 0 h there (under 18 s) is no point, rather than "0 h with two tickets".
    let hours = num2(e.row.acc.wip.multi_wip_hours());
    if hours == "0" || hours.starts_with('-') {
        return None;
    }
    let message = format!(
        "{hours} h with two or more tickets In Progress at once: do not In-Progress multiple tickets you cannot work on in parallel"
    );
    Some(Draft::improve(
        Col::MultiWipHours,
        message,
        e.parallel.to_vec(),
    ))
}

/// Improve: prebooked assignments (kept waiting, not In Progress, past `prebook_after`).
pub(super) fn prebooked_improve(e: &Evidence) -> Option<Draft> {
    let prebooked: Vec<usize> = e
        .assignments
        .iter()
        .filter(|a| a.prebooked)
        .map(|a| a.ticket)
        .collect();
    Draft::if_any(Kind::Improve, Col::Prebooked, prebooked, |n| {
        format!(
            "{} assigned but not moved to In Progress: do not pre-book tickets, take one up only if you can work on it now",
            plural(n, "ticket", "tickets")
        )
    })
}

/// For each engineer-week of the weeks `first..=last` (team zone `tz`), the tickets that
/// were in progress for the engineer during the stretches `multi_wip_hours` adds up: while
/// two or more tickets were. Only `people` are swept. A ticket may be listed more than once.
///
/// Each person's interval endpoints are sorted once, as `wip::tally` does (ends before
/// starts at one instant, so [a, t) and [t, b) never overlap). A ticket is listed for a week
/// when it joins a stretch of two or more in that week; a stretch that goes on into the
/// next week lists every ticket still running again, once, for that week. So the work is
/// O(n log n) plus the size of the answer.
pub(super) fn parallel_tickets<'a>(
    intervals: &'a [WipInterval],
    people: &HashSet<&str, FastHash>,
    (first, last): (Week, Week),
    tz: Tz,
) -> HashMap<Key<'a>, Vec<usize>, FastHash> {
    let bounds = WeekBounds::new(first, last, tz);
    let (from, to) = (bounds.start(0), bounds.start(bounds.len()));
    // Endpoints per person: (instant, -1 at an end / +1 at a start, interval).
    let mut by_person: HashMap<&str, Vec<(Ts, i8, usize)>, FastHash> = HashMap::default();
    for (n, i) in intervals.iter().enumerate() {
        if i.start < to && i.end > from && people.contains(i.person.as_str()) {
            let points = by_person.entry(i.person.as_str()).or_default();
            points.push((i.start, 1, n));
            points.push((i.end, -1, n));
        }
    }
    let mut out: HashMap<Key<'a>, Vec<usize>, FastHash> = HashMap::default();
    for (person, mut points) in by_person {
        points.sort_unstable();
        let mut active: HashSet<usize, FastHash> = HashSet::default();
        let mut started: Vec<usize> = Vec::new();
        // The week whose stretch of two or more is going on, every running ticket listed.
        let mut listed_week: Option<usize> = None;
        let mut k = 0;
        while k < points.len() {
            let at = points[k].0;
            started.clear();
            while let Some(&(_, delta, n)) = points.get(k).filter(|p| p.0 == at) {
                if delta > 0 {
                    active.insert(n);
                    started.push(n);
                } else {
                    active.remove(&n);
                }
                k += 1;
            }
            let Some(&(next, _, _)) = points.get(k) else {
                break;
            };
            let (a, b) = (at.max(from), next.min(to));
            if active.len() < 2 || a >= b {
                listed_week = None;
                continue;
            }
            // a < b, both within [from, to): a's week is one of the bounds'.
            let Some(mut week) = bounds.index_of(a) else {
                continue;
            };
            while week < bounds.len() && bounds.start(week) < b {
                let list = out.entry((bounds.week(week), person)).or_default();
                let ticket = |n: &usize| intervals[*n].ticket;
                // Within the week already listed only the tickets starting now are new.
                if listed_week == Some(week) {
                    list.extend(started.iter().map(ticket));
                } else {
                    list.extend(active.iter().map(ticket));
                }
                listed_week = Some(week);
                week += 1;
            }
        }
    }
    out
}
