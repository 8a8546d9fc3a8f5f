//! Data-quality findings (SPEC §5 `data_quality.csv`): what in the input a lead should know
//! about before trusting a number built on it.
//!
//! A report may leave out tickets its window cannot see (`snapshot::prune`) only when they
//! have no finding here: a new check must keep its tickets in that rule too.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::metrics::{People, Prepared};
use crate::model::{Ticket, fmt_ts};
use crate::settings::{Settings, StatusClass};
use crate::snapshot::Gone;
use crate::timeline::Timeline;

/// One data-quality finding: a row of `data_quality.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub ticket: String,
    pub problem: &'static str,
    pub detail: String,
}

/// The problem name of comments and worklogs by people who are neither staff, bot nor
/// reporter (its detail names them, so a self-review leaves it out).
pub const UNKNOWN_AUTHOR: &str = "unknown author";

/// The problem name of statuses not in `[statuses]` (also said once as a warning).
pub const UNKNOWN_STATUS: &str = "unknown status";

/// The problem name of tickets a full export no longer found in JIRA.
pub const GONE: &str = "gone from JIRA";

/// Every finding over all tickets, plus the tickets `gone` from JIRA, sorted by ticket,
/// problem and detail.
pub fn problems(prepared: &Prepared, settings: &Settings, gone: &[Gone]) -> Vec<Problem> {
    with_gone(found(prepared, settings), gone)
}

/// The findings of `prepared`'s tickets, sorted and deduplicated: a part of
/// [`problems`] for tickets measured in chunks.
pub fn found(prepared: &Prepared, settings: &Settings) -> BTreeSet<Problem> {
    // Tickets are checked on every core; the findings are then sorted and deduplicated.
    let found: Vec<Vec<Problem>> = prepared
        .tickets
        .par_iter()
        .zip(&prepared.timelines)
        .with_min_len(256)
        .map(|(t, tl)| {
            let classes = status_classes(tl, settings);
            ticket_problems(t, tl, &classes, &prepared.people, settings)
        })
        .collect();
    found.into_iter().flatten().collect()
}

/// The class of each value of `tl`'s status track, in [`Track::values`] order.
///
/// [`Track::values`]: crate::timeline::Track::values
pub(crate) fn status_classes(tl: &Timeline, settings: &Settings) -> Vec<StatusClass> {
    tl.status
        .values()
        .map(|s| settings.status_class(s))
        .collect()
}

/// The rows of `data_quality.csv`: the findings of every ticket, and the tickets `gone`.
pub fn with_gone(mut found: BTreeSet<Problem>, gone: &[Gone]) -> Vec<Problem> {
    found.extend(gone.iter().map(gone_problem));
    found.into_iter().collect()
}

/// A ticket JIRA no longer returns: it stays in the snapshot and in every metric (its
/// history was real), and the lead learns when it was last seen.
fn gone_problem(g: &Gone) -> Problem {
    let last = g.last_seen.map_or_else(
        || "an earlier export".to_string(),
        |t| format!("the export of {}", fmt_ts(t)),
    );
    Problem {
        ticket: g.key.clone(),
        problem: GONE,
        detail: format!(
            "the full export of {} no longer found it (deleted, moved out of the JQL, or hidden \
             from the account); last seen by {last}; kept with its history",
            fmt_ts(g.noticed)
        ),
    }
}

/// The findings of one ticket, in no particular order; `classes` are those of its status
/// track's values ([`status_classes`]).
pub(crate) fn ticket_problems(
    t: &Ticket,
    tl: &Timeline,
    classes: &[StatusClass],
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
        for (status, class) in tl.status.values().zip(classes) {
            if *class == StatusClass::Unknown {
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
