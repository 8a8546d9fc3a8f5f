//! Data-quality findings (SPEC §5 `data_quality.csv`): what in the input a lead should know
//! about before trusting a number built on it.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::metrics::{People, Prepared};
use crate::model::Ticket;
use crate::report::tables::Problem;
use crate::settings::{Settings, StatusClass};
use crate::timeline::Timeline;

/// The problem name of comments and worklogs by people who are neither staff, bot nor
/// reporter (its detail names them, so a self-review leaves it out).
pub const UNKNOWN_AUTHOR: &str = "unknown author";

/// The problem name of statuses not in `[statuses]` (also said once as a warning).
pub const UNKNOWN_STATUS: &str = "unknown status";

/// Every finding over all tickets, sorted by ticket, problem and detail.
pub fn problems(prepared: &Prepared, settings: &Settings) -> Vec<Problem> {
    // Tickets are checked on every core; the findings are then sorted and deduplicated.
    let found: Vec<Vec<Problem>> = prepared
        .tickets
        .par_iter()
        .zip(&prepared.timelines)
        .with_min_len(256)
        .map(|(t, tl)| ticket_problems(t, tl, &prepared.people, settings))
        .collect();
    let out: BTreeSet<Problem> = found.into_iter().flatten().collect();
    out.into_iter().collect()
}

/// The findings of one ticket, in no particular order.
fn ticket_problems(
    t: &Ticket,
    tl: &Timeline,
    people: &People,
    settings: &Settings,
) -> Vec<Problem> {
    let mut out = Vec::new();
    {
        let mut add = |problem: &'static str, detail: String| {
            out.push(Problem {
                ticket: t.key.clone(),
                problem,
                detail,
            });
        };
        for status in tl.status.values() {
            if settings.status_class(status) == StatusClass::Unknown {
                add(
                    UNKNOWN_STATUS,
                    format!("status '{status}' is not in [statuses]; it counts as waiting_on_us"),
                );
            }
        }
        for sev in tl.severity.values().flatten() {
            if !settings.known_severities.contains(sev.as_str()) {
                add(
                    "unknown severity",
                    format!("severity '{sev}' has no SLA key; the table's default applies"),
                );
            }
        }
        let Some(created) = t.created else {
            add(
                "missing fields",
                "no fields.created: the ticket is left out of every metric; export it with its fields (created, updated, issuetype, status)".to_string(),
            );
            return out;
        };
        for note in &t.truncated {
            add(
                "truncated",
                format!("{note} arrived; re-export to fetch the rest"),
            );
        }
        let before = |what: &str, id: &str, at| {
            format!("{what} {id} is dated {at}, before the ticket's creation")
        };
        for c in t.comments.iter().filter(|c| c.created < created) {
            add(
                "event before creation",
                before("comment", &c.id, crate::model::fmt_ts(c.created)),
            );
        }
        for w in t.worklogs.iter().filter(|w| w.started < created) {
            add(
                "event before creation",
                before("worklog", &w.id, crate::model::fmt_ts(w.started)),
            );
        }
        for c in t.changes.iter().filter(|c| c.at < created) {
            add(
                "event before creation",
                before(
                    "change of history",
                    &c.history_id,
                    crate::model::fmt_ts(c.at),
                ),
            );
        }
        for w in t.worklogs.iter().filter(|w| w.seconds <= 0) {
            add(
                "worklog without time",
                format!("worklog {} logs {} seconds", w.id, w.seconds),
            );
        }
        let reporter = t.reporter.as_ref().map(|p| p.id.as_str());
        let authors = t
            .comments
            .iter()
            .filter_map(|c| c.author.as_ref())
            .chain(t.worklogs.iter().filter_map(|w| w.author.as_ref()));
        for a in authors {
            if !people.is_staff(&a.id) && !people.is_bot(&a.id) && Some(a.id.as_str()) != reporter {
                add(
                    UNKNOWN_AUTHOR,
                    format!(
                        "{} ({}) is neither staff, bot nor the reporter",
                        a.id, a.name
                    ),
                );
            }
        }
    }
    out
}
