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
    pub fn new(
        tz: Tz,
        week: [Vec<(u32, u32)>; 7],
        holidays: BTreeSet<NaiveDate>,
    ) -> Result<Calendar, String> {
        for ranges in &week {
            let mut prev_end = 0;
            for &(start, end) in ranges {
                if start >= end || end > 86_400 || start < prev_end {
                    return Err(format!(
                        "open hours must be increasing, non-overlapping ranges within one day (got {:02}:{:02}-{:02}:{:02})",
                        start / 3600,
                        start % 3600 / 60,
                        end / 3600,
                        end % 3600 / 60
                    ));
                }
                prev_end = end;
            }
        }
        Ok(Calendar { tz, week, holidays })
    }

    /// Business seconds in [a, b); 0 when b <= a.
    pub fn elapsed(&self, _a: Ts, _b: Ts) -> i64 {
        todo!()
    }

    /// The earliest t with elapsed(start, t) == target (target >= 0). A clock started while
    /// closed begins at the next opening; a zero target gives `start`.
    pub fn deadline(&self, _start: Ts, _target: i64) -> Ts {
        todo!()
    }
}

