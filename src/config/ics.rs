//! Holidays from an iCalendar (.ics) file: every all-day event is a holiday.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use chrono::{Days, NaiveDate};
use icalendar::{Component, DatePerhapsTime, EventStatus};

/// The longest all-day event read as holidays; a longer one is more likely a mistake in the
/// file (a year typed wrong) than a holiday, and would close the calendar for good.
const MAX_EVENT_DAYS: u64 = 366;

/// The deepest nesting of components (`BEGIN:` inside `BEGIN:`) read. A calendar nests three
/// deep (VCALENDAR, VEVENT, VALARM); icalendar's parser recurses once per level, so a file
/// of thousands of nested `BEGIN:` lines would overflow the stack before it said anything.
const MAX_NESTING: usize = 16;

/// The largest holidays file read. A holidays calendar is kilobytes (a decade of a
/// country's holidays is about 50 KB), but a team calendar with its meetings (timed events,
/// skipped) runs to megabytes: 4,000 meetings are 3.6 MB. The parser holds up to about 45
/// bytes of memory per byte of the file (a 15 MB file took 710 MB), so 16 MiB bounds it
/// below 800 MB; the dates it may make are bounded apart ([`MAX_HOLIDAYS`]).
const MAX_FILE_BYTES: u64 = 16 << 20;

/// The most holiday dates read, from `[calendar] holidays` and the .ics file together:
/// 27 years of every day, or centuries of a country's holidays. A million dates took
/// 16 s to read (debug build) and a 16 MiB calendar of year-long events would make 300
/// million; past this the list is a mistake, not a calendar.
pub const MAX_HOLIDAYS: usize = 10_000;

/// The text of an .ics file. Only a regular file of at most 16 MiB is read: a FIFO blocks
/// the read until someone writes to it, and a device such as `/dev/zero` never ends, so
/// both are refused before they are opened.
pub(super) fn read_ics_file(path: &Path) -> Result<String, String> {
    // Opened without blocking and refused unless a regular file (a FIFO, /dev/zero).
    let mut bytes = Vec::new();
    crate::input_file::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB, more than any holidays calendar",
            MAX_FILE_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| "not UTF-8 text, as an .ics file is".to_string())
}

/// The holiday dates of an .ics text, sorted and without repeats.
///
/// All-day events (`DTSTART;VALUE=DATE:20261225`) give their date; a multi-day one gives
/// every date from DTSTART up to, not including, DTEND (or DTSTART plus a `DURATION` of
/// days or weeks). Timed events and cancelled events are ignored. A repeating event
/// (`RRULE`) is refused, since reading only its first date would silently drop the rest.
pub fn parse_ics_holidays(text: &str) -> Result<Vec<NaiveDate>, String> {
    let unfolded = icalendar::parser::unfold(text);
    check_nesting(&unfolded)?;
    let calendar: icalendar::Calendar = icalendar::parser::read_calendar(&unfolded)
        .map_err(|e| {
            format!(
                "not a readable iCalendar file{}; name the .ics file a calendar exported",
                stopped_at(&e)
            )
        })?
        .into();
    let mut dates = BTreeSet::new();
    for event in calendar.components.iter().filter_map(|c| c.as_event()) {
        let name = crate::error::shown(event.get_summary().unwrap_or("(no summary)"));
        if event.get_status() == Some(EventStatus::Cancelled) {
            continue;
        }
        // A DTSTART or DTEND that is neither a date nor a date and time would drop the
        // event, or give it one day, without a word: the holiday lost, every business clock
        // of that day wrong.
        for (key, read) in [
            ("DTSTART", event.get_start().is_some()),
            ("DTEND", event.get_end().is_some()),
        ] {
            if let Some(value) = event.property_value(key).filter(|_| !read) {
                return Err(format!(
                    "event {name} has {key} {}, which is neither a date (20261225) nor a date \
                     and time; fix the event or export the calendar again",
                    crate::error::shown(value)
                ));
            }
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
        if dates.len() > MAX_HOLIDAYS {
            return Err(format!(
                "more than {MAX_HOLIDAYS} holiday dates by event {name} ({start} to {end}); a holidays calendar holds a few dates a year: name a calendar of holidays only"
            ));
        }
    }
    Ok(dates.into_iter().collect())
}

/// Refuses components nested deeper than `MAX_NESTING`. Counts every line that starts with
/// `BEGIN:` or `END:` in any case, as the parser matches them, so the parser never recurses
/// deeper than the count allows.
fn check_nesting(unfolded: &str) -> Result<(), String> {
    let starts = |line: &str, tag: &str| {
        line.get(..tag.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(tag))
    };
    let mut depth: usize = 0;
    for (n, line) in unfolded.lines().enumerate() {
        let line = line.trim_start();
        if starts(line, "BEGIN:") {
            depth += 1;
            if depth > MAX_NESTING {
                return Err(format!(
                    "line {}: components nest more than {MAX_NESTING} deep (BEGIN: inside BEGIN:); a holiday calendar nests three deep (VCALENDAR, VEVENT, VALARM): export the calendar again",
                    n + 1
                ));
            }
        } else if starts(line, "END:") {
            depth = depth.saturating_sub(1);
        }
    }
    Ok(())
}

/// Where icalendar's parse error says it stopped (` (stopped near line 3)`), without the
/// line itself, which it quotes: the path may name any file (a credentials file's first
/// line is a URL with a password), and a hostile line may be megabytes long.
fn stopped_at(error: &str) -> String {
    error
        .split("at line ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .filter(|n| !n.is_empty())
        .map_or_else(String::new, |n| format!(" (stopped near line {n})"))
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

    /// Found by the `ics` fuzz target's review: icalendar's parser recursed once per nested
    /// `BEGIN:` and 20,000 of them overflowed the stack (an abort, not an error).
    #[test]
    fn deep_nesting_is_refused_before_parsing() {
        let deep = |n: usize, begin: &str| {
            format!(
                "BEGIN:VCALENDAR\r\n{}{}END:VCALENDAR\r\n",
                format!("{begin}:X\r\n").repeat(n),
                "END:X\r\n".repeat(n)
            )
        };
        let err = parse_ics_holidays(&deep(20_000, "BEGIN")).unwrap_err();
        assert_eq!(
            err,
            "line 17: components nest more than 16 deep (BEGIN: inside BEGIN:); a holiday calendar nests three deep (VCALENDAR, VEVENT, VALARM): export the calendar again"
        );
        // The parser matches BEGIN in any case, and so does the count.
        assert!(
            parse_ics_holidays(&deep(20_000, "begin"))
                .unwrap_err()
                .starts_with("line 17: components nest")
        );
        // Fifteen levels under VCALENDAR are still read (and hold no events).
        assert_eq!(parse_ics_holidays(&deep(15, "BEGIN")), Ok(vec![]));
        // Siblings do not add up: a thousand events one after another nest two deep.
        let siblings = "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n".repeat(1000);
        let many = event("DTSTART;VALUE=DATE:20260501\r\n")
            .replace("BEGIN:VEVENT", &format!("{siblings}BEGIN:VEVENT"));
        assert_eq!(parse_ics_holidays(&many), Ok(vec![d(2026, 5, 1)]));
    }

    /// The parser's error quotes the line it stopped at: `holidays_ics` naming a
    /// credentials file put its first line, password and all, into the error. Only the
    /// line's number is said.
    #[test]
    fn parse_errors_quote_no_line_of_the_file() {
        let creds = "https://user:s3cret@git.example.com\n";
        assert_eq!(
            parse_ics_holidays(creds).unwrap_err(),
            "not a readable iCalendar file (stopped near line 1); name the .ics file a \
             calendar exported"
        );
        let long = format!("{}\r\nBEGIN:VCALENDAR\r\n", "é".repeat(50_000));
        let err = parse_ics_holidays(&long).unwrap_err();
        assert!(!err.contains('é'), "{err}");
        assert!(err.starts_with("not a readable iCalendar file"), "{err}");
        assert_eq!(stopped_at("no position"), "");
    }

    /// A DTSTART or DTEND the parser cannot read dropped the event (or gave it one day)
    /// without a word: the holiday was lost.
    #[test]
    fn unreadable_dates_are_refused_naming_the_event() {
        assert_eq!(
            parse_ics_holidays(&event(
                "SUMMARY:New Year\r\nDTSTART;VALUE=DATE:2026O101\r\n"
            )),
            Err(
                "event \"New Year\" has DTSTART \"2026O101\", which is neither a date \
                 (20261225) nor a date and time; fix the event or export the calendar again"
                    .to_string()
            )
        );
        let err = parse_ics_holidays(&event(
            "SUMMARY:Break\r\nDTSTART;VALUE=DATE:20261224\r\nDTEND;VALUE=DATE:2026-12-27\r\n",
        ))
        .unwrap_err();
        assert!(
            err.starts_with("event \"Break\" has DTEND \"2026-12-27\""),
            "{err}"
        );
        // A timed meeting's broken DTEND refuses the file too (README, "Limits and
        // safety"): the export that wrote it may have broken a holiday's as well.
        let err = parse_ics_holidays(&event(
            "SUMMARY:Standup\r\nDTSTART:20261201T090000Z\r\nDTEND:2026-12-01 10:00\r\n",
        ))
        .unwrap_err();
        assert!(
            err.starts_with("event \"Standup\" has DTEND \"2026-12-01 10:00\", which is neither"),
            "{err}"
        );
        // A timed event is still a meeting, skipped, whatever zone it names (Outlook writes
        // Windows zone names).
        for start in [
            "DTSTART:20261224T090000Z",
            "DTSTART:20261224T090000",
            "DTSTART;TZID=Europe/Berlin:20261224T090000",
            "DTSTART;TZID=W. Europe Standard Time:20261224T090000",
            "DTSTART;TZID=\"Custom Zone\":20261224T090000",
        ] {
            let text = event(&format!("{start}\r\nDTEND;TZID=X:20261224T100000\r\n"));
            assert_eq!(parse_ics_holidays(&text), Ok(vec![]), "{start}");
        }
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

    /// Year-long events make 366 dates each from a line or two: a 16 MiB calendar of them
    /// would make 300 million. Past 10,000 dates the file is refused naming the event.
    #[test]
    fn too_many_dates_are_refused_naming_the_event() {
        let years = |last: i32| -> String {
            let events: String = (2000..=last)
                .map(|y| {
                    format!(
                        "BEGIN:VEVENT\r\nSUMMARY:Year {y}\r\nDTSTART;VALUE=DATE:{y}0101\r\nDTEND;VALUE=DATE:{}0101\r\nEND:VEVENT\r\n",
                        y + 1
                    )
                })
                .collect();
            format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n")
        };
        // 2000 to 2027 hold 10,227 days; the 28th year passes 10,000 (27 years: 9,862).
        assert_eq!(
            parse_ics_holidays(&years(2027)),
            Err("more than 10000 holiday dates by event \"Year 2027\" (2027-01-01 to 2028-01-01); a holidays calendar holds a few dates a year: name a calendar of holidays only".to_string())
        );
        assert_eq!(parse_ics_holidays(&years(2026)).map(|d| d.len()), Ok(9_862));
    }
}
