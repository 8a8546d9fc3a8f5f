//! Business time: open hours per weekday in a zone, minus holidays. (API outline; the
//! calendar work fills the bodies.)

use std::collections::BTreeSet;

use chrono::NaiveDate;
use chrono_tz::Tz;

use crate::model::Ts;

/// Weekly open hours in a zone, minus holidays.
#[derive(Debug, Clone, PartialEq)]
pub struct Calendar {
    pub tz: Tz,
    /// Open ranges per weekday, Monday first: [start, end) in seconds after local midnight,
    /// sorted, non-overlapping, end <= 86400.
    pub week: [Vec<(u32, u32)>; 7],
    pub holidays: BTreeSet<NaiveDate>,
}

impl Calendar {
    /// Validates the ranges (sorted, disjoint, within a day).
    pub fn new(tz: Tz, week: [Vec<(u32, u32)>; 7], holidays: BTreeSet<NaiveDate>) -> Result<Calendar, String> {
        todo!()
    }

    /// Business seconds in [a, b); 0 when b <= a.
    pub fn elapsed(&self, a: Ts, b: Ts) -> i64 {
        todo!()
    }

    /// The earliest t with elapsed(start, t) == target (target >= 0). A clock started while
    /// closed begins at the next opening, so a zero target gives that opening.
    pub fn deadline(&self, start: Ts, target: i64) -> Ts {
        todo!()
    }
}

/// Parses one weekday's hours: "" = closed, "09:00-18:00", "08:00-12:00,13:00-17:00";
/// "24:00" allowed as an end.
pub fn parse_day_ranges(s: &str) -> Result<Vec<(u32, u32)>, String> {
    todo!()
}

/// The dates of the all-day events of an iCalendar text (multi-day events give every day).
pub fn parse_ics_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    todo!()
}
