//! Plus and improvement points (SPEC §4 "Score and feedback"): for each engineer-week, the
//! handbook habits that were kept or missed, each with its metric, a plain-language message
//! and the ticket keys that show it. The rules are listed in README.md.
//!
//! This module groups the items by engineer-week once and runs the rules of [`RULES`] over
//! every row; each submodule holds the rules of one metric family.

mod calls;
mod ownership;
mod sla;
mod timelog;
mod wip;

use std::collections::{HashMap, HashSet};

use chrono_tz::Tz;
use rayon::prelude::*;

use crate::metrics::calls::Call;
use crate::metrics::columns::Col;
use crate::metrics::escalations::EscalationIndex;
use crate::metrics::handoffs::{Handoff, Reopen, Resolution};
use crate::metrics::tally::FastHash;
use crate::metrics::timelog::Logged;
use crate::metrics::weekly::Row;
use crate::metrics::wip::Assignment;
use crate::metrics::{Clock, Escalation, Items, UNASSIGNED};
use crate::model::{Ticket, key_order};
use crate::week::Week;

/// Whether a point is praise or something to improve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Plus,
    Improve,
}

impl Kind {
    /// The `kind` cell of `feedback.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Plus => "plus",
            Kind::Improve => "improve",
        }
    }
}

/// One line of `feedback.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub week: Week,
    pub engineer: String,
    pub kind: Kind,
    /// The `engineer_weekly.csv` column the point is about.
    pub metric: &'static str,
    pub message: String,
    /// Ticket keys, distinct, in key order.
    pub tickets: Vec<String>,
}

/// A point found by a rule, before it is tied to its row and its tickets get their keys.
struct Draft {
    kind: Kind,
    metric: Col,
    message: String,
    /// Indices of the tickets that show it (repeats allowed).
    tickets: Vec<usize>,
}

impl Draft {
    fn plus(metric: Col, message: String, tickets: Vec<usize>) -> Draft {
        Draft {
            kind: Kind::Plus,
            metric,
            message,
            tickets,
        }
    }

    fn improve(metric: Col, message: String, tickets: Vec<usize>) -> Draft {
        Draft {
            kind: Kind::Improve,
            metric,
            message,
            tickets,
        }
    }

    /// A point of `kind` over items (one ticket index each), or none without items;
    /// `message` is given how many there are.
    fn if_any(
        kind: Kind,
        metric: Col,
        tickets: Vec<usize>,
        message: impl FnOnce(usize) -> String,
    ) -> Option<Draft> {
        (!tickets.is_empty()).then(|| Draft {
            kind,
            metric,
            message: message(tickets.len()),
            tickets,
        })
    }
}

/// A rule: the point it finds in one engineer-week, if any.
type Rule = fn(&Evidence) -> Option<Draft>;

/// Every rule, in the order points are written for a row: plus points first, then
/// improvement points, each group in the order of the `engineer_weekly.csv` columns.
const RULES: &[Rule] = &[
    sla::ack_plus,
    sla::update_plus,
    sla::early_plus,
    ownership::continuity_plus,
    calls::calls_plus,
    timelog::same_day_plus,
    sla::ack_improve,
    sla::update_improve,
    sla::silent_improve,
    sla::after_breach_improve,
    ownership::handoffs_improve,
    calls::missing_notes_improve,
    calls::missing_time_improve,
    timelog::late_improve,
    wip::multi_wip_improve,
    wip::prebooked_improve,
    ownership::reopens_improve,
    ownership::untagged_improve,
];

/// An engineer-week: the (week, person) a row and its items belong to.
type Key<'a> = (Week, &'a str);

/// One engineer-week's row and the items credited to it (item order kept).
struct Evidence<'a> {
    row: &'a Row,
    clocks: &'a [&'a Clock],
    escalations: &'a [&'a Escalation],
    /// Every escalation of every ticket, to tell silent breaches.
    escalation_index: &'a EscalationIndex,
    /// Moves to done while the engineer was assignee.
    resolutions: &'a [&'a Resolution],
    /// Handoffs from the engineer.
    handoffs_out: &'a [&'a Handoff],
    /// Reopens credited to the engineer.
    reopens: &'a [&'a Reopen],
    /// Call worklogs and call notes by the engineer.
    calls: &'a [&'a Call],
    /// Worklogs by the engineer.
    logged: &'a [&'a Logged],
    /// Assignments of tickets to the engineer.
    assignments: &'a [&'a Assignment],
    /// Tickets in progress for the engineer while another one was (repeats allowed).
    parallel: &'a [usize],
}

/// Items of one kind by the engineer-week they are credited to: `.0[n]` holds the items
/// of the `n`-th row judged.
struct ByRow<'a, T>(Vec<Vec<&'a T>>);

impl<'a, T> ByRow<'a, T> {
    /// Groups the items credited to one of the rows (`rows` gives each row's position), in
    /// one pass with one lookup an item; items of other weeks or people can give no point
    /// and are left out.
    fn new(
        items: &'a [T],
        rows: &HashMap<Key<'a>, usize, FastHash>,
        key: impl Fn(&'a T) -> Key<'a>,
    ) -> Self {
        let mut by_row: Vec<Vec<&'a T>> =
            std::iter::repeat_with(Vec::new).take(rows.len()).collect();
        for item in items {
            if let Some(&n) = rows.get(&key(item)) {
                by_row[n].push(item);
            }
        }
        ByRow(by_row)
    }

    /// The items of the `n`-th row.
    fn of(&self, n: usize) -> &[&'a T] {
        &self.0[n]
    }
}

/// Says `n` things with the right noun: "1 ticket", "2 tickets".
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The ticket keys of a set of ticket indices, distinct and in key order.
fn keys(tickets: &[Ticket], indices: Vec<usize>) -> Vec<String> {
    // Repeats go first, by index, so only distinct tickets' keys are compared.
    let mut indices = indices;
    indices.sort_unstable();
    indices.dedup();
    let mut keys: Vec<&str> = indices.iter().map(|&i| tickets[i].key.as_str()).collect();
    // Distinct keys are never equal in key order, so an unstable sort gives the same.
    keys.sort_unstable_by(|a, b| key_order(a, b));
    keys.dedup();
    keys.into_iter().map(str::to_string).collect()
}

/// Every point of the given engineer rows (team and `(unassigned)` rows get none), row by
/// row in the rows' order, each row's points in [`RULES`] order. `tz` is the team's zone,
/// where weeks start.
pub fn points(rows: &[Row], items: &Items, tickets: &[Ticket], tz: Tz) -> Vec<Point> {
    let rows: Vec<&Row> = rows.iter().filter(|r| r.engineer != UNASSIGNED).collect();
    // Each row's position; engineer rows are distinct by (week, person).
    let wanted: HashMap<Key, usize, FastHash> = (rows.iter().enumerate())
        .map(|(n, r)| ((r.week, r.engineer.as_str()), n))
        .collect();
    let escalation_index = EscalationIndex::new(&items.escalations);
    let continuity = &items.continuity;
    let people: HashSet<&str, FastHash> = wanted.keys().map(|(_, p)| *p).collect();
    let span = rows
        .iter()
        .map(|r| r.week)
        .min()
        .zip(rows.iter().map(|r| r.week).max());
    // The indexes are independent: built side by side on every core.
    let (mut clocks, mut escalations, mut resolutions, mut handoffs_out) = (None, None, None, None);
    let (mut reopens, mut calls, mut logged, mut assignments, mut parallel) =
        (None, None, None, None, None);
    rayon::scope(|s| {
        let wanted = &wanted;
        s.spawn(|_| clocks = Some(ByRow::new(&items.clocks, wanted, |c| (c.week, &c.engineer))));
        s.spawn(|_| {
            escalations = Some(ByRow::new(&items.escalations, wanted, |e| {
                (e.week, &e.engineer)
            }));
        });
        s.spawn(|_| {
            resolutions = Some(ByRow::new(&continuity.resolutions, wanted, |r| {
                (r.week, &r.engineer)
            }));
        });
        s.spawn(|_| {
            handoffs_out = Some(ByRow::new(&continuity.handoffs, wanted, |h| {
                (h.week, &h.from)
            }));
        });
        s.spawn(|_| {
            reopens = Some(ByRow::new(&continuity.reopens, wanted, |r| {
                (r.week, &r.engineer)
            }));
        });
        s.spawn(|_| calls = Some(ByRow::new(&items.calls, wanted, |c| (c.week, &c.engineer))));
        s.spawn(|_| logged = Some(ByRow::new(&items.logged, wanted, |l| (l.week, &l.engineer))));
        s.spawn(|_| {
            assignments = Some(ByRow::new(&items.assignments, wanted, |a| {
                (a.week, &a.person)
            }));
        });
        s.spawn(|_| {
            parallel = Some(span.map_or_else(HashMap::default, |span| {
                wip::parallel_tickets(&items.wip_intervals, &people, span, tz)
            }));
        });
    });
    let built = "every index is built in the scope";
    let clocks = clocks.expect(built);
    let escalations = escalations.expect(built);
    let resolutions = resolutions.expect(built);
    let handoffs_out = handoffs_out.expect(built);
    let reopens = reopens.expect(built);
    let calls = calls.expect(built);
    let logged = logged.expect(built);
    let assignments = assignments.expect(built);
    let parallel = parallel.expect(built);
    // Rows are independent: judged on every core, collected in row order.
    rows.par_iter()
        .enumerate()
        .flat_map_iter(|(n, &row)| {
            let key = (row.week, row.engineer.as_str());
            let evidence = Evidence {
                row,
                clocks: clocks.of(n),
                escalations: escalations.of(n),
                escalation_index: &escalation_index,
                resolutions: resolutions.of(n),
                handoffs_out: handoffs_out.of(n),
                reopens: reopens.of(n),
                calls: calls.of(n),
                logged: logged.of(n),
                assignments: assignments.of(n),
                parallel: parallel.get(&key).map_or(&[], Vec::as_slice),
            };
            RULES
                .iter()
                .filter_map(|rule| rule(&evidence))
                .map(|d| Point {
                    week: row.week,
                    engineer: row.engineer.clone(),
                    kind: d.kind,
                    metric: d.metric.name(),
                    message: d.message,
                    tickets: keys(tickets, d.tickets),
                })
                .collect::<Vec<_>>()
        })
        .collect()
}
