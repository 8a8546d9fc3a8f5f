//! The small text formats inside the configuration: durations (`1h30m`) and a day's open
//! hours (`08:00-12:00,13:00-17:00`), parsed and written back in one canonical form.

use crate::error::shown;

/// Seconds per duration unit, largest first; a duration lists its units in this order.
const UNITS: [(char, i64); 4] = [('d', 86_400), ('h', 3_600), ('m', 60), ('s', 1)];

/// The longest duration the configuration accepts: 365 days. No SLA target, overlap,
/// prebook window or wait is meant to be longer, and the bound keeps every deadline
/// computed from one inside the dates chrono can hold.
pub const MAX_DURATION_SECS: i64 = 365 * 86_400;

/// Parses a duration such as `15m`, `4h`, `2d`, `1h30m`, `90s` or `1d12h` into seconds.
///
/// Each unit (d, h, m, s) appears at most once, largest first, each with a whole number;
/// a bare number is refused because its unit would be a guess. At most
/// [`MAX_DURATION_SECS`] (`365d`).
pub fn parse_duration(raw: &str) -> Result<i64, String> {
    let text = raw.trim();
    // Messages show the value cut to a few dozen characters.
    let s = &shown(raw);
    if text.is_empty() {
        return Err("empty duration; write it like \"15m\", \"4h\", \"2d\" or \"1h30m\"".into());
    }
    let mut total: i64 = 0;
    let mut digits = String::new();
    // Index into UNITS of the next unit allowed, so `30m1h` and `1h1h` are refused.
    let mut next_unit = 0;
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let Some(pos) = UNITS.iter().position(|&(u, _)| u == c) else {
            return Err(format!(
                "duration {s} has an unknown unit {c:?}; units are d (days), h (hours), m (minutes), s (seconds), e.g. \"1h30m\""
            ));
        };
        if digits.is_empty() {
            return Err(format!(
                "duration {s} has a unit without a number before it; write it like \"1h30m\""
            ));
        }
        if pos < next_unit {
            return Err(format!(
                "duration {s} repeats a unit or lists them out of order; write days, hours, minutes, seconds in that order, each once, e.g. \"1d12h\""
            ));
        }
        next_unit = pos + 1;
        let too_large = || {
            format!(
                "duration {s} is too large: the longest accepted is {} (365 days)",
                format_duration(MAX_DURATION_SECS)
            )
        };
        let amount: i64 = digits.parse().map_err(|_| too_large())?;
        total = amount
            .checked_mul(UNITS[pos].1)
            .and_then(|secs| total.checked_add(secs))
            .filter(|&t| t <= MAX_DURATION_SECS)
            .ok_or_else(too_large)?;
        digits.clear();
    }
    if !digits.is_empty() {
        // A number too long to be meant is not repeated back.
        if digits.len() > 9 {
            digits = "15".into();
        }
        return Err(if next_unit == 0 {
            format!(
                "duration {s} has no unit; write e.g. \"{digits}m\" for minutes or \"{digits}h\" for hours"
            )
        } else {
            format!("duration {s} ends with a number without a unit; add d, h, m or s")
        });
    }
    Ok(total)
}

/// Writes seconds in the canonical form `parse_duration` reads: largest units first,
/// zero parts left out, `0s` for zero. `36h` and `1d12h` both become `1d12h`.
pub fn format_duration(seconds: i64) -> String {
    if seconds == 0 {
        return "0s".into();
    }
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, size) in UNITS {
        let n = rest / size;
        if n != 0 {
            out.push_str(&format!("{n}{unit}"));
            rest -= n * size;
        }
    }
    out
}

/// Parses a day's open hours into `[start, end)` pairs of seconds after local midnight.
///
/// `""` means closed; ranges are `HH:MM-HH:MM` separated by commas, increasing and not
/// overlapping (touching is fine); an end may be `24:00`.
pub fn parse_day_ranges(raw: &str) -> Result<Vec<(u32, u32)>, String> {
    let text = raw.trim();
    let s = &shown(raw);
    if text.is_empty() {
        return Ok(Vec::new());
    }
    let mut ranges: Vec<(u32, u32)> = Vec::new();
    for part in text.split(',') {
        let part = part.trim();
        let p = shown(part);
        let (a, b) = part
            .split_once('-')
            .ok_or_else(|| format!("open hours {s}: {p} is not a range; write \"09:00-18:00\""))?;
        let start = parse_clock_time(a.trim(), false)
            .map_err(|e| format!("open hours {s}: start of {p} {e}"))?;
        let end = parse_clock_time(b.trim(), true)
            .map_err(|e| format!("open hours {s}: end of {p} {e}"))?;
        if start >= end {
            return Err(format!(
                "open hours {s}: {p} is empty or backwards; a range must end after it starts, within one day (a night shift is \"22:00-24:00\" on one day and \"00:00-06:00\" on the next)"
            ));
        }
        if let Some(&(_, prev_end)) = ranges.last()
            && start < prev_end
        {
            return Err(format!(
                "open hours {s}: {p} overlaps or comes before the range before it; list ranges in increasing order without overlap"
            ));
        }
        ranges.push((start, end));
    }
    Ok(ranges)
}

/// `HH:MM` to seconds after midnight; `24:00` only where it ends a range.
fn parse_clock_time(t: &str, is_end: bool) -> Result<u32, String> {
    let bad = || {
        format!(
            "{} is not a time; write HH:MM, e.g. \"09:00\" or \"17:30\"",
            shown(t)
        )
    };
    let (h, m) = t.split_once(':').ok_or_else(bad)?;
    let two_digits = |x: &str| x.len() == 2 && x.bytes().all(|b| b.is_ascii_digit());
    if !two_digits(h) || !two_digits(m) {
        return Err(bad());
    }
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h == 24 && m == 0 && is_end {
        return Ok(86_400);
    }
    if h > 23 || m > 59 {
        return Err(format!(
            "{} is not a time of day (00:00 to 23:59; 24:00 only as an end)",
            shown(t)
        ));
    }
    Ok(h * 3600 + m * 60)
}

/// Writes open hours back as `parse_day_ranges` reads them, `""` for closed.
pub fn format_day_ranges(ranges: &[(u32, u32)]) -> String {
    let hm = |s: u32| format!("{:02}:{:02}", s / 3600, s % 3600 / 60);
    ranges
        .iter()
        .map(|&(a, b)| format!("{}-{}", hm(a), hm(b)))
        .collect::<Vec<_>>()
        .join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_in_every_documented_form() {
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("4h"), Ok(14_400));
        assert_eq!(parse_duration("2d"), Ok(172_800));
        assert_eq!(parse_duration("1h30m"), Ok(5_400));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("1d12h"), Ok(129_600));
        assert_eq!(parse_duration("1d2h3m4s"), Ok(93_784));
        assert_eq!(parse_duration(" 0m "), Ok(0));
    }

    #[test]
    fn durations_refused_with_a_reason() {
        for bad in [
            "", "  ", "15", "4x", "h", "1h1h", "30m1h", "1.5h", "-5m", "1h 30m", "1h30",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(parse_duration("15").unwrap_err().contains("no unit"));
        assert!(
            parse_duration("4x")
                .unwrap_err()
                .contains("unknown unit 'x'")
        );
        assert!(
            parse_duration("30m1h")
                .unwrap_err()
                .contains("out of order")
        );
        assert!(
            parse_duration("99999999999999999999d")
                .unwrap_err()
                .contains("too large")
        );
        assert!(
            parse_duration("999999999999999d")
                .unwrap_err()
                .contains("too large")
        );
        // One year is the limit: its last second passes, the next one does not.
        assert_eq!(parse_duration("365d"), Ok(MAX_DURATION_SECS));
        assert_eq!(parse_duration("364d23h59m60s"), Ok(MAX_DURATION_SECS));
        assert_eq!(
            parse_duration("365d1s").unwrap_err(),
            "duration \"365d1s\" is too large: the longest accepted is 365d (365 days)"
        );
        assert!(parse_duration("100000000d").unwrap_err().contains("365d"));
        // A huge value is echoed cut, not whole.
        let long = format!("{}x", "9".repeat(5_000_000));
        assert!(parse_duration(&long).unwrap_err().len() < 300);
        let long = "9".repeat(5_000_000);
        assert!(parse_duration(&long).unwrap_err().len() < 300);
    }

    #[test]
    fn durations_written_canonically() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(900), "15m");
        assert_eq!(format_duration(129_600), "1d12h");
        assert_eq!(format_duration(93_784), "1d2h3m4s");
        assert_eq!(format_duration(parse_duration("36h").unwrap()), "1d12h");
    }

    #[test]
    fn day_ranges_in_every_documented_form() {
        assert_eq!(parse_day_ranges(""), Ok(vec![]));
        assert_eq!(parse_day_ranges("09:00-18:00"), Ok(vec![(32_400, 64_800)]));
        assert_eq!(
            parse_day_ranges("08:00-12:00, 13:00-17:00"),
            Ok(vec![(28_800, 43_200), (46_800, 61_200)])
        );
        assert_eq!(parse_day_ranges("22:00-24:00"), Ok(vec![(79_200, 86_400)]));
        assert_eq!(
            parse_day_ranges("00:00-06:00,06:00-07:30"),
            Ok(vec![(0, 21_600), (21_600, 27_000)])
        );
    }

    #[test]
    fn day_ranges_refused_with_a_reason() {
        for bad in [
            "9-18",
            "09:00",
            "09:00-09:00",
            "18:00-09:00",
            "24:00-24:00",
            "09:00-24:30",
            "10:00-12:00,11:00-13:00",
            "13:00-14:00,08:00-09:00",
            "09:60-10:00",
            "9:00-10:00",
            "09:00-18:00,",
        ] {
            assert!(parse_day_ranges(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(
            parse_day_ranges("10:00-12:00,11:00-13:00")
                .unwrap_err()
                .contains("overlaps")
        );
    }

    #[test]
    fn day_ranges_written_canonically() {
        assert_eq!(format_day_ranges(&[]), "");
        assert_eq!(
            format_day_ranges(&[(28_800, 43_200), (46_800, 86_400)]),
            "08:00-12:00,13:00-24:00"
        );
    }
}
