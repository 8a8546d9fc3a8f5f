//! The report's CSV tables, each a function from items to bytes.

use crate::metrics::feedback::Point;
use crate::metrics::quality::Problem;
use crate::metrics::weekly::{Row, TEAM, Weekly};
use crate::metrics::{Clock, Escalation, People, UNASSIGNED, escalations::EscalationIndex};
use crate::metrics::{calls, continuity, score, timelog, wip};
use crate::model::Ticket;
use crate::report::csv::{Cell, table, table_of};
use crate::settings::ScoreWeights;

const MS_PER_MIN: f64 = 60_000.0;

/// One weekly column: its SPEC name and how a row fills it.
type Column = (&'static str, fn(&Row) -> Cell<'static>);

/// A weekly column that may need the settings (the score's weights).
pub(crate) type DynColumn<'a> = (&'static str, Box<dyn Fn(&Row) -> Cell<'static> + 'a>);

/// A family's own column list: names and how its part of a row fills them.
type FamilyColumns<T> = [(&'static str, fn(&T) -> Cell<'static>)];

/// A family's columns, reading that family's part of the row.
fn family<'a, T: 'a>(
    columns: &'a FamilyColumns<T>,
    part: fn(&Row) -> &T,
) -> impl Iterator<Item = DynColumn<'a>> {
    columns.iter().map(move |(name, f)| {
        let f = *f;
        (
            *name,
            Box::new(move |r: &Row| f(part(r))) as Box<dyn Fn(&Row) -> Cell<'static>>,
        )
    })
}

/// Every weekly column after `week, engineer, engineer_name`, in SPEC §5 order.
pub(crate) fn weekly_columns(weights: &ScoreWeights) -> Vec<DynColumn<'_>> {
    let sla = WEEKLY
        .iter()
        .map(|(name, f)| (*name, Box::new(*f) as Box<dyn Fn(&Row) -> Cell<'static>>));
    sla.chain(family(continuity::COLUMNS, |r| &r.acc.own))
        .chain(family(calls::COLUMNS, |r| &r.acc.calls))
        .chain(family(timelog::COLUMNS, |r| &r.acc.time))
        .chain(family(wip::COLUMNS, |r| &r.acc.wip))
        .chain(family(continuity::REOPEN_COLUMNS, |r| &r.acc.own))
        .chain(std::iter::once((
            "score",
            Box::new(move |r: &Row| Cell::Pct(score::score(&r.acc, weights)))
                as Box<dyn Fn(&Row) -> Cell<'static>>,
        )))
        .collect()
}

/// The SLA and escalation columns, in SPEC §5 order.
const WEEKLY: &[Column] = &[
    ("acks", |r| r.acc.sla.acks().into()),
    ("ack_p50_min", |r| Cell::Num(r.acc.sla.ack_p50())),
    ("ack_p90_min", |r| Cell::Num(r.acc.sla.ack_p90())),
    ("ack_max_min", |r| Cell::Num(r.acc.sla.ack_max())),
    ("ack_breaches", |r| r.acc.sla.ack_breaches.into()),
    ("ack_sla_pct", |r| Cell::Pct(r.acc.sla.ack_sla_pct())),
    ("update_gaps", |r| r.acc.sla.gap_decided.into()),
    ("update_breaches", |r| r.acc.sla.gap_breaches.into()),
    ("update_sla_pct", |r| Cell::Pct(r.acc.sla.update_sla_pct())),
    ("sla_breaches", |r| r.acc.sla.sla_breaches().into()),
    ("escalations", |r| r.acc.sla.escalations.into()),
    ("escalations_early", |r| r.acc.sla.escalations_early.into()),
    ("escalations_late", |r| r.acc.sla.escalations_late.into()),
    ("escalations_after_breach", |r| {
        r.acc.sla.escalations_after_breach.into()
    }),
    ("escalation_lead_p50_min", |r| {
        Cell::Num(r.acc.sla.escalation_lead_p50())
    }),
    ("silent_breaches", |r| r.acc.sla.silent_breaches.into()),
];

fn weekly_table<'a>(
    rows: impl IntoIterator<Item = &'a Row>,
    people: &People,
    weights: &ScoreWeights,
) -> Vec<u8> {
    let columns = weekly_columns(weights);
    let header: Vec<&str> = ["week", "engineer", "engineer_name"]
        .into_iter()
        .chain(columns.iter().map(|(name, _)| *name))
        .collect();
    table(
        &header,
        rows.into_iter().map(|r| {
            let name = if r.engineer == UNASSIGNED || r.engineer == TEAM {
                ""
            } else {
                people.name(&r.engineer)
            };
            [
                Cell::Week(r.week),
                Cell::text(&r.engineer),
                Cell::text(name),
            ]
            .into_iter()
            .chain(columns.iter().map(|(_, f)| f(r)))
            .collect()
        }),
    )
}

/// `engineer_weekly.csv`: rows are already sorted by week, then engineer (byte order).
pub fn engineer_weekly(weekly: &Weekly, people: &People, weights: &ScoreWeights) -> Vec<u8> {
    weekly_table(&weekly.engineers, people, weights)
}

/// `team_weekly.csv`: one `(team)` row per week of the window.
pub fn team_weekly(weekly: &Weekly, people: &People, weights: &ScoreWeights) -> Vec<u8> {
    weekly_table(&weekly.team, people, weights)
}

const CLOCK_HEADER: &[&str] = &[
    "ticket",
    "kind",
    "type",
    "severity",
    "start",
    "deadline",
    "end",
    "stopped",
    "elapsed_sla_min",
    "target_min",
    "breached",
    "engineer",
    "week",
];

fn clock_cells<'a>(c: &'a Clock, tickets: &'a [Ticket]) -> Vec<Cell<'a>> {
    vec![
        Cell::text(&tickets[c.ticket].key),
        Cell::text(c.kind.as_str()),
        Cell::text(c.ticket_type.as_str()),
        Cell::text(c.severity.as_deref().unwrap_or_default()),
        Cell::Time(Some(c.start)),
        Cell::Time(c.deadline),
        Cell::Time(Some(c.end)),
        Cell::Bool(c.stopped),
        Cell::Num(Some(c.elapsed_sla_ms as f64 / MS_PER_MIN)),
        Cell::Num(Some(c.target_secs as f64 / 60.0)),
        Cell::Bool(c.breached),
        Cell::text(c.engineer.as_str()),
        Cell::Week(c.week),
    ]
}

/// `clocks.csv`: every clock of the window.
pub fn clocks(clocks: &[&Clock], tickets: &[Ticket]) -> Vec<u8> {
    table_of(CLOCK_HEADER, clocks, |c| clock_cells(c, tickets))
}

/// `breaches.csv`: the breached clocks, with whether the ticket was escalated in time.
pub fn breaches(clocks: &[&Clock], escalations: &[Escalation], tickets: &[Ticket]) -> Vec<u8> {
    let header: Vec<&str> = CLOCK_HEADER
        .iter()
        .copied()
        .chain(["escalated_before_deadline"])
        .collect();
    let index = EscalationIndex::new(escalations);
    let breached: Vec<&Clock> = clocks.iter().copied().filter(|c| c.breached).collect();
    table_of(&header, &breached, |c| {
        let mut cells = clock_cells(c, tickets);
        cells.push(Cell::Bool(index.escalated_within(c)));
        cells
    })
}

/// `escalations.csv`.
pub fn escalations(escalations: &[&Escalation], tickets: &[Ticket]) -> Vec<u8> {
    table(
        &[
            "ticket", "at", "by", "engineer", "trigger", "deadline", "lead_min", "class", "week",
        ],
        escalations.iter().map(|e| {
            vec![
                Cell::text(&tickets[e.ticket].key),
                Cell::Time(Some(e.at)),
                Cell::text(&e.by),
                Cell::text(e.engineer.as_str()),
                Cell::text(e.trigger.as_str()),
                Cell::Time(e.deadline),
                Cell::Num(e.lead_ms.map(|ms| ms as f64 / MS_PER_MIN)),
                Cell::text(e.class.as_str()),
                Cell::Week(e.week),
            ]
        }),
    )
}

/// `data_quality.csv`.
pub fn data_quality(problems: &[Problem]) -> Vec<u8> {
    table(
        &["ticket", "problem", "detail"],
        problems.iter().map(|p| {
            vec![
                Cell::text(&p.ticket),
                Cell::text(p.problem),
                Cell::text(&p.detail),
            ]
        }),
    )
}

/// `feedback.csv`: plus and improvement points with the tickets that show them.
pub fn feedback(points: &[Point]) -> Vec<u8> {
    table(
        &["week", "engineer", "kind", "metric", "message", "tickets"],
        points.iter().map(|p| {
            vec![
                Cell::Week(p.week),
                Cell::text(&p.engineer),
                Cell::text(p.kind.as_str()),
                Cell::text(p.metric),
                Cell::text(&p.message),
                Cell::text(p.tickets.join(" ")),
            ]
        }),
    )
}
