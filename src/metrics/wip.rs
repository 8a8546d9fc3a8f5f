//! Work in progress (SPEC §4, handbook: no pre-booking, no parallel In-Progress). Per
//! ticket: the intervals during which the ticket is in progress for its assignee, and the
//! assignments of staff members with whether each was prebooked. Across tickets: one sweep
//! per person over all interval endpoints fills `max_wip`, `multi_wip_hours` and the hours
//! the score's `wip` component needs, week by week in the team's zone.
//!
//! Decisions where the contract is silent:
//! - An in-progress interval counts for whoever is the assignee, as the SLA clocks credit
//!   whoever is the assignee; only assignments are limited to staff, as SPEC §4 says.
//! - Same-instant assignee changes count by the value they leave at that instant (the
//!   timeline's rule), so A → B → A within one instant is no assignment of B nor of A.
//! - Prebooking is judged over the closed window [start, start + prebook_after]: a move to
//!   In Progress (or a reassignment) exactly at start + prebook_after breaks it. A window
//!   that ends after as-of cannot be judged and is not prebooked; one ending exactly at
//!   as-of is judged.
//! - The team row takes the largest `max_wip` of the week's rows and sums the hours of all
//!   rows: hours two tickets ran in parallel for one person, added over persons.

use std::collections::{BTreeSet, HashMap};

use chrono_tz::Tz;

use crate::metrics::TicketCtx;
use crate::metrics::columns::Col;
use crate::metrics::tally::{FastHash, Rows, Value, count};
use crate::model::{Short, Ts};
use crate::settings::Settings;
use crate::timeline::Track;
use crate::week::{Week, WeekBounds};

const MS_PER_HOUR: f64 = 3_600_000.0;

/// One stretch [start, end) during which a ticket is in progress for its assignee.
#[derive(Debug, Clone, PartialEq)]
pub struct WipInterval {
    /// Index of the ticket in the report's ticket list.
    pub ticket: usize,
    /// The assignee's person id.
    pub person: Short,
    pub start: Ts,
    pub end: Ts,
}

/// A staff member becoming a ticket's assignee, with the prebooking verdict.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Index of the ticket in the report's ticket list.
    pub ticket: usize,
    /// The new assignee's person id.
    pub person: Short,
    pub start: Ts,
    /// The person stayed assignee and the status waiting_on_us but not in_progress for the
    /// whole of [start, start + prebook_after], a window ending at or before as-of.
    pub prebooked: bool,
    /// The week of the start, team zone.
    pub week: Week,
}

/// The work-in-progress items of one ticket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TicketWip {
    /// In time order.
    pub intervals: Vec<WipInterval>,
    /// In time order.
    pub assignments: Vec<Assignment>,
}

/// The in-progress intervals and the assignments of one ticket, up to as-of.
pub fn ticket_wip(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> TicketWip {
    let Some(created) = ctx.ticket.created.filter(|c| *c <= as_of) else {
        return TicketWip::default();
    };
    TicketWip {
        intervals: intervals(ctx, settings, created, as_of),
        assignments: assignments(ctx, settings, created, as_of),
    }
}

fn intervals(ctx: &TicketCtx, settings: &Settings, created: Ts, as_of: Ts) -> Vec<WipInterval> {
    let classes = ctx.status_classes(settings);
    (ctx.timeline)
        .assignee_stretches_by(created, as_of, |i| classes[i].is_in_progress())
        .into_iter()
        .map(|(person, start, end)| WipInterval {
            ticket: ctx.index,
            person: person.into(),
            start,
            end,
        })
        .collect()
}

fn assignments(ctx: &TicketCtx, settings: &Settings, created: Ts, as_of: Ts) -> Vec<Assignment> {
    let tl = ctx.timeline;
    // (instant, assignee before it, assignee at it): creation first, then each instant
    // with assignee changes, taken by the value it leaves (SPEC §1 "at instant t").
    let mut steps: Vec<(Ts, Option<&str>, Option<&str>)> =
        vec![(created, None, tl.assignee_at(created))];
    let mut before = tl.assignee_at(created);
    for (at, _) in &tl.assignee.changes {
        if *at <= created || *at > as_of || steps.last().is_some_and(|s| s.0 == *at) {
            continue;
        }
        let now = tl.assignee_at(*at);
        steps.push((*at, before, now));
        before = now;
    }
    steps
        .into_iter()
        .filter_map(|(at, before, now)| {
            let person = now.filter(|p| Some(*p) != before && ctx.people.is_staff(p))?;
            Some(Assignment {
                ticket: ctx.index,
                person: person.into(),
                start: at,
                prebooked: prebooked(ctx, settings, person, at, as_of),
                week: Week::of(at, settings.team.timezone),
            })
        })
        .collect()
}

/// True when, at every instant of [start, start + prebook_after] (ending at or before
/// as-of), `person` is the assignee and the status is waiting_on_us but not in_progress.
fn prebooked(ctx: &TicketCtx, settings: &Settings, person: &str, start: Ts, as_of: Ts) -> bool {
    // A window ending beyond the dates chrono holds never ends by as-of.
    let Some(end) = chrono::Duration::try_seconds(settings.prebook_after)
        .and_then(|d| start.checked_add_signed(d))
        .filter(|end| *end <= as_of)
    else {
        return false;
    };
    let tl = ctx.timeline;
    let holds = |t: Ts| {
        let class = ctx.status_class_at(settings, t);
        tl.assignee_at(t) == Some(person) && class.is_waiting_on_us() && !class.is_in_progress()
    };
    // The fields are constant between changes, so checking the start and every change
    // instant in (start, end] checks the whole closed window.
    holds(start)
        && changes_within(&tl.status, start, end).all(holds)
        && changes_within(&tl.assignee, start, end).all(holds)
}

/// The instants of a track's changes in (from, to].
fn changes_within<T: Clone>(track: &Track<T>, from: Ts, to: Ts) -> impl Iterator<Item = Ts> {
    let first = track.changes.partition_point(|(at, _)| *at <= from);
    track.changes[first..]
        .iter()
        .map(|(at, _)| *at)
        .take_while(move |at| *at <= to)
}

/// The work-in-progress figures of one (week, person) row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WipAcc {
    /// The most tickets in progress for the person at one instant of the week.
    pub max_wip: u64,
    /// Milliseconds of the week with two or more tickets in progress.
    pub multi_wip_ms: i64,
    /// Milliseconds of the week with exactly one ticket in progress.
    pub one_ms: i64,
    /// Milliseconds of the week with at least one ticket in progress.
    pub any_ms: i64,
    /// Assignments that started in the week.
    pub assignments: u64,
    /// Of those, the prebooked ones.
    pub prebooked: u64,
}

impl WipAcc {
    /// Credits `ms` milliseconds (> 0) during which the person had `count` (> 0) tickets in
    /// progress.
    fn credit(&mut self, count: i64, ms: i64) {
        self.max_wip = self.max_wip.max(count as u64);
        self.any_ms += ms;
        if count == 1 {
            self.one_ms += ms;
        } else {
            self.multi_wip_ms += ms;
        }
    }

    /// Folds another row in: the team row takes the largest `max_wip` and sums the rest.
    pub fn merge(&mut self, other: &WipAcc) {
        self.max_wip = self.max_wip.max(other.max_wip);
        self.multi_wip_ms += other.multi_wip_ms;
        self.one_ms += other.one_ms;
        self.any_ms += other.any_ms;
        self.assignments += other.assignments;
        self.prebooked += other.prebooked;
    }

    /// `multi_wip_hours`.
    pub fn multi_wip_hours(&self) -> f64 {
        self.multi_wip_ms as f64 / MS_PER_HOUR
    }

    /// Hours with exactly one ticket in progress.
    pub fn one_hours(&self) -> f64 {
        self.one_ms as f64 / MS_PER_HOUR
    }

    /// Hours with at least one ticket in progress.
    pub fn any_hours(&self) -> f64 {
        self.any_ms as f64 / MS_PER_HOUR
    }

    /// The score's `wip` component: 100 × one_hours / any_hours; None without samples.
    pub fn wip_pct(&self) -> Option<f64> {
        (self.any_ms > 0).then(|| 100.0 * self.one_ms as f64 / self.any_ms as f64)
    }
}

/// The weekly columns of this family, each read from a row's `WipAcc`.
pub const VALUES: &[Value<WipAcc>] = &[
    (Col::MaxWip, |a| count(a.max_wip)),
    (Col::MultiWipHours, |a| Some(a.multi_wip_hours())),
    (Col::Assignments, |a| count(a.assignments)),
    (Col::Prebooked, |a| count(a.prebooked)),
];

/// Adds the items of the window's weeks to their rows. Intervals of all tickets are swept
/// once per person (endpoints sorted, O(n log n)); each stretch of constant count is cut
/// at the week boundaries of the team zone `tz`, where weeks around DST are 167 or 169
/// hours long. Assignments count in the week they start.
pub fn tally<'a>(
    intervals: &'a [WipInterval],
    assignments: &'a [Assignment],
    weeks: &BTreeSet<Week>,
    tz: Tz,
    rows: &mut impl Rows<'a, WipAcc>,
) {
    for a in assignments.iter().filter(|a| weeks.contains(&a.week)) {
        let acc = rows.row(a.week, a.person.as_str());
        acc.assignments += 1;
        if a.prebooked {
            acc.prebooked += 1;
        }
    }
    let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
        return;
    };
    // The bounds of every week from the first to the last, found once; a week between them
    // that is not in `weeks` is swept over but credits nothing.
    let bounds = WeekBounds::new(*first, *last, tz);
    let counted: Vec<bool> = (0..bounds.len())
        .map(|k| weeks.contains(&bounds.week(k)))
        .collect();
    let (from, to) = (bounds.start(0), bounds.start(bounds.len()));
    // Endpoints per person: +1 at a start, -1 at an end. Each person's rows are keyed by
    // (week, person), so the order people are swept in does not matter.
    let mut by_person: HashMap<&str, Vec<(Ts, i64)>, FastHash> = HashMap::default();
    for i in intervals.iter().filter(|i| i.start < to && i.end > from) {
        let points = by_person.entry(i.person.as_str()).or_default();
        points.push((i.start, 1));
        points.push((i.end, -1));
    }
    let weeks = Weeks {
        bounds: &bounds,
        counted: &counted,
    };
    // One person's figures by week position, summed over their stretches and written to
    // the rows once per week touched, instead of a row lookup per stretch.
    let mut own: Vec<Option<WipAcc>> = vec![None; bounds.len()];
    for (person, mut points) in by_person {
        for (at, next, count) in stretches(&mut points) {
            if count > 0 {
                credit(&mut own, &weeks, count, at.max(from), next.min(to));
            }
        }
        for (k, acc) in own.iter_mut().enumerate() {
            if let Some(acc) = acc.take() {
                rows.row(bounds.week(k), person).merge(&acc);
            }
        }
    }
}

/// One person's endpoints (+1 at a start, -1 at an end) as stretches of constant count:
/// (from, to, tickets in progress), in time order. Ends sort before starts at one
/// instant, so [a, t) and [t, b) never overlap: the count is read only after every
/// endpoint of an instant, so it is the count at t.
fn stretches(points: &mut [(Ts, i64)]) -> impl Iterator<Item = (Ts, Ts, i64)> + '_ {
    points.sort_unstable();
    let points = &*points;
    let mut count = 0i64;
    let mut k = 0;
    std::iter::from_fn(move || {
        let at = points.get(k)?.0;
        while k < points.len() && points[k].0 == at {
            count += points[k].1;
            k += 1;
        }
        points.get(k).map(|&(next, _)| (at, next, count))
    })
}

/// The weeks a sweep cuts stretches at: their bounds, and which of them are counted.
struct Weeks<'w> {
    bounds: &'w WeekBounds,
    counted: &'w [bool],
}

/// Credits [a, b), during which one person had `count` (≥ 1) tickets in progress, to the
/// weeks it touches: `own[k]` is that person's row of the `k`-th week, made when first
/// credited (a row exists only where some time was credited).
fn credit(own: &mut [Option<WipAcc>], weeks: &Weeks, count: i64, a: Ts, b: Ts) {
    let bounds = weeks.bounds;
    let Some(mut k) = bounds.index_of(a) else {
        return;
    };
    while k < bounds.len() && bounds.start(k) < b {
        let (start, end) = (bounds.start(k), bounds.start(k + 1));
        let ms = (b.min(end) - a.max(start)).num_milliseconds();
        if ms > 0 && weeks.counted[k] {
            own[k].get_or_insert_with(WipAcc::default).credit(count, ms);
        }
        k += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::tally::Tally;
    use proptest::prelude::*;

    /// The sweep as it was: every stretch credited to its weeks' rows directly.
    fn tally_by_stretch<'a>(
        intervals: &'a [WipInterval],
        weeks: &BTreeSet<Week>,
        tz: Tz,
        rows: &mut Tally<'a, WipAcc>,
    ) {
        let (Some(first), Some(last)) = (weeks.first(), weeks.last()) else {
            return;
        };
        let bounds = WeekBounds::new(*first, *last, tz);
        let (from, to) = (bounds.start(0), bounds.start(bounds.len()));
        let mut by_person: HashMap<&str, Vec<(Ts, i64)>> = HashMap::new();
        for i in intervals.iter().filter(|i| i.start < to && i.end > from) {
            let points = by_person.entry(i.person.as_str()).or_default();
            points.push((i.start, 1));
            points.push((i.end, -1));
        }
        for (person, mut points) in by_person {
            for (at, next, count) in stretches(&mut points) {
                let (a, b) = (at.max(from), next.min(to));
                let Some(mut w) = bounds.index_of(a).filter(|_| count > 0) else {
                    continue;
                };
                while w < bounds.len() && bounds.start(w) < b {
                    let ms =
                        (b.min(bounds.start(w + 1)) - a.max(bounds.start(w))).num_milliseconds();
                    if ms > 0 && weeks.contains(&bounds.week(w)) {
                        rows.entry((bounds.week(w), person))
                            .or_default()
                            .credit(count, ms);
                    }
                    w += 1;
                }
            }
        }
    }

    proptest! {
        /// Per-person sums written once per week give the rows stretch-by-stretch crediting
        /// gives: over intervals of three people across five London weeks (one with a DST
        /// change), some outside them, many sharing instants, and a window with a gap.
        #[test]
        fn summed_per_person_is_the_sweep_by_stretch(
            raw in prop::collection::vec((0usize..3, 0i64..400, 0i64..120), 0..40),
            gap in any::<bool>(),
        ) {
            let tz = chrono_tz::Europe::London;
            let people = ["ann", "bob", "cat"];
            let base = crate::metrics::testkit::ts("2026-10-05T00:00");
            let hours = |h: i64| base + chrono::Duration::minutes(h * 150);
            let intervals: Vec<WipInterval> = raw
                .iter()
                .enumerate()
                .map(|(n, &(p, start, len))| WipInterval {
                    ticket: n,
                    person: people[p].into(),
                    start: hours(start - 60),
                    end: hours(start - 60 + len),
                })
                .filter(|i| i.start < i.end)
                .collect();
            let first: Week = "2026-W41".parse().unwrap();
            let mut weeks: BTreeSet<Week> = (0..5)
                .scan(first, |w, _| {
                    let this = *w;
                    *w = w.next();
                    Some(this)
                })
                .collect();
            if gap {
                weeks.remove(&"2026-W43".parse().unwrap());
            }
            let mut fast: Tally<WipAcc> = Tally::new();
            tally(&intervals, &[], &weeks, tz, &mut fast);
            let mut slow: Tally<WipAcc> = Tally::new();
            tally_by_stretch(&intervals, &weeks, tz, &mut slow);
            prop_assert_eq!(fast, slow);
        }
    }
}
