//! Ownership continuity items of one ticket (SPEC §4 "Ownership continuity", "Reopens",
//! "Untagged"): handoffs, moves to done with whether one person owned the ticket throughout,
//! reopens, the weeks each staff member owned the ticket (with whether it lacked a product
//! label), and the per-ticket summary behind `tickets.csv`.
//!
//! Everything is read from the timeline: an assignee or status change takes effect at its
//! instant, together with every other change of that instant (SPEC §1 "at instant t").

use std::collections::BTreeMap;

use crate::metrics::ownership::Owned;
use crate::metrics::{TicketCtx, UNASSIGNED, append};
use crate::model::Ts;
use crate::settings::{Settings, TicketType};
use crate::timeline::{Assignee, Track};
use crate::week::Week;

/// An assignee change, made while the ticket is not done, to a staff member other than the
/// last staff member the ticket was assigned to: a row of `handoffs.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Handoff {
    pub ticket: usize,
    pub at: Ts,
    /// The last staff member the ticket was assigned to before `at` (person id).
    pub from: String,
    /// The new assignee (person id, always staff).
    pub to: String,
    pub week: Week,
}

/// A move to done (a status change from a non-done status to a done one).
#[derive(Debug, Clone, PartialEq)]
pub struct Resolution {
    pub ticket: usize,
    pub at: Ts,
    /// The assignee at `at`, or `(unassigned)`.
    pub engineer: String,
    /// True when `engineer` is staff and is the only staff member the ticket was ever
    /// assigned to up to `at` (creation included). An unassigned or non-staff resolver is
    /// never a sole owner.
    pub sole_owner: bool,
    pub week: Week,
}

/// A reopen (a status change from a done status to a non-done one).
#[derive(Debug, Clone, PartialEq)]
pub struct Reopen {
    pub ticket: usize,
    pub at: Ts,
    /// When the ticket became done before this reopen: the preceding move to done, or the
    /// ticket's creation when it was created already done.
    pub done_at: Ts,
    /// The assignee at `done_at`, or `(unassigned)`.
    pub engineer: String,
    pub week: Week,
}

/// A staff member owned the ticket at some instant of a week.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedWeek {
    pub ticket: usize,
    pub person: String,
    pub week: Week,
    /// The ticket carried no product label at the end of the week (or at as-of, if earlier).
    pub untagged: bool,
}

/// One row of `tickets.csv`: the ticket as of as-of and its ownership history.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketSummary {
    pub ticket: usize,
    pub ticket_type: TicketType,
    pub severity: Option<String>,
    /// The first of the ticket's labels (at as-of, in the ticket's order) that is a product.
    pub product: Option<String>,
    pub created: Ts,
    /// The last move to done, when the ticket is done at as-of.
    pub resolved: Option<Ts>,
    /// The distinct staff assignees up to as-of, in order of first assignment (the assignee
    /// at creation first).
    pub owners: Vec<String>,
    pub handoffs: u64,
    /// The staff member with the most owned time up to as-of (ties: byte order); None when
    /// no staff member ever owned the ticket.
    pub primary_owner: Option<String>,
    /// 100 × the primary owner's owned time / all staff-owned time.
    pub primary_share_pct: Option<f64>,
    pub reopens: u64,
}

/// The ownership-continuity items of one ticket, or of every ticket of a report.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Continuity {
    pub handoffs: Vec<Handoff>,
    pub resolutions: Vec<Resolution>,
    pub reopens: Vec<Reopen>,
    pub owned_weeks: Vec<OwnedWeek>,
    pub tickets: Vec<TicketSummary>,
}

impl Continuity {
    /// Appends another ticket's items.
    pub fn extend(&mut self, other: Continuity) {
        append(&mut self.handoffs, other.handoffs);
        append(&mut self.resolutions, other.resolutions);
        append(&mut self.reopens, other.reopens);
        append(&mut self.owned_weeks, other.owned_weeks);
        append(&mut self.tickets, other.tickets);
    }
}

/// Every continuity item of one ticket up to as-of. `owned` is the ticket's ownership
/// intervals (`ticket_ownership`), passed in so they are computed once per ticket.
pub fn ticket_continuity(
    ctx: &TicketCtx,
    settings: &Settings,
    as_of: Ts,
    owned: &[Owned],
) -> Continuity {
    let Some(created) = ctx.ticket.created.filter(|c| *c <= as_of) else {
        return Continuity::default();
    };
    let tl = ctx.timeline;
    let tz = settings.team.timezone;
    let classes = ctx.status_classes(settings);
    let done_at = |t: Ts| ctx.status_class_at(settings, t).is_done();
    let is_staff = |id: &str| ctx.people.is_staff(id);
    let assignee_at = |t: Ts| tl.assignee_at(t).unwrap_or(UNASSIGNED).to_string();
    let mut out = Continuity::default();

    // Handoffs, and the staff owners in order of first assignment. Assignments made while
    // the ticket is done are no handoffs but still move "the last staff member".
    let mut owners: Vec<String> = Vec::new();
    let mut last_staff: Option<&str> = None;
    let initial = tl.assignee.initial.as_ref().map(|a| (created, a));
    let assignments = tl
        .assignee
        .changes
        .iter()
        .filter_map(|(t, a)| a.as_ref().map(|a| (*t, a)));
    for (t, a) in initial.into_iter().chain(assignments) {
        let id = a.id.as_str();
        if !is_staff(id) {
            continue;
        }
        if let Some(from) = last_staff.filter(|from| *from != id)
            && !done_at(t)
        {
            out.handoffs.push(Handoff {
                ticket: ctx.index,
                at: t,
                from: from.to_string(),
                to: id.to_string(),
                week: Week::of(t, tz),
            });
        }
        if !owners.iter().any(|o| o == id) {
            owners.push(id.to_string());
        }
        last_staff = Some(id);
    }

    // Moves to done and reopens, in one pass over the status changes; a second cursor over
    // the assignee changes keeps the staff assignees seen so far.
    let mut staff_seen: Vec<&str> = Vec::new();
    note_staff(&mut staff_seen, &tl.assignee.initial, ctx);
    let mut cursor = 0;
    let mut is_done = classes[0].is_done();
    // A ticket created already done counts as having become done at creation.
    let mut last_done: Option<(Ts, String)> = is_done.then(|| (created, assignee_at(created)));
    for ((t, _), class) in tl.status.changes.iter().zip(&classes[1..]) {
        let now_done = class.is_done();
        if now_done && !is_done {
            while let Some((_, a)) = tl.assignee.changes.get(cursor).filter(|(at, _)| at <= t) {
                note_staff(&mut staff_seen, a, ctx);
                cursor += 1;
            }
            let engineer = assignee_at(*t);
            out.resolutions.push(Resolution {
                ticket: ctx.index,
                at: *t,
                engineer: engineer.clone(),
                sole_owner: staff_seen == [engineer.as_str()],
                week: Week::of(*t, tz),
            });
            last_done = Some((*t, engineer));
        } else if !now_done && is_done {
            // Leaving done means the ticket became done before: at creation or by a move.
            let (done_at, engineer) = last_done
                .clone()
                .unwrap_or_else(|| (created, UNASSIGNED.to_string()));
            out.reopens.push(Reopen {
                ticket: ctx.index,
                at: *t,
                done_at,
                engineer,
                week: Week::of(*t, tz),
            });
        }
        is_done = now_done;
    }

    out.owned_weeks = owned_weeks(ctx, settings, as_of, owned);
    out.tickets
        .push(summary(ctx, settings, created, as_of, owned, &out, owners));
    out
}

/// The weeks each staff member owned the ticket, once per (week, person), by week then
/// person. Non-staff assignees own tickets too, but only staff get rows for it (as in
/// `Prepared::presence`).
fn owned_weeks(ctx: &TicketCtx, settings: &Settings, as_of: Ts, owned: &[Owned]) -> Vec<OwnedWeek> {
    let tz = settings.team.timezone;
    let mut weeks: BTreeMap<(Week, &str), bool> = BTreeMap::new();
    for o in owned.iter().filter(|o| ctx.people.is_staff(&o.person)) {
        let mut week = Week::of(o.start, tz);
        while week.start(tz) < o.end {
            let labels = labels_at_week_end(&ctx.timeline.labels, week.end(tz), as_of);
            let untagged = !labels.iter().any(|l| settings.products.contains(l));
            weeks.insert((week, o.person.as_str()), untagged);
            week = week.next();
        }
    }
    weeks
        .into_iter()
        .map(|((week, person), untagged)| OwnedWeek {
            ticket: ctx.index,
            person: person.to_string(),
            week,
            untagged,
        })
        .collect()
}

/// The labels in force at the end of a week: after every change dated before `end` (a
/// change at `end` itself belongs to the next week), or at as-of when that comes first.
fn labels_at_week_end(track: &Track<Vec<String>>, end: Ts, as_of: Ts) -> &Vec<String> {
    if as_of < end {
        return track.at(as_of);
    }
    match track.changes.partition_point(|(at, _)| *at < end) {
        0 => &track.initial,
        n => &track.changes[n - 1].1,
    }
}

/// Adds a staff assignee to the staff assignees seen so far.
fn note_staff<'a>(seen: &mut Vec<&'a str>, assignee: &'a Option<Assignee>, ctx: &TicketCtx) {
    if let Some(a) = assignee
        && ctx.people.is_staff(&a.id)
        && !seen.contains(&a.id.as_str())
    {
        seen.push(&a.id);
    }
}

fn summary(
    ctx: &TicketCtx,
    settings: &Settings,
    created: Ts,
    as_of: Ts,
    owned: &[Owned],
    items: &Continuity,
    owners: Vec<String>,
) -> TicketSummary {
    let tl = ctx.timeline;
    let mut staff_ms: BTreeMap<&str, i64> = BTreeMap::new();
    for o in owned.iter().filter(|o| ctx.people.is_staff(&o.person)) {
        *staff_ms.entry(o.person.as_str()).or_default() += (o.end - o.start).num_milliseconds();
    }
    let total: i64 = staff_ms.values().sum();
    // Strictly greater keeps the first in byte order among equals.
    let mut primary: Option<(&str, i64)> = None;
    for (person, ms) in &staff_ms {
        if primary.is_none_or(|(_, best)| *ms > best) {
            primary = Some((person, *ms));
        }
    }
    let primary = primary.filter(|_| total > 0);
    let done_now = ctx.status_class_at(settings, as_of).is_done();
    TicketSummary {
        ticket: ctx.index,
        ticket_type: ctx.ticket_type_at(settings, as_of),
        severity: tl.severity.at(as_of).as_deref().map(str::to_string),
        product: tl
            .labels
            .at(as_of)
            .iter()
            .find(|l| settings.products.contains(l))
            .cloned(),
        created,
        resolved: items.resolutions.last().map(|r| r.at).filter(|_| done_now),
        owners,
        handoffs: items.handoffs.len() as u64,
        primary_owner: primary.map(|(p, _)| p.to_string()),
        primary_share_pct: primary.map(|(_, ms)| 100.0 * ms as f64 / total as f64),
        reopens: items.reopens.len() as u64,
    }
}
