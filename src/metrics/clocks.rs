//! SLA clocks (SPEC §4): ack clocks, started at creation and at every reopen, and update
//! gaps, started by public staff comments and entries into waiting_on_us. One sweep over a
//! ticket's events in the order they apply produces every clock of the ticket.

use crate::metrics::TicketCtx;
use crate::model::{Short, Ts, id_order};
use crate::settings::{ClockKind, ClockMode, Settings, StatusClass, TicketType};
use crate::week::Week;

/// The responsible person when a ticket had no assignee.
pub const UNASSIGNED: &str = "(unassigned)";

/// One SLA clock with its evidence: a row of `clocks.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    /// Index of the ticket in the report's ticket list.
    pub ticket: usize,
    pub kind: ClockKind,
    pub ticket_type: TicketType,
    pub severity: Option<Short>,
    pub start: Ts,
    /// None when the calendar never opens, so the target can never be reached.
    pub deadline: Option<Ts>,
    pub end: Ts,
    /// Ended by an event that settles it: for an ack clock the first public staff comment;
    /// for an update gap the next public staff comment or leaving waiting_on_us. A clock
    /// ended by as-of, or an ack clock ended by a move to done, is not stopped.
    pub stopped: bool,
    /// Seconds (with milliseconds) on the SLA clock between start and end.
    pub elapsed_sla_ms: i64,
    pub target_secs: i64,
    pub clock: ClockMode,
    pub breached: bool,
    pub engineer: Short,
    pub week: Week,
}

impl Clock {
    /// Decided clocks count in the aggregates: stopped or breached.
    pub fn decided(&self) -> bool {
        self.stopped || self.breached
    }

    /// Wall-clock latency in milliseconds (ack clocks: the sample when stopped).
    pub fn latency_ms(&self) -> i64 {
        (self.end - self.start).num_milliseconds()
    }

    /// True while the clock runs at `t`: from its start until, not including, its end.
    pub fn running_at(&self, t: Ts) -> bool {
        self.start <= t && t < self.end
    }
}

/// A clock being timed: what is known at its start.
#[derive(Debug, Clone)]
struct Open {
    start: Ts,
    ticket_type: TicketType,
    severity: Option<Short>,
    target: i64,
    clock: ClockMode,
    deadline: Option<Ts>,
}

/// The deadline of a target started at `start` on the given SLA clock; None (never) when
/// it would fall beyond the dates chrono holds. The configuration bounds targets to a year
/// and the input bounds dates, so that takes a target or date from no real file.
pub fn deadline(settings: &Settings, clock: ClockMode, start: Ts, target: i64) -> Option<Ts> {
    match clock {
        ClockMode::TwentyFourSeven => {
            chrono::Duration::try_seconds(target).and_then(|d| start.checked_add_signed(d))
        }
        ClockMode::Business => settings.calendar.deadline(start, target),
    }
}

/// Milliseconds between `a` and `b` on the given SLA clock.
pub fn elapsed_ms(settings: &Settings, clock: ClockMode, a: Ts, b: Ts) -> i64 {
    match clock {
        ClockMode::TwentyFourSeven => (b - a).num_milliseconds().max(0),
        ClockMode::Business => settings.calendar.elapsed_ms(a, b),
    }
}

fn open(ctx: &TicketCtx, settings: &Settings, kind: ClockKind, start: Ts) -> Option<Open> {
    let ticket_type = ctx.ticket_type_at(settings, start);
    let severity = ctx.timeline.severity.at(start).clone();
    let table = settings.sla.get(&(kind, ticket_type))?;
    let target = table.target(severity.as_deref())?;
    Some(Open {
        start,
        ticket_type,
        severity,
        target,
        clock: table.clock,
        deadline: deadline(settings, table.clock, start, target),
    })
}

fn close(
    ctx: &TicketCtx,
    settings: &Settings,
    kind: ClockKind,
    o: Open,
    end: Ts,
    stopped_by: Option<&str>,
    stopped: bool,
) -> Clock {
    let breached = o.deadline.is_some_and(|d| end > d);
    let at = o.deadline.map_or(end, |d| d.min(end));
    let engineer = Short::from(
        stopped_by.unwrap_or_else(|| ctx.timeline.assignee_at(at).unwrap_or(UNASSIGNED)),
    );
    Clock {
        ticket: ctx.index,
        kind,
        ticket_type: o.ticket_type,
        severity: o.severity,
        start: o.start,
        deadline: o.deadline,
        end,
        stopped,
        elapsed_sla_ms: elapsed_ms(settings, o.clock, o.start, end),
        target_secs: o.target,
        clock: o.clock,
        breached,
        engineer,
        week: Week::of(o.start, settings.team.timezone),
    }
}

/// One thing that happens to a ticket, in the order SPEC §1 applies them.
enum Event<'a> {
    /// A status change of one changelog item, to a status of the class given.
    Status(Ts, StatusClass),
    /// A public comment by a staff member.
    StaffComment(Ts, &'a str),
}

/// Every clock of one ticket, up to as-of, in order of start.
pub fn ticket_clocks(ctx: &TicketCtx, settings: &Settings, as_of: Ts) -> Vec<Clock> {
    let ticket = ctx.ticket;
    let Some(created) = ticket.created else {
        return Vec::new();
    };
    if created > as_of
        || ticket
            .resolution
            .as_deref()
            .is_some_and(|r| settings.is_excluded_resolution(r))
    {
        return Vec::new();
    }
    let mut comments: Vec<_> = ticket
        .comments
        .iter()
        .filter(|c| c.created <= as_of && c.public)
        .filter(|c| ctx.people.is_staff_ref(c.author.as_ref()))
        .collect();
    comments.sort_by(|a, b| {
        a.created
            .cmp(&b.created)
            .then_with(|| id_order(&a.id, &b.id))
    });
    // Changelog first, then comments, at equal instants: a stable merge keeps both orders.
    let mut events: Vec<Event> = Vec::new();
    // The timeline's status track holds exactly the changelog's status items up to as-of,
    // in applied order: read there, not found again among every item.
    let classes = ctx.status_classes(settings);
    let status_changes = (ctx.timeline.status.changes.iter())
        .zip(&classes[1..])
        .map(|((at, _), class)| Event::Status(*at, *class));
    let mut comment_events = comments
        .iter()
        .map(|c| {
            let author = c.author.as_ref().map_or("", |p| p.id.as_str());
            Event::StaffComment(c.created, author)
        })
        .peekable();
    for s in status_changes {
        let Event::Status(at, ..) = s else { continue };
        while let Some(Event::StaffComment(ct, _)) = comment_events.peek() {
            if *ct < at {
                events.push(comment_events.next().expect("peeked"));
            } else {
                break;
            }
        }
        events.push(s);
    }
    events.extend(comment_events);

    let mut out = Vec::new();
    let mut status = classes[0];
    // Ack clocks running now. Normally at most one; a ticket created already done and then
    // reopened before any response has two, and the SPEC ends each by its own rule.
    let mut acks: Vec<Open> = open(ctx, settings, ClockKind::Ack, created)
        .into_iter()
        .collect();
    let mut gap: Option<Open> = None;
    for ev in events {
        match ev {
            Event::Status(at, next) => {
                let prev = status;
                status = next;
                if !prev.is_done() && next.is_done() {
                    for o in acks.drain(..) {
                        out.push(close(ctx, settings, ClockKind::Ack, o, at, None, false));
                    }
                }
                if prev.is_done() && !next.is_done() {
                    acks.extend(open(ctx, settings, ClockKind::Ack, at));
                }
                if prev.is_waiting_on_us()
                    && !next.is_waiting_on_us()
                    && let Some(o) = gap.take()
                {
                    push_gap(&mut out, ctx, settings, o, at);
                }
                if !prev.is_waiting_on_us()
                    && next.is_waiting_on_us()
                    && acks.is_empty()
                    && gap.is_none()
                {
                    gap = open(ctx, settings, ClockKind::Update, at);
                }
            }
            Event::StaffComment(at, author) => {
                let (stopping, running): (Vec<Open>, Vec<Open>) =
                    acks.drain(..).partition(|o| at >= o.start);
                acks = running;
                for o in stopping {
                    out.push(close(
                        ctx,
                        settings,
                        ClockKind::Ack,
                        o,
                        at,
                        Some(author),
                        true,
                    ));
                }
                if let Some(o) = gap.take() {
                    push_gap(&mut out, ctx, settings, o, at);
                }
                if status.is_waiting_on_us() && acks.is_empty() {
                    gap = open(ctx, settings, ClockKind::Update, at);
                }
            }
        }
    }
    for o in acks {
        out.push(close(ctx, settings, ClockKind::Ack, o, as_of, None, false));
    }
    if let Some(o) = gap.take()
        && as_of > o.start
    {
        out.push(close(
            ctx,
            settings,
            ClockKind::Update,
            o,
            as_of,
            None,
            false,
        ));
    }
    out.sort_by(|a, b| a.start.cmp(&b.start).then(a.kind.cmp(&b.kind)));
    out
}

/// Closes an update gap ended by an event; gaps of zero length are not items. A gap's
/// responsible person is always the assignee at min(end, deadline), even when a comment
/// ended it.
fn push_gap(out: &mut Vec<Clock>, ctx: &TicketCtx, settings: &Settings, o: Open, end: Ts) {
    if end > o.start {
        out.push(close(ctx, settings, ClockKind::Update, o, end, None, true));
    }
}
