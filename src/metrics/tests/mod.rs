//! Scenario tests: hand-built tickets whose every number was worked out by hand.

mod clocks;
mod escalations;
mod ownership;

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

/// The `engineer_weekly.csv` lines (without header) for a window ending at `week`.
pub fn weekly_lines(
    settings: &Settings,
    tickets: &[Ticket],
    as_of: &str,
    week: &str,
    weeks: u32,
) -> Vec<String> {
    let prepared = Prepared::new(settings, tickets, testkit::ts(as_of));
    let items = prepared.items(settings);
    let window = crate::week::window(week.parse::<Week>().unwrap(), weeks);
    let present = prepared.presence(settings, &items, &window);
    let weekly = crate::metrics::weekly::aggregate(&items, &window, &present);
    let mut out = lines(tables::engineer_weekly(&weekly, &prepared.people));
    out.extend(lines(tables::team_weekly(&weekly, &prepared.people)));
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
