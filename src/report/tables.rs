//! The report's CSV tables, each a function from items to CSV written into `out`.

use std::io::{self, Write};

use crate::metrics::columns::{COLUMNS, ColumnDef, Format};
use crate::metrics::feedback::Point;
use crate::metrics::quality::Problem;
use crate::metrics::values::{ValueRow, value_rows};
use crate::metrics::weekly::Weekly;
use crate::metrics::{Clock, Escalation, People, escalations::EscalationIndex};
use crate::model::Ticket;
use crate::report::csv::{Cell, table, table_of};
use crate::settings::ScoreWeights;

const MS_PER_MIN: f64 = 60_000.0;

/// `engineer_weekly.csv`: rows are already sorted by week, then engineer (byte order).
pub fn engineer_weekly<W: Write + ?Sized>(
    out: &mut W,
    weekly: &Weekly,
    people: &People,
    weights: &ScoreWeights,
) -> io::Result<()> {
    weekly_csv(out, &value_rows(&weekly.engineers, people, weights))
}

/// `team_weekly.csv`: one `(team)` row per week of the window.
pub fn team_weekly<W: Write + ?Sized>(
    out: &mut W,
    weekly: &Weekly,
    people: &People,
    weights: &ScoreWeights,
) -> io::Result<()> {
    weekly_csv(out, &value_rows(&weekly.team, people, weights))
}

/// A weekly table written from its values: `week, engineer, engineer_name`, then every
/// column of `COLUMNS` in its format. The values are rounded already, so the file shows
/// exactly the numbers the pages, goals and mail read.
pub fn weekly_csv<W: Write + ?Sized>(out: &mut W, rows: &[ValueRow]) -> io::Result<()> {
    let header: Vec<&str> = ["week", "engineer", "engineer_name"]
        .into_iter()
        .chain(COLUMNS.iter().map(|c| c.name))
        .collect();
    table(
        out,
        &header,
        rows.iter().map(|r| {
            [
                Cell::Week(r.week),
                Cell::text(&r.engineer),
                Cell::text(&r.name),
            ]
            .into_iter()
            .chain(
                r.values
                    .iter()
                    .zip(COLUMNS)
                    .map(|(v, def)| value_cell(def, *v)),
            )
            .collect()
        }),
    )
}

/// The cell of a weekly column's value: a whole number, 2 decimals or a percentage with 1,
/// as the column's format says; empty for `None`.
pub fn value_cell(def: &ColumnDef, value: Option<f64>) -> Cell<'static> {
    match (def.format, value) {
        (Format::Count, Some(n)) => Cell::Int(n.round() as i64),
        (Format::Count | Format::Num2, v) => Cell::Num(v),
        (Format::Pct1, v) => Cell::Pct(v),
    }
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

fn clock_cells<'a>(c: &'a Clock, tickets: &'a [Ticket]) -> [Cell<'a>; 13] {
    [
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
pub fn clocks<W: Write + Send + ?Sized>(
    out: &mut W,
    clocks: &[&Clock],
    tickets: &[Ticket],
) -> io::Result<()> {
    table_of(out, CLOCK_HEADER, clocks, |c| clock_cells(c, tickets))
}

/// `breaches.csv`: the breached clocks, with whether the ticket was escalated in time.
pub fn breaches<W: Write + Send + ?Sized>(
    out: &mut W,
    clocks: &[&Clock],
    escalations: &[Escalation],
    tickets: &[Ticket],
) -> io::Result<()> {
    let header: Vec<&str> = CLOCK_HEADER
        .iter()
        .copied()
        .chain(["escalated_before_deadline"])
        .collect();
    let index = EscalationIndex::new(escalations);
    let breached: Vec<&Clock> = clocks.iter().copied().filter(|c| c.breached).collect();
    table_of(out, &header, &breached, |c| {
        let mut cells = Vec::with_capacity(header.len());
        cells.extend(clock_cells(c, tickets));
        cells.push(Cell::Bool(index.escalated_within(c)));
        cells
    })
}

/// `escalations.csv`.
pub fn escalations<W: Write + Send + ?Sized>(
    out: &mut W,
    escalations: &[&Escalation],
    tickets: &[Ticket],
) -> io::Result<()> {
    table_of(
        out,
        &[
            "ticket", "at", "by", "engineer", "trigger", "deadline", "lead_min", "class", "week",
        ],
        escalations,
        |e| {
            [
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
        },
    )
}

/// `data_quality.csv`.
pub fn data_quality<W: Write + ?Sized>(out: &mut W, problems: &[Problem]) -> io::Result<()> {
    table(
        out,
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
pub fn feedback<W: Write + Send + ?Sized>(out: &mut W, points: &[Point]) -> io::Result<()> {
    table_of(
        out,
        &["week", "engineer", "kind", "metric", "message", "tickets"],
        points,
        |p| {
            [
                Cell::Week(p.week),
                Cell::text(&p.engineer),
                Cell::text(p.kind.as_str()),
                Cell::text(p.metric),
                Cell::text(&p.message),
                Cell::Words(&p.tickets),
            ]
        },
    )
}
