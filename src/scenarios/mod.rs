//! Scenario tests: hand-built tickets through the metric families to the report's tables,
//! whose every number was worked out by hand. They sit above both `metrics` and `report`,
//! which they read together.

mod calls;
mod clocks;
mod escalations;
mod feedback;
mod ownership;
mod presence;
mod timelog;
mod wip;

use std::collections::{BTreeMap, BTreeSet};

use crate::metrics::tally::{Tally, Value};
use crate::metrics::testkit;
use crate::metrics::{Items, Prepared, TicketCtx};
use crate::model::{Ticket, Ts};
use crate::report::csv::{Cell, table, to_vec};
use crate::report::tables::{self, value_cell};
use crate::settings::Settings;
use crate::week::Week;

/// The `clocks.csv` lines (without header) of all clocks, in start order.
pub fn clock_lines(settings: &Settings, tickets: &[Ticket], as_of: &str) -> Vec<String> {
    let prepared = Prepared::new(settings, tickets, testkit::ts(as_of));
    let items = prepared.items(settings);
    let clocks: Vec<_> = items.clocks.iter().collect();
    lines(to_vec(|out| tables::clocks(out, &clocks, tickets)))
}

/// The items of the tickets at as-of.
pub fn items(settings: &Settings, tickets: &[Ticket], as_of: &str) -> Items {
    Prepared::new(settings, tickets, testkit::ts(as_of)).items(settings)
}

/// One family's items of every ticket created by as-of, in ticket order.
pub fn family_items<T>(
    s: &Settings,
    tickets: &[Ticket],
    as_of: &str,
    family: fn(&TicketCtx, &Settings, Ts) -> Vec<T>,
) -> Vec<T> {
    let prepared = Prepared::new(s, tickets, testkit::ts(as_of));
    (0..tickets.len())
        .filter(|i| tickets[*i].created.is_some_and(|c| c <= prepared.as_of))
        .flat_map(|i| family(&prepared.ctx(i), s, prepared.as_of))
        .collect()
}

/// How a family's weekly columns are tallied: its `tally`, its accumulators' `merge` and
/// its `VALUES`.
pub struct Family<I: 'static, A: 'static> {
    pub tally: for<'a> fn(&'a [I], &BTreeSet<Week>, &mut Tally<'a, A>),
    pub merge: fn(&mut A, &A),
    pub values: &'static [Value<A>],
}

/// The names of a family's columns, in its `VALUES` order.
pub fn value_names<A>(values: &[Value<A>]) -> impl Iterator<Item = &'static str> + '_ {
    values.iter().map(|(col, _)| col.name())
}

/// A family's cells of one accumulator, as the weekly CSVs write them.
pub fn value_cells<'a, 'c, A>(
    values: &'a [Value<A>],
    acc: &'a A,
) -> impl Iterator<Item = Cell<'c>> + 'a {
    values.iter().map(|(col, value)| {
        let def = col.def();
        let cell: Cell<'c> = value_cell(def, value(acc).map(|x| def.format.round(x)));
        cell
    })
}

/// `week,engineer,<family columns>` lines for the window's rows, then one `(team)` line per
/// week merged from that week's rows.
pub fn family_lines<I, A: Default>(
    family: &Family<I, A>,
    items: &[I],
    window: &[&str],
) -> Vec<String> {
    let weeks: BTreeSet<Week> = window.iter().map(|w| w.parse().unwrap()).collect();
    let mut rows = BTreeMap::new();
    (family.tally)(items, &weeks, &mut rows);
    let mut team: BTreeMap<Week, A> = weeks.iter().map(|w| (*w, A::default())).collect();
    for ((week, _), acc) in &rows {
        (family.merge)(team.get_mut(week).unwrap(), acc);
    }
    let all = rows
        .iter()
        .map(|((w, who), acc)| (*w, who.to_string(), acc))
        .chain(team.iter().map(|(w, acc)| (*w, "(team)".to_string(), acc)));
    let header: Vec<&str> = ["week", "engineer"]
        .into_iter()
        .chain(value_names(family.values))
        .collect();
    lines(to_vec(|out| {
        table(
            out,
            &header,
            all.map(|(w, who, acc)| {
                [Cell::text(w.to_string()), Cell::text(who)]
                    .into_iter()
                    .chain(value_cells(family.values, acc))
                    .collect()
            }),
        )
    }))
}

/// `week, engineer, engineer_name` and the SLA family's columns of the weekly tables, for
/// tests of clocks and escalations.
pub fn sla_columns() -> Vec<&'static str> {
    ["week", "engineer", "engineer_name"]
        .into_iter()
        .chain(value_names(crate::metrics::sla::VALUES))
        .collect()
}

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
        to_vec(|out| tables::engineer_weekly(out, &weekly, &prepared.people, &settings.score)),
        to_vec(|out| tables::team_weekly(out, &weekly, &prepared.people, &settings.score)),
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
