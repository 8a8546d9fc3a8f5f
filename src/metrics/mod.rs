//! From tickets to items and weekly rows (SPEC §4, §5). Each metric family turns one
//! ticket's timeline and events into items (`clocks`, `escalations`, `ownership` and
//! `handoffs`, `calls`, `timelog`, `wip`), and sums its items per engineer-week in a part of
//! the row shaped like every other (`sla`, `continuity`, `calls`, `timelog`, `wip`: an
//! accumulator, its `tally`, its `VALUES` by column); `weekly` joins the parts into rows.
//! Nothing here imports `report` or `cmd`: the outputs read what this module measures.

pub mod acc;
pub mod calls;
pub mod clocks;
pub mod columns;
pub mod continuity;
pub mod escalations;
pub mod feedback;
pub mod goals;
pub mod handoffs;
pub mod ownership;
pub mod people;
pub mod quality;
pub mod score;
pub mod seen;
pub mod sla;
pub mod status;
pub mod tally;
#[cfg(test)]
pub mod testkit;
pub mod timelog;
pub mod values;
pub mod weekly;
pub mod wip;

use std::borrow::Cow;
use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::model::{Ticket, Ts};
use crate::settings::{Settings, StatusClass, TicketType};
use crate::timeline::Timeline;
use crate::week::Week;

pub use clocks::{Clock, UNASSIGNED};
pub use escalations::{Escalation, EscalationClass};
pub use people::People;
pub use status::StatusMemo;

/// What every per-ticket computation needs: the ticket, its timeline (cut at as-of), who
/// is who, and the classes of the ticket's statuses once asked for.
pub struct TicketCtx<'a> {
    /// Position of the ticket in the report's whole ticket list (not only this run's or
    /// chunk's); items refer to tickets by it.
    pub index: usize,
    pub ticket: &'a Ticket,
    pub timeline: &'a Timeline,
    pub people: &'a People,
    /// See [`TicketCtx::status_classes`].
    status_classes: std::cell::OnceCell<Vec<StatusClass>>,
    /// See [`TicketCtx::ticket_type_at`].
    ticket_types: std::cell::OnceCell<Vec<TicketType>>,
}

impl TicketCtx<'_> {
    /// The class of each value of the timeline's status track, in [`Track::values`] order
    /// (so indexed by [`Track::position_at`]): classified once per ticket, however many
    /// families ask. `settings` is the report's, the same at every call.
    ///
    /// [`Track::values`]: crate::timeline::Track::values
    /// [`Track::position_at`]: crate::timeline::Track::position_at
    pub fn status_classes(&self, settings: &Settings) -> &[StatusClass] {
        self.status_classes.get_or_init(|| {
            let status = &self.timeline.status;
            status.values().map(|s| settings.status_class(s)).collect()
        })
    }

    /// The class of the status at instant t.
    pub fn status_class_at(&self, settings: &Settings, t: Ts) -> StatusClass {
        self.status_classes(settings)[self.timeline.status.position_at(t)]
    }

    /// The ticket type of the issue type at instant t: each value of the issue type track
    /// is looked up once per ticket (every clock asks at its start, and a ticket rarely
    /// changes type). `settings` is the report's, the same at every call.
    pub fn ticket_type_at(&self, settings: &Settings, t: Ts) -> TicketType {
        let track = &self.timeline.issue_type;
        let types = self
            .ticket_types
            .get_or_init(|| track.values().map(|v| settings.ticket_type(v)).collect());
        types[track.position_at(t)]
    }
}

/// Tickets a worker takes at once: large enough that merging the parts costs little, small
/// enough that both cores stay busy to the end.
const TICKETS_PER_TASK: usize = 256;

/// Every item of a report, over all tickets (not yet cut to the window).
#[derive(Debug, Default)]
pub struct Items {
    pub clocks: Vec<Clock>,
    pub escalations: Vec<Escalation>,
    pub owned: Vec<ownership::Owned>,
    pub continuity: handoffs::Continuity,
    pub wip_intervals: Vec<wip::WipInterval>,
    pub assignments: Vec<wip::Assignment>,
    pub calls: Vec<calls::Call>,
    pub logged: Vec<timelog::Logged>,
}

impl Items {
    /// Appends `later`'s items (of tickets after all of this one's) to each list.
    pub fn append(&mut self, later: Items) {
        let Items {
            clocks,
            escalations,
            owned,
            continuity,
            wip_intervals,
            assignments,
            calls,
            logged,
        } = later;
        append(&mut self.clocks, clocks);
        append(&mut self.escalations, escalations);
        append(&mut self.owned, owned);
        self.continuity.extend(continuity);
        append(&mut self.wip_intervals, wip_intervals);
        append(&mut self.assignments, assignments);
        append(&mut self.calls, calls);
        append(&mut self.logged, logged);
    }
}

/// Appends `later` to `list`; into an empty list it is moved whole rather than copied (the
/// first chunk's items are most of a report's memory, and copying them touched as much again).
pub(crate) fn append<T>(list: &mut Vec<T>, later: Vec<T>) {
    if list.is_empty() {
        *list = later;
    } else {
        list.extend(later);
    }
}

/// One kind of item of every run, in run order, in one vector with room for `room(items)`;
/// each run's vector is freed once moved.
fn join<T>(
    parts: &mut [Items],
    room: impl Fn(usize) -> usize,
    field: fn(&mut Items) -> &mut Vec<T>,
) -> Vec<T> {
    let total = parts.iter_mut().map(|p| field(p).len()).sum();
    let mut out = Vec::new();
    // The room is a guess from the first chunk's rate: a chunk far denser than the rest
    // could ask for more address space than the machine will give, and a refused
    // reservation must cost only the copies it would have spared, never the run.
    if out.try_reserve_exact(room(total)).is_err() {
        out.reserve_exact(total);
    }
    for part in parts {
        out.extend(std::mem::take(field(part)));
    }
    out
}

/// The tickets with their timelines and people, ready for the metric families.
pub struct Prepared<'a> {
    pub tickets: &'a [Ticket],
    /// The position of `tickets[0]` in the report's whole ticket list (not 0 for a chunk
    /// of a snapshot read in chunks).
    pub offset: usize,
    pub timelines: Vec<Timeline>,
    pub people: Cow<'a, People>,
    pub as_of: Ts,
}

impl<'a> Prepared<'a> {
    /// Builds every ticket's timeline (cut at as-of) and classifies people.
    pub fn new(settings: &Settings, tickets: &'a [Ticket], as_of: Ts) -> Prepared<'a> {
        Prepared::with_people(settings, tickets, as_of, None, 0)
    }

    /// As [`Prepared::new`] for `tickets` at `offset` in the whole list, with `people`
    /// already known when given (who is who across a whole snapshot of which `tickets` are
    /// a part): they are not classified again.
    pub fn with_people(
        settings: &Settings,
        tickets: &'a [Ticket],
        as_of: Ts,
        people: Option<&'a People>,
        offset: usize,
    ) -> Prepared<'a> {
        let timelines: Vec<Timeline> = tickets
            .par_iter()
            .with_min_len(TICKETS_PER_TASK)
            .map(|t| Timeline::build(t, &settings.types.severity_field, as_of))
            .collect();
        let people = match people {
            Some(p) => Cow::Borrowed(p),
            None => Cow::Owned(People::new(settings, tickets, &timelines)),
        };
        Prepared {
            tickets,
            offset,
            timelines,
            people,
            as_of,
        }
    }

    pub(crate) fn ctx(&self, index: usize) -> TicketCtx<'_> {
        let ticket = &self.tickets[index];
        TicketCtx {
            index: self.offset + index,
            ticket,
            timeline: &self.timelines[index],
            people: &self.people,
            status_classes: std::cell::OnceCell::new(),
            ticket_types: std::cell::OnceCell::new(),
        }
    }

    /// [`Prepared::ctx`] with the ticket's status classes found by `memo` (the run's).
    fn ctx_with(&self, index: usize, memo: &mut StatusMemo) -> TicketCtx<'_> {
        let ctx = self.ctx(index);
        let classes = memo.classes(&ctx.timeline.status);
        ctx.status_classes.get_or_init(|| classes);
        ctx
    }

    /// Runs every metric family over every ticket created by as-of. Tickets are
    /// independent, so they are shared out among the cores in runs of consecutive tickets;
    /// the runs' items are joined in ticket order, as a single pass would list them.
    pub fn items(&self, settings: &Settings) -> Items {
        self.items_with_room(settings, self.tickets.len())
    }

    /// [`Prepared::items`], in vectors with room for the items of `whole` tickets at these
    /// tickets' rate, and a sixteenth more: the first chunk of a report of `whole` tickets,
    /// which the later chunks' items are appended to. Room never filled is never written,
    /// so it takes address space, not memory; ownership stretches (read per chunk, then
    /// dropped) get none.
    pub fn items_with_room(&self, settings: &Settings, whole: usize) -> Items {
        let len = self.tickets.len();
        let room = |n: usize| {
            if whole <= len || len == 0 {
                return n;
            }
            let scaled = (n as u128 * whole as u128).div_ceil(len as u128);
            let scaled = usize::try_from(scaled).unwrap_or(usize::MAX);
            scaled.saturating_add(scaled / 16)
        };
        let exact = |n: usize| n;
        let indices: Vec<usize> = (0..self.tickets.len()).collect();
        let parts: Vec<Items> = indices
            .par_chunks(TICKETS_PER_TASK)
            .map(|run| {
                let mut items = Items::default();
                let mut memo = StatusMemo::new(settings);
                for &index in run {
                    self.ticket_items(settings, index, &mut memo, &mut items);
                }
                items
            })
            .collect();
        // Each kind of item is joined into a vector reserved whole up front, and each run's
        // vector is freed as soon as it is moved: at no time are all items held twice.
        let mut parts = parts;
        let continuity = handoffs::Continuity {
            handoffs: join(&mut parts, room, |p| &mut p.continuity.handoffs),
            resolutions: join(&mut parts, room, |p| &mut p.continuity.resolutions),
            reopens: join(&mut parts, room, |p| &mut p.continuity.reopens),
            owned_weeks: join(&mut parts, room, |p| &mut p.continuity.owned_weeks),
            tickets: join(&mut parts, room, |p| &mut p.continuity.tickets),
        };
        Items {
            clocks: join(&mut parts, room, |p| &mut p.clocks),
            escalations: join(&mut parts, room, |p| &mut p.escalations),
            owned: join(&mut parts, exact, |p| &mut p.owned),
            continuity,
            wip_intervals: join(&mut parts, room, |p| &mut p.wip_intervals),
            assignments: join(&mut parts, room, |p| &mut p.assignments),
            calls: join(&mut parts, room, |p| &mut p.calls),
            logged: join(&mut parts, room, |p| &mut p.logged),
        }
    }

    /// Appends one ticket's items of every family to `items`.
    fn ticket_items(
        &self,
        settings: &Settings,
        index: usize,
        memo: &mut StatusMemo,
        items: &mut Items,
    ) {
        // Tickets without a creation time, or created after as-of, have no items.
        if self.tickets[index].created.is_none_or(|c| c > self.as_of) {
            return;
        }
        let ctx = self.ctx_with(index, memo);
        let clocks = clocks::ticket_clocks(&ctx, settings, self.as_of);
        items.escalations.extend(escalations::ticket_escalations(
            &ctx, settings, &clocks, self.as_of,
        ));
        items.clocks.extend(clocks);
        let owned = ownership::ticket_ownership(&ctx, settings, self.as_of);
        items.continuity.extend(handoffs::ticket_continuity(
            &ctx, settings, self.as_of, &owned,
        ));
        items.owned.extend(owned);
        let wip = wip::ticket_wip(&ctx, settings, self.as_of);
        items.wip_intervals.extend(wip.intervals);
        items.assignments.extend(wip.assignments);
        items
            .calls
            .extend(calls::ticket_calls(&ctx, settings, self.as_of));
        items
            .logged
            .extend(timelog::ticket_timelog(&ctx, settings, self.as_of));
    }

    /// The (week, staff member) pairs of the window where the person owned a ticket at some
    /// instant, or authored a comment (by `created`) or a worklog (by `started`).
    pub fn presence(
        &self,
        settings: &Settings,
        items: &Items,
        window: &[Week],
    ) -> BTreeSet<(Week, String)> {
        let mut present = self.authoring(settings, window);
        present.extend(owning(&self.people, settings, items, window));
        present
    }

    /// The (week, staff member) pairs of the window where the person authored a comment (by
    /// `created`) or a worklog (by `started`) on one of these tickets.
    pub fn authoring(&self, settings: &Settings, window: &[Week]) -> BTreeSet<(Week, String)> {
        let tz = settings.team.timezone;
        let (Some(first), Some(last)) = (window.first(), window.last()) else {
            return BTreeSet::new();
        };
        let (from, to) = (first.start(tz), last.end(tz));
        // Found on every core with borrowed ids; each distinct (week, person) is copied once
        // at the end. A week lookup per comment and worklog.
        let mut seen: Vec<(Week, &str)> = self
            .tickets
            .par_iter()
            .with_min_len(TICKETS_PER_TASK)
            .flat_map_iter(|t| {
                let mut found = Vec::new();
                ticket_authoring(&self.people, t, tz, (from, to), self.as_of, &mut found);
                found
            })
            .collect();
        owned_pairs(&mut seen)
    }
}

/// Appends to `found` the (week, staff member) pairs of the window `[from, to)` where the
/// person authored a comment (by `created`) or a worklog (by `started`) on `ticket` at or
/// before as-of, each pair once. Tickets without a creation time have none.
pub(crate) fn ticket_authoring<'t>(
    people: &People,
    ticket: &'t Ticket,
    tz: chrono_tz::Tz,
    (from, to): (Ts, Ts),
    as_of: Ts,
    found: &mut Vec<(Week, &'t str)>,
) {
    if ticket.created.is_none() {
        return;
    }
    let first = found.len();
    let events = (ticket.comments.iter())
        .map(|c| (c.author.as_ref(), c.created))
        .chain(
            ticket
                .worklogs
                .iter()
                .map(|w| (w.author.as_ref(), w.started)),
        );
    for (author, at) in events {
        // The instant first: most events of a long report's tickets fall outside a short
        // window, and the staff test hashes the id.
        if at >= from && at < to && at <= as_of && people.is_staff_ref(author) {
            let id = author.map_or("", |p| p.id.as_str());
            found.push((Week::of(at, tz), id));
        }
    }
    // A ticket's many comments by one person in one week are one sighting.
    let mine = &mut found[first..];
    mine.sort_unstable();
    let kept = first + dedup_sorted(mine);
    found.truncate(kept);
}

/// Moves the distinct values of a sorted slice to its front; how many there are.
pub(crate) fn dedup_sorted<T: PartialEq + Copy>(sorted: &mut [T]) -> usize {
    let mut kept = 0;
    for i in 0..sorted.len() {
        if kept == 0 || sorted[i] != sorted[kept - 1] {
            sorted[kept] = sorted[i];
            kept += 1;
        }
    }
    kept
}

/// The (week, staff member) pairs of the window where the person owned a ticket at some
/// instant, by `items` (of any number of tickets).
pub fn owning(
    people: &People,
    settings: &Settings,
    items: &Items,
    window: &[Week],
) -> BTreeSet<(Week, String)> {
    let tz = settings.team.timezone;
    let (Some(first), Some(last)) = (window.first(), window.last()) else {
        return BTreeSet::new();
    };
    let (from, to) = (first.start(tz), last.end(tz));
    let mut seen: Vec<(Week, &str)> = items
        .owned
        .par_iter()
        .with_min_len(TICKETS_PER_TASK)
        .filter(|o| o.end > from && o.start < to && people.is_staff(&o.person))
        .flat_map_iter(|o| {
            let mut weeks = Vec::new();
            let mut week = Week::of(o.start.max(from), tz);
            while week <= *last && week.start(tz) < o.end {
                weeks.push((week, o.person.as_str()));
                week = week.next();
            }
            weeks
        })
        .collect();
    owned_pairs(&mut seen)
}

/// Distinct borrowed (week, person) pairs, each copied once.
pub(crate) fn owned_pairs(seen: &mut Vec<(Week, &str)>) -> BTreeSet<(Week, String)> {
    seen.par_sort_unstable();
    seen.dedup();
    seen.iter()
        .map(|(week, id)| (*week, id.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{settings, ticket, ts};

    /// Items with room for a whole report are the same items; each list (but the ownership
    /// stretches) has room for its length scaled from these 2 tickets to 6, and a sixteenth
    /// more, so appending two more chunks like it moves nothing.
    #[test]
    fn items_with_room_are_the_items_with_room_to_append() {
        let s = settings();
        let tickets = [
            ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
                .assigned_to("ann")
                .comment("2026-11-16T10:00", "ann", true)
                .status("2026-11-16T11:00", "Resolved")
                .build(),
            ticket("SUP-2", "Query", "Normal", "2026-11-17T09:00")
                .assigned_to("cat")
                .build(),
        ];
        let prepared = Prepared::new(&s, &tickets, ts("2026-11-20T00:00"));
        let (plain, roomy) = (
            prepared.items(&s),
            prepared.items_with_room(&s, 3 * tickets.len()),
        );
        assert_eq!(format!("{plain:?}"), format!("{roomy:?}"));
        assert_eq!(plain.clocks.len(), 3);
        assert_eq!(plain.clocks.capacity(), 3);
        // 3 clocks scaled to 6 tickets: 9, and 9 / 16 = 0 more.
        assert_eq!(roomy.clocks.capacity(), 9);
        assert_eq!(roomy.continuity.tickets.capacity(), 6);
        assert_eq!(roomy.owned.capacity(), roomy.owned.len());
        // No more tickets than these: exactly sized, as `items`.
        let exact = prepared.items_with_room(&s, 1);
        assert_eq!(exact.clocks.capacity(), 3);
    }

    /// Room the machine will not give (here more than any address space) is not asked
    /// for again: the items are joined in a vector of their own size, and the run goes on.
    #[test]
    fn room_refused_joins_the_items_exactly() {
        let s = settings();
        let tickets = [ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
            .assigned_to("ann")
            .comment("2026-11-16T10:00", "ann", true)
            .status("2026-11-16T11:00", "Resolved")
            .build()];
        let prepared = Prepared::new(&s, &tickets, ts("2026-11-20T00:00"));
        let mut parts = vec![prepared.items(&s), prepared.items(&s)];
        assert_eq!(parts[0].clocks.len(), 2);
        let joined = join(&mut parts, |_| usize::MAX / 2, |p| &mut p.clocks);
        assert_eq!(joined.len(), 4);
        assert_eq!(joined.capacity(), 4);
        assert!(parts.iter().all(|p| p.clocks.is_empty()));
    }

    /// The ticket types found once per ticket are those of the issue type at each instant,
    /// found by name: at creation, at and between changes (two at one instant), and after.
    #[test]
    fn ticket_types_once_match_the_lookup_by_name() {
        let s = settings();
        let t = ticket("SUP-1", "Query", "High", "2026-11-16T09:00")
            .issue_type("2026-11-16T10:00", "Query", "Incident")
            .issue_type("2026-11-16T11:00", "Incident", "Bug")
            .issue_type("2026-11-16T11:00", "Bug", " query ")
            .issue_type("2026-11-16T12:00", " query ", "INCIDENT")
            .build();
        let tickets = [t];
        let prepared = Prepared::new(&s, &tickets, ts("2026-11-17T00:00"));
        let ctx = prepared.ctx(0);
        assert_eq!(ctx.timeline.issue_type.changes.len(), 4);
        for at in [
            "09:00", "09:30", "10:00", "10:59", "11:00", "11:30", "12:00", "23:00",
        ] {
            let t = ts(&format!("2026-11-16T{at}"));
            let want = s.ticket_type(ctx.timeline.issue_type.at(t));
            assert_eq!(ctx.ticket_type_at(&s, t), want, "{at}");
        }
        let at = |hm: &str| ctx.ticket_type_at(&s, ts(&format!("2026-11-16T{hm}")));
        assert_eq!(at("09:00"), TicketType::Query);
        assert_eq!(at("10:30"), TicketType::Incident);
        assert_eq!(at("11:00"), TicketType::Query);
        assert_eq!(at("12:00"), TicketType::Incident);
    }

    /// The classes found once per ticket are those of the status at each instant, found
    /// by name: at creation, at and between changes (two at one instant), and after.
    #[test]
    fn status_classes_once_match_the_lookup_by_name() {
        let s = settings();
        let t = ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
            .status("2026-11-16T10:00", "In Progress")
            .status("2026-11-16T11:00", "Waiting for Customer")
            .status("2026-11-16T11:00", "Resolved")
            .status("2026-11-16T12:00", "Nowhere listed")
            .build();
        let tickets = [t];
        let prepared = Prepared::new(&s, &tickets, ts("2026-11-17T00:00"));
        let ctx = prepared.ctx(0);
        let by_name: Vec<StatusClass> = (ctx.timeline.status.values())
            .map(|v| s.status_class(v))
            .collect();
        assert_eq!(ctx.status_classes(&s), by_name);
        assert_eq!(by_name.len(), 5);
        for at in [
            "09:00", "09:30", "10:00", "10:59", "11:00", "11:30", "12:00", "23:00",
        ] {
            let t = ts(&format!("2026-11-16T{at}"));
            let want = s.status_class(ctx.timeline.status.at(t));
            assert_eq!(ctx.status_class_at(&s, t), want, "{at}");
        }
        assert_eq!(
            ctx.status_class_at(&s, ts("2026-11-16T11:00")),
            StatusClass::Done
        );
    }
}
