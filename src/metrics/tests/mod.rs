//! Scenario tests: hand-built tickets whose every number was worked out by hand.

mod calls;
mod clocks;
mod escalations;
mod feedback;
mod ownership;
mod timelog;
mod wip;

use crate::metrics::testkit;
use crate::metrics::{Items, Prepared};
use crate::model::Ticket;
use crate::report::tables;
use crate::settings::Settings;
use crate::week::Week;

/// The `clocks.csv` lines (without header) of all clocks, in start order.
pub fn clock_lines(settings: &Settings, tickets: &[Ticket], as_of: &str) -> Vec<String> {
    let prepared = Prepared::new(settings, tickets, testkit::ts(as_of));
    let items = prepared.items(settings);
    let clocks: Vec<_> = items.clocks.iter().collect();
    lines(tables::clocks(&clocks, tickets))
}

/// The items of the tickets at as-of.
pub fn items(settings: &Settings, tickets: &[Ticket], as_of: &str) -> Items {
    Prepared::new(settings, tickets, testkit::ts(as_of)).items(settings)
}

/// The SLA-family columns of the weekly tables, for tests of clocks and escalations.
pub const SLA_COLUMNS: &[&str] = &[
    "week",
    "engineer",
    "engineer_name",
    "acks",
    "ack_p50_min",
    "ack_p90_min",
    "ack_max_min",
    "ack_breaches",
    "ack_sla_pct",
    "update_gaps",
    "update_breaches",
    "update_sla_pct",
    "sla_breaches",
    "escalations",
    "escalations_early",
    "escalations_late",
    "escalations_after_breach",
    "escalation_lead_p50_min",
    "silent_breaches",
];

/// The given columns of the engineer rows then the team rows, comma-joined per row.
pub fn weekly_columns(
    settings: &Settings,
    tickets: &[Ticket],
    as_of: &str,
    week: &str,
    weeks: u32,
    columns: &[&str],
) -> Vec<String> {
    let prepared = Prepared::new(settings, tickets, testkit::ts(as_of));
    let items = prepared.items(settings);
    let window = crate::week::window(week.parse::<Week>().unwrap(), weeks);
    let present = prepared.presence(settings, &items, &window);
    let weekly =
        crate::metrics::weekly::aggregate(&items, &window, &present, settings.team.timezone);
    let mut out = Vec::new();
    for bytes in [
        tables::engineer_weekly(&weekly, &prepared.people, &settings.score),
        tables::team_weekly(&weekly, &prepared.people, &settings.score),
    ] {
        let mut reader = csv::Reader::from_reader(bytes.as_slice());
        let header = reader.headers().unwrap().clone();
        let idx: Vec<usize> = columns
            .iter()
            .map(|c| {
                header
                    .iter()
                    .position(|h| h == *c)
                    .unwrap_or_else(|| panic!("no column {c}"))
            })
            .collect();
        for rec in reader.records() {
            let rec = rec.unwrap();
            out.push(idx.iter().map(|&i| &rec[i]).collect::<Vec<_>>().join(","));
        }
    }
    out
}

pub fn lines(bytes: Vec<u8>) -> Vec<String> {
    String::from_utf8(bytes)
        .unwrap()
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect()
}
