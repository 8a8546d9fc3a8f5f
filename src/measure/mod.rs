//! The measure stage (SPEC §4–§5): tickets, settings and a window in, typed results out —
//! the window's items, the weekly rows as values, feedback points, goals, data problems,
//! the tickets the window sees, and who is who. Every output (the CSVs, the charts, the
//! pages, `query`, mail) reads these values; none of them computes a number or reads
//! another output's bytes back.
//!
//! [`measure`] measures the whole team; [`Measured::scoped`] cuts a team's results to one
//! engineer as a self-review shows them (`scope`).

mod scope;
#[cfg(test)]
mod tests;

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
use crate::metrics::{Clock, Escalation, People, Prepared, quality, seen, weekly};
use crate::model::{Ticket, Ts};
use crate::progress::Progress;
use crate::settings::Settings;
use crate::snapshot::Gone;
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
    /// window sees (the tickets left out still name people); `None`: from the tickets.
    pub whole_people: Option<People>,
    /// The engineer a self-review will be cut to.
    pub review: Option<&'a str>,
}

/// Measures the whole team's `tickets` as `request` asks, saying each step to
/// `progress`. `request.review` is checked first: an id nobody has is a usage error
/// before anything is measured. The tickets are taken, so their comments, worklogs and
/// changes are released as soon as every item is measured.
pub fn measure(
    settings: &Settings,
    mut tickets: Vec<Ticket>,
    request: Request,
    progress: &mut Progress,
) -> anyhow::Result<Measured> {
    let Request {
        window,
        as_of,
        gone,
        whole_people,
        review,
    } = request;
    let tz = settings.team.timezone;
    let (Some(first), Some(last)) = (window.weeks.first(), window.last()) else {
        return Err(Failure::usage("--weeks must be at least 1").into());
    };
    let mut prepared = Prepared::with_people(settings, &tickets, as_of, whole_people);
    if let Some(id) = review.filter(|id| !prepared.people.is_known(id)) {
        return Err(Failure::usage(format!(
            "--engineer {}: nobody with that id is in [team] or in the data; give a person \
             id as engineer_weekly.csv shows it (an accountId on Cloud, a user name on Server)",
            crate::error::cut(id, 80)
        ))
        .into());
    }
    progress.step(&format!(
        "rebuilt the timelines of {} tickets",
        tickets.len()
    ));
    let items = prepared.items(settings);
    progress.step(&format!(
        "measured {} clocks, {} escalations, {} calls, {} worklogs",
        items.clocks.len(),
        items.escalations.len(),
        items.calls.len(),
        items.logged.len()
    ));
    let problems = quality::problems(&prepared, settings, gone);
    // tickets.csv lists the tickets the window sees (SPEC §5).
    let seen = seen::seen_in(&prepared, settings, first.start(tz), last.end(tz));
    // The data checks and the seen check are the timelines' last readers: freed (millions
    // of small frees, on every core) before presence adds its own, which keeps them out of
    // the peak.
    std::mem::take(&mut prepared.timelines)
        .into_par_iter()
        .for_each(drop);
    let present = prepared.presence(settings, &items, &window.weeks);
    progress.step("checked the data and found who was at work each week");
    // The events are done with too: released before the rest is measured.
    let people = prepared.people;
    tickets.par_iter_mut().for_each(Ticket::release_events);
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
    clocks.sort_by(|a, b| (a.start, key(a.ticket), a.kind).cmp(&(b.start, key(b.ticket), b.kind)));
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
