//! The measure stage (SPEC §4–§5): tickets, settings and a window in, typed results out —
//! the window's items, the weekly rows as values, feedback points, goals, data problems,
//! the tickets the window sees, and who is who. Every output (the CSVs, the charts, the
//! pages, `query`, mail) reads these values; none of them computes a number or reads
//! another output's bytes back.
//!
//! [`measure`] measures the whole team; [`Measured::scoped`] cuts a team's results to one
//! engineer as a self-review shows them (`scope`).

mod checks;
mod order;
mod scope;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::sync::Arc;

use rayon::prelude::*;

use crate::error::Failure;
use crate::metrics::calls::Call;
use crate::metrics::feedback::{self, Point};
use crate::metrics::goals::{self, GoalRow};
use crate::metrics::handoffs::{Handoff, TicketSummary};
use crate::metrics::quality::Problem;
use crate::metrics::values::WeeklyValues;
use crate::metrics::{self, Clock, Escalation, Items, People, Prepared, quality, weekly};
use crate::model::{Ticket, Ts};
use crate::progress::Progress;
use crate::settings::Settings;
use crate::snapshot::{Gone, Selected};
use crate::week::{self, Week};

/// The weeks a report covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Window {
    /// The window's weeks, oldest first; never empty when made by [`Window::new`].
    pub weeks: Vec<Week>,
}

impl Window {
    /// `weeks` weeks ending with `last`, or by default with the last week that ended at or
    /// before `as_of` in `tz`. No week at all is a usage error (exit 2).
    pub fn new(
        last: Option<Week>,
        weeks: u32,
        as_of: Ts,
        tz: chrono_tz::Tz,
    ) -> anyhow::Result<Window> {
        if weeks == 0 {
            return Err(Failure::usage("--weeks must be at least 1").into());
        }
        let last = last.unwrap_or_else(|| week::last_complete_week(as_of, tz));
        Ok(Window {
            weeks: week::window(last, weeks),
        })
    }

    /// The window's last week: the report's folder name and the week mail speaks of.
    pub fn last(&self) -> Option<Week> {
        self.weeks.last().copied()
    }

    /// Whether `week` is one of the window's.
    pub fn contains(&self, week: Week) -> bool {
        self.weeks.binary_search(&week).is_ok()
    }
}

/// Everything measured for a report, cut to its window; in a self-review, cut to the
/// engineer with other people hidden ([`Measured::scoped`]). Items refer to tickets by
/// their index in [`Measured::tickets`]; lists are in the order their CSVs list them.
#[derive(Debug, Clone)]
pub struct Measured {
    pub window: Window,
    /// The instant the data describes.
    pub as_of: Ts,
    /// The engineer of a self-review; None for the whole team.
    pub engineer: Option<String>,
    /// Every ticket read, their events released: keys, types and fields only.
    pub tickets: Arc<Vec<Ticket>>,
    pub people: Arc<People>,
    /// The weekly rows as aggregated (the weekly CSVs are rendered from these).
    pub weekly: weekly::Weekly,
    /// The same rows as the numbers the weekly CSVs write.
    pub values: WeeklyValues,
    /// The engineers among the people of the rows: staff who are not leads (SPEC §1), the
    /// people who get a page of their own.
    pub engineers: BTreeSet<String>,
    /// The rows of `goals.csv`.
    pub goals: Vec<GoalRow>,
    /// The rows of `feedback.csv`.
    pub feedback: Vec<Point>,
    /// The window's clocks, by start, ticket key, kind.
    pub clocks: Vec<Clock>,
    /// Every escalation measured, in or out of the window: whether a breached clock was
    /// escalated before its deadline looks at all of them.
    pub all_escalations: Arc<Vec<Escalation>>,
    /// The window's escalations, by time, then ticket key.
    pub escalations: Vec<Escalation>,
    /// The window's handoffs, by time, then ticket key.
    pub handoffs: Vec<Handoff>,
    /// One summary per ticket the window sees, in ticket order.
    pub summaries: Vec<TicketSummary>,
    /// The window's calls, in ticket order.
    pub calls: Vec<Call>,
    /// The rows of `data_quality.csv`.
    pub problems: Vec<Problem>,
}

impl Default for Measured {
    /// Nothing measured: an empty window, no rows, no items.
    fn default() -> Measured {
        Measured {
            window: Window::default(),
            as_of: Ts::default(),
            engineer: None,
            tickets: Arc::default(),
            people: Arc::default(),
            weekly: weekly::Weekly {
                engineers: Vec::new(),
                team: Vec::new(),
            },
            values: WeeklyValues::default(),
            engineers: BTreeSet::new(),
            goals: Vec::new(),
            feedback: Vec::new(),
            clocks: Vec::new(),
            all_escalations: Arc::default(),
            escalations: Vec::new(),
            handoffs: Vec::new(),
            summaries: Vec::new(),
            calls: Vec::new(),
            problems: Vec::new(),
        }
    }
}

impl Measured {
    /// Lines worth a warning on stderr (unknown statuses), each once, sorted.
    pub fn warnings(&self) -> Vec<String> {
        let mut warnings: Vec<String> = self
            .problems
            .iter()
            .filter(|p| p.problem == quality::UNKNOWN_STATUS)
            .map(|p| p.detail.clone())
            .collect();
        warnings.sort();
        warnings.dedup();
        warnings
    }
}

/// What a measurement is asked for, beside the tickets and the settings.
#[derive(Debug)]
pub struct Request<'a> {
    pub window: &'a Window,
    /// The instant the data describes.
    pub as_of: Ts,
    /// Tickets the last full export no longer found in JIRA.
    pub gone: &'a [Gone],
    /// Who is who across the whole snapshot, when the tickets are only the part of it the
    /// window sees (the tickets left out still name people), or come in chunks; `None`:
    /// from the tickets, which must then come at once.
    pub whole_people: Option<People>,
    /// The engineer a self-review will be cut to.
    pub review: Option<&'a str>,
}

/// The tickets a report measures: all in memory, or a snapshot handing them out a chunk
/// at a time (see `snapshot::Chunks`; the caller holds the folder's lock until measured).
pub enum Input {
    Tickets(Vec<Ticket>),
    Chunks(Box<Selected>),
}

impl From<Vec<Ticket>> for Input {
    fn from(tickets: Vec<Ticket>) -> Input {
        Input::Tickets(tickets)
    }
}

impl Input {
    /// How many tickets are measured.
    pub fn len(&self) -> usize {
        match self {
            Input::Tickets(t) => t.len(),
            Input::Chunks(s) => s.len(),
        }
    }

    /// Whether there is no ticket to measure.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Measures the whole team's tickets from `input` as `request` asks, saying each step to
/// `progress`. `request.review` is checked first: an id nobody has is a usage error
/// before anything is measured. Tickets are taken a chunk at a time (all at once from
/// memory): each chunk's items, data checks and sightings are measured, then its comments,
/// worklogs and changes are released before the next is read; the weekly rows are
/// aggregated over every chunk's items, once the snapshot's reader is let go.
pub fn measure(
    settings: &Settings,
    input: impl Into<Input>,
    request: Request,
    progress: &mut Progress,
) -> anyhow::Result<Measured> {
    let (window, as_of, gone) = (request.window, request.as_of, request.gone);
    if window.weeks.is_empty() {
        return Err(Failure::usage("--weeks must be at least 1").into());
    }
    // Who is who known up front (always so in chunks): the id is checked before a ticket
    // is read.
    if let (Some(people), Some(id)) = (&request.whole_people, request.review) {
        check_review(people, id)?;
    }
    let input = input.into();
    let whole = input.len();
    let (sum, people) = match input {
        Input::Tickets(tickets) => {
            let mut one = Some(tickets);
            gather(settings, || Ok(one.take()), whole, request, progress)?
        }
        Input::Chunks(selected) => {
            let gathered = {
                let mut chunks = selected.chunks()?;
                gather(settings, || chunks.next_chunk(), whole, request, progress)?
            };
            // The tickets table and its reader are done with before the weekly rows.
            drop(selected);
            gathered
        }
    };
    finish(settings, sum, people, window, as_of, gone, progress)
}

/// An id nobody has is a usage error (exit 2).
fn check_review(people: &People, id: &str) -> anyhow::Result<()> {
    if people.is_known(id) {
        return Ok(());
    }
    Err(Failure::usage(format!(
        "--engineer {}: nobody with that id is in [team] or in the data; give a person \
         id as engineer_weekly.csv shows it (an accountId on Cloud, a user name on Server)",
        crate::error::cut(id, 80)
    ))
    .into())
}

/// What the chunks measured add up to.
#[derive(Default)]
struct Sum {
    /// Every ticket measured, its events released.
    tickets: Vec<Ticket>,
    /// Every item but the ownership stretches (read for presence only, per chunk).
    items: Items,
    problems: BTreeSet<quality::Problem>,
    /// Per ticket, whether the window sees it.
    seen: Vec<bool>,
    /// (week, staff member) pairs where the person owned a ticket or authored a comment or
    /// worklog.
    present: BTreeSet<(Week, String)>,
}

/// Measures the chunks `next` hands out, one after the other (`whole` tickets in all), and
/// who is who: `request.whole_people` when given, else classified from the tickets, which
/// must then come in one chunk.
fn gather(
    settings: &Settings,
    mut next: impl FnMut() -> anyhow::Result<Option<Vec<Ticket>>>,
    whole: usize,
    request: Request,
    progress: &mut Progress,
) -> anyhow::Result<(Sum, People)> {
    let Request {
        window,
        as_of,
        whole_people: people,
        review,
        ..
    } = request;
    let tz = settings.team.timezone;
    let (Some(first), Some(last)) = (window.weeks.first(), window.last()) else {
        return Err(Failure::usage("--weeks must be at least 1").into());
    };
    let given = people.is_some();
    let mut people = people;
    let mut sum = Sum::default();
    // Every chunk's tickets and items are appended to the first chunk's: room for all is
    // taken up front, so no chunk moves the ones before it (the second chunk of the
    // 200,000-ticket report copied the first's ~0.2 GB of items and tickets).
    sum.tickets.reserve_exact(whole);
    let mut chunk = 0usize;
    while let Some(mut tickets) = next()? {
        chunk += 1;
        // People classified from the first chunk alone would be wrong for the next.
        if chunk > 1 && !given {
            anyhow::bail!("tickets came in chunks without who is who across all of them");
        }
        let offset = sum.tickets.len();
        let mut prepared =
            Prepared::with_people(settings, &tickets, as_of, people.as_ref(), offset);
        if let (false, Some(id)) = (given, review) {
            check_review(&prepared.people, id)?;
        }
        progress.step(&format!(
            "rebuilt the timelines of {} tickets",
            offset + tickets.len()
        ));
        let mut items = if chunk == 1 {
            prepared.items_with_room(settings, whole)
        } else {
            prepared.items(settings)
        };
        progress.step(&format!(
            "measured {} clocks, {} escalations, {} calls, {} worklogs",
            sum.items.clocks.len() + items.clocks.len(),
            sum.items.escalations.len() + items.escalations.len(),
            sum.items.calls.len() + items.calls.len(),
            sum.items.logged.len() + items.logged.len()
        ));
        // The data checks, the tickets the window sees (tickets.csv, SPEC §5) and who
        // authored what in it, in one pass.
        let mut checked = checks::check(&prepared, settings, first.start(tz), last.end(tz));
        sum.problems.append(&mut checked.problems);
        sum.seen.append(&mut checked.seen);
        // That pass was the timelines' last reader: freed (millions of small frees, on every
        // core) before presence adds its own, which keeps them out of the peak.
        std::mem::take(&mut prepared.timelines)
            .into_par_iter()
            .for_each(drop);
        sum.present
            .extend(metrics::owned_pairs(&mut checked.authored));
        sum.present.extend(metrics::owning(
            &prepared.people,
            settings,
            &items,
            &window.weeks,
        ));
        // Ownership stretches were read for presence only.
        items.owned = Vec::new();
        if let Cow::Owned(classified) = prepared.people {
            people = Some(classified);
        }
        // The events are done with too: released before the next chunk is read.
        tickets.par_iter_mut().for_each(Ticket::release_events);
        sum.tickets.append(&mut tickets);
        sum.items.append(items);
    }
    let people = people.unwrap_or_else(|| People::new(settings, &[], &[]));
    Ok((sum, people))
}

/// The weekly rows, goals and feedback of everything `sum` gathered, and the items cut to
/// the window.
fn finish(
    settings: &Settings,
    sum: Sum,
    people: People,
    window: &Window,
    as_of: Ts,
    gone: &[Gone],
    progress: &mut Progress,
) -> anyhow::Result<Measured> {
    let tz = settings.team.timezone;
    let Sum {
        tickets,
        items,
        problems,
        seen,
        present,
    } = sum;
    let problems = quality::with_gone(problems, gone);
    progress.step("checked the data and found who was at work each week");
    progress.step("released the tickets' events");
    let weekly = weekly::aggregate(&items, &window.weeks, &present, tz);
    progress.step(&format!(
        "aggregated {} engineer-weeks",
        weekly.engineers.len()
    ));
    let values = WeeklyValues::new(&weekly, &people, &settings.score);
    let engineers: BTreeSet<String> = values
        .engineers
        .iter()
        .filter(|r| people.is_staff(&r.engineer) && !people.is_lead(&r.engineer))
        .map(|r| r.engineer.clone())
        .collect();
    let goals = goals::evaluate(&values, &settings.goals);
    let feedback = feedback::points(&weekly.engineers, &items, &tickets, tz);
    progress.step(&format!(
        "found {} feedback points and {} goal rows",
        feedback.len(),
        goals.len()
    ));

    // The items are cut to the window; what falls outside is freed here.
    let crate::metrics::Items {
        mut clocks,
        escalations: all_escalations,
        continuity,
        mut calls,
        ..
    } = items;
    let key = |i: usize| tickets[i].key.as_str();
    clocks.retain(|c| window.contains(c.week));
    // Not a stable sort in place: it moved each clock ~20 times and took a buffer of half
    // the list (rayon's, of the whole list: +0.6 GiB on 2,000,000 tickets). The starts are
    // sorted with positions on every core, and each clock is moved once.
    order::sort_by_lead(
        &mut clocks,
        |c| c.start,
        |a, b| (key(a.ticket), a.kind).cmp(&(key(b.ticket), b.kind)),
    );
    let mut escalations: Vec<Escalation> = all_escalations
        .iter()
        .filter(|e| window.contains(e.week))
        .cloned()
        .collect();
    escalations.sort_by(|a, b| (a.at, key(a.ticket)).cmp(&(b.at, key(b.ticket))));
    let mut handoffs = continuity.handoffs;
    handoffs.retain(|h| window.contains(h.week));
    handoffs.sort_by(|a, b| (a.at, key(a.ticket)).cmp(&(b.at, key(b.ticket))));
    let mut summaries = continuity.tickets;
    summaries.retain(|t| seen[t.ticket]);
    calls.retain(|c| window.contains(c.week));
    Ok(Measured {
        window: window.clone(),
        as_of,
        engineer: None,
        tickets: Arc::new(tickets),
        people: Arc::new(people),
        weekly,
        values,
        engineers,
        goals,
        feedback,
        clocks,
        all_escalations: Arc::new(all_escalations),
        escalations,
        handoffs,
        summaries,
        calls,
        problems,
    })
}
