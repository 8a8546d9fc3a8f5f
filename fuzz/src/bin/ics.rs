//! Fuzz target: an iCalendar text read into holiday dates (`parse_ics_holidays`), as
//! `[calendar] holidays_ics` is read. The dates come back sorted and without repeats.

use supportlens::config::parse_ics_holidays;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        if let Ok(dates) = parse_ics_holidays(text) {
            assert!(dates.windows(2).all(|w| w[0] < w[1]), "{dates:?}");
        }
    });
}
