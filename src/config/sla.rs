//! The SLA tables: SPEC §3's built-in targets, and a file's tables merged over them key by key.

use std::collections::BTreeMap;

use crate::settings::{ClockKind, ClockMode, SlaTable, TicketType};

use super::raw::RawSlaTable;
use super::resolve::DEFAULT_SEVERITIES;

/// The built-in SLA tables (SPEC §3's table).
pub fn builtin_sla() -> BTreeMap<(ClockKind, TicketType), SlaTable> {
    const M: i64 = 60;
    const H: i64 = 3600;
    let table = |pairs: &[(&str, i64)], default: i64, clock: ClockMode| SlaTable {
        by_severity: pairs.iter().map(|&(s, t)| (s.to_string(), t)).collect(),
        default: Some(default),
        clock,
    };
    let all = |t: i64| -> Vec<(&'static str, i64)> {
        DEFAULT_SEVERITIES.iter().map(|&s| (s, t)).collect()
    };
    BTreeMap::from([
        (
            (ClockKind::Ack, TicketType::Incident),
            table(&all(15 * M), 15 * M, ClockMode::TwentyFourSeven),
        ),
        (
            (ClockKind::Ack, TicketType::Query),
            table(&[], 24 * H, ClockMode::TwentyFourSeven),
        ),
        (
            (ClockKind::Update, TicketType::Incident),
            table(
                &[
                    ("catastrophic", 2 * H),
                    ("critical", 4 * H),
                    ("high", 8 * H),
                    ("normal", 24 * H),
                    ("low", 48 * H),
                ],
                24 * H,
                ClockMode::TwentyFourSeven,
            ),
        ),
        (
            (ClockKind::Update, TicketType::Query),
            table(&[], 48 * H, ClockMode::Business),
        ),
    ])
}

/// Merges a file's table key by key over the built-in one (or an empty 24x7 table when
/// there is none, as for `other`).
pub(super) fn merge_sla(
    sla: &mut BTreeMap<(ClockKind, TicketType), SlaTable>,
    target: (ClockKind, TicketType),
    raw: RawSlaTable,
) {
    let table = sla.entry(target).or_insert_with(|| SlaTable {
        by_severity: BTreeMap::new(),
        default: None,
        clock: ClockMode::TwentyFourSeven,
    });
    if let Some(clock) = raw.clock {
        table.clock = clock;
    }
    if let Some(default) = raw.default {
        table.default = Some(default);
    }
    table.by_severity.extend(raw.by_severity);
}
