//! Holidays from an iCalendar (.ics) file: every all-day event is a holiday.

use std::collections::BTreeSet;

use chrono::{Days, NaiveDate};
use icalendar::{Component, DatePerhapsTime, EventStatus};

/// The longest all-day event read as holidays; a longer one is more likely a mistake in the
/// file (a year typed wrong) than a holiday, and would close the calendar for good.
const MAX_EVENT_DAYS: u64 = 366;

/// The holiday dates of an .ics text, sorted and without repeats.
///
/// All-day events (`DTSTART;VALUE=DATE:20261225`) give their date; a multi-day one gives
/// every date from DTSTART up to, not including, DTEND (or DTSTART plus a `DURATION` of
/// days or weeks). Timed events and cancelled events are ignored. A repeating event
/// (`RRULE`) is refused, since reading only its first date would silently drop the rest.
pub fn parse_ics_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    let unfolded = icalendar::parser::unfold(text);
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded)
        .map_err(|e| format!("not a readable iCalendar file: {e}"))?
        .into();
    let mut dates = BTreeSet::new();
    for event in calendar.components.iter().filter_map(|c| c.as_event()) {
        let name = crate::error::shown(event.get_summary().unwrap_or("(no summary)"));
        if event.get_status() == Some(EventStatus::Cancelled) {
            continue;
        }
        let Some(DatePerhapsTime::Date(start)) = event.get_start() else {
            // Timed events (and events without a start) are meetings, not holidays.
            continue;
        };
        if event.property_value("RRULE").is_some() {
            return Err(format!(
                "event {name} on {start} repeats (RRULE); supportlens reads single dates only: list its dates in [calendar] holidays or export the calendar with each occurrence as its own event"
            ));
        }
        let end = match (event.get_end(), event.property_value("DURATION")) {
            (Some(DatePerhapsTime::Date(end)), _) => end,
            (Some(DatePerhapsTime::DateTime(_)), _) => {
                return Err(format!(
                    "event {name} starts on the date {start} but ends at a time; an all-day event ends on a date (DTEND;VALUE=DATE)"
                ));
            }
            (None, Some(duration)) => {
                let days = parse_day_duration(duration).ok_or_else(|| {
                    format!(
                        "event {name} on {start} has DURATION {}; an all-day event lasts whole days or weeks, e.g. P1D or P1W",
                        crate::error::shown(duration)
                    )
                })?;
                start.checked_add_days(Days::new(days)).unwrap_or(start)
            }
            // RFC 5545: an all-day event without an end lasts that one day.
            (None, None) => start.succ_opt().unwrap_or(start),
        };
        if end <= start {
            return Err(format!(
                "event {name} ends ({end}) on or before it starts ({start}); DTEND is the day after the last holiday"
            ));
        }
        let length = (end - start).num_days().unsigned_abs();
        if length > MAX_EVENT_DAYS {
            return Err(format!(
                "event {name} lasts {length} days ({start} to {end}); holidays longer than {MAX_EVENT_DAYS} days are refused as a likely typo"
            ));
        }
        dates.extend(start.iter_days().take_while(|d| *d < end));
    }
    Ok(dates.into_iter().collect())
}

/// Days in an all-day `DURATION` such as `P1D`, `P2W` or `P1W2D`; `None` for anything with
/// hours, minutes or seconds, which cannot last whole days.
fn parse_day_duration(text: &str) -> Option<u64> {
    let rest = text.trim().strip_prefix('+').unwrap_or(text.trim());
    let mut rest = rest.strip_prefix('P')?;
    let mut days: u64 = 0;
    let mut seen_unit = false;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let n: u64 = rest[..digits].parse().ok()?;
        let unit = rest[digits..].chars().next()?;
        days = days.checked_add(match unit {
            'W' => n.checked_mul(7)?,
            'D' => n,
            _ => return None,
        })?;
        seen_unit = true;
        rest = &rest[digits + 1..];
    }
    seen_unit.then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn event(lines: &str) -> String {
        format!(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1\r\n{lines}END:VEVENT\r\nEND:VCALENDAR\r\n"
        )
    }

    #[test]
    fn fixture_gives_all_day_dates_and_skips_timed_and_cancelled_events() {
        let text = include_str!("../../tests/fixtures/holidays.ics");
        assert_eq!(
            parse_ics_holidays(text),
            Ok(vec![
                d(2026, 1, 1),
                d(2026, 4, 3),
                d(2026, 12, 24),
                d(2026, 12, 25),
                d(2026, 12, 26),
                d(2026, 12, 31),
            ])
        );
    }

    #[test]
    fn event_without_end_is_one_day_and_duration_counts_days() {
        let one = event("DTSTART;VALUE=DATE:20260501\r\nSUMMARY:May Day\r\n");
        assert_eq!(parse_ics_holidays(&one), Ok(vec![d(2026, 5, 1)]));
        let two = event("DTSTART;VALUE=DATE:20260228\r\nDURATION:P2D\r\n");
        assert_eq!(
            parse_ics_holidays(&two),
            Ok(vec![d(2026, 2, 28), d(2026, 3, 1)])
        );
    }

    #[test]
    fn repeating_backwards_and_unreadable_events_are_refused() {
        let rrule =
            event("DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=YEARLY\r\nSUMMARY:New Year\r\n");
        let err = parse_ics_holidays(&rrule).unwrap_err();
        assert!(
            err.contains("\"New Year\"") && err.contains("RRULE"),
            "{err}"
        );
        let backwards = event("DTSTART;VALUE=DATE:20260105\r\nDTEND;VALUE=DATE:20260104\r\n");
        assert!(
            parse_ics_holidays(&backwards)
                .unwrap_err()
                .contains("on or before")
        );
        let hours = event("DTSTART;VALUE=DATE:20260105\r\nDURATION:PT4H\r\n");
        assert!(
            parse_ics_holidays(&hours)
                .unwrap_err()
                .contains("whole days")
        );
        assert!(parse_ics_holidays("BEGIN:VCALENDAR\r\nBEGIN:").is_err());
    }

    #[test]
    fn day_durations() {
        assert_eq!(parse_day_duration("P1D"), Some(1));
        assert_eq!(parse_day_duration("P2W"), Some(14));
        assert_eq!(parse_day_duration("P1W2D"), Some(9));
        assert_eq!(parse_day_duration("PT4H"), None);
        assert_eq!(parse_day_duration("P"), None);
        assert_eq!(parse_day_duration("1D"), None);
    }
}
