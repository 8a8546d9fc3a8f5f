//! The JQL an export sends: the user's query, an optional lower bound on `updated`, and the
//! one ordering the pager relies on.
//!
//! Ordering is `updated ASC, key ASC`, replacing any trailing `ORDER BY` the user wrote: in
//! that order a ticket updated while the export pages through the results moves to the end,
//! where the pager sees it a second time, which is how it notices that offsets shifted (see
//! `super::export`). New tickets also land at the end, so they never shift a page.
//!
//! JIRA reads a JQL date (`"2026-11-23 09:15"`, minute precision) in the zone of the
//! account's profile, not in UTC; the bound is therefore written in that zone (asked from
//! `/myself`), rounded down to the minute, and a time that a DST change makes ambiguous is
//! written an hour earlier. The configured overlap covers clock skew between this machine
//! and JIRA.

use chrono::{Duration, LocalResult, TimeZone, Timelike};
use chrono_tz::Tz;

use crate::model::Ts;

/// The ordering appended to every export query.
pub const ORDER: &str = "ORDER BY updated ASC, key ASC";

/// The search JQL: `(<jql without ORDER BY>) AND updated >= "<since>" ORDER BY …`.
pub fn search_jql(user_jql: &str, since: Option<&str>) -> String {
    let base = strip_order_by(user_jql).trim();
    let mut parts = Vec::new();
    if !base.is_empty() {
        parts.push(format!("({base})"));
    }
    if let Some(since) = since {
        parts.push(format!("updated >= \"{since}\""));
    }
    if parts.is_empty() {
        ORDER.to_string()
    } else {
        format!("{} {ORDER}", parts.join(" AND "))
    }
}

/// The query without its trailing `ORDER BY …` clause (matched case-insensitively, outside
/// quoted strings, so a summary search for "order by" stays intact).
pub fn strip_order_by(jql: &str) -> &str {
    let lower = jql.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut quote: Option<u8> = None;
    let mut escaped = false;
    let mut cut = None;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == q {
                quote = None;
            }
            continue;
        }
        match b {
            b'"' | b'\'' => quote = Some(b),
            b'o' if starts_order_by(&lower[i..])
                && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) =>
            {
                cut = Some(i);
            }
            _ => {}
        }
    }
    match cut {
        Some(i) => jql[..i].trim_end(),
        None => jql.trim_end(),
    }
}

/// True when `s` starts with `order`, whitespace, `by`, and then a non-word character.
fn starts_order_by(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("order") else {
        return false;
    };
    let after = rest.trim_start();
    after.len() < rest.len()
        && after.starts_with("by")
        && !after[2..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Checks that the query (without its ORDER BY) closes every quote and bracket it opens,
/// outside quoted strings: the export wraps it as `(<jql>) AND updated >= …`, and a stray
/// `)` or quote would let part of it escape that bound. Returns what is wrong.
pub fn check_jql(jql: &str) -> Result<(), String> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut depth = 0usize;
    for c in strip_order_by(jql).chars() {
        if let Some(q) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == q {
                quote = None;
            }
            continue;
        }
        match c {
            '"' | '\'' => quote = Some(c),
            '(' => depth += 1,
            ')' if depth == 0 => return Err("a ')' closes a bracket that was never opened".into()),
            ')' => depth -= 1,
            _ => {}
        }
    }
    match (quote, depth) {
        (Some(q), _) => Err(format!("a {q} quote is never closed")),
        (None, 0) => Ok(()),
        (None, n) => Err(format!("{n} '(' never closed")),
    }
}

/// `t` as a JQL date in `zone`, rounded down to the minute: `2026-11-23 09:15`.
pub fn jql_time(t: Ts, zone: Tz) -> String {
    let local = t.with_timezone(&zone);
    let floored = local
        .naive_local()
        .with_second(0)
        .and_then(|n| n.with_nanosecond(0));
    let Some(floored) = floored else {
        return local.format("%Y-%m-%d %H:%M").to_string();
    };
    // In the hour a DST change repeats, JIRA may read the text as the later instant, which
    // would start the window late; an hour earlier is read as at or before `t` either way.
    if let LocalResult::Ambiguous(_, later) = zone.from_local_datetime(&floored)
        && later.with_timezone(&chrono::Utc) > t
    {
        return jql_time(t - Duration::hours(1), zone);
    }
    floored.format("%Y-%m-%d %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_ts;

    #[test]
    fn user_ordering_is_replaced() {
        assert_eq!(
            search_jql(
                "project = SUP order  by created DESC",
                Some("2026-11-23 09:15")
            ),
            "(project = SUP) AND updated >= \"2026-11-23 09:15\" ORDER BY updated ASC, key ASC"
        );
        assert_eq!(
            search_jql("summary ~ \"order by\" ORDER BY key", None),
            "(summary ~ \"order by\") ORDER BY updated ASC, key ASC"
        );
        assert_eq!(
            search_jql("reorder by = 1", None),
            "(reorder by = 1) ORDER BY updated ASC, key ASC"
        );
        assert_eq!(search_jql("  ", None), ORDER);
        assert_eq!(
            search_jql("ORDER BY rank", Some("2026-01-01 00:00")),
            "updated >= \"2026-01-01 00:00\" ORDER BY updated ASC, key ASC"
        );
    }

    #[test]
    fn unbalanced_brackets_and_quotes_are_refused() {
        assert_eq!(
            check_jql("project = SUP AND (status = Open OR labels = x)"),
            Ok(())
        );
        assert_eq!(check_jql("summary ~ \"a ) b\" ORDER BY key"), Ok(()));
        assert_eq!(check_jql("summary ~ 'it\\'s (' AND x = 1"), Ok(()));
        assert!(
            check_jql("project = SUP) OR (project = OPS")
                .unwrap_err()
                .contains("never opened")
        );
        assert!(
            check_jql("(project = SUP")
                .unwrap_err()
                .contains("never closed")
        );
        assert!(check_jql("summary ~ \"open").unwrap_err().contains("quote"));
    }

    #[test]
    fn jql_dates_are_in_the_account_zone_rounded_down() {
        let t = parse_ts("2026-11-23T14:15:59.900Z").unwrap();
        assert_eq!(jql_time(t, chrono_tz::UTC), "2026-11-23 14:15");
        assert_eq!(
            jql_time(t, chrono_tz::America::New_York),
            "2026-11-23 09:15"
        );
        assert_eq!(jql_time(t, chrono_tz::Asia::Kolkata), "2026-11-23 19:45");
    }

    #[test]
    fn repeated_dst_hour_is_written_an_hour_earlier() {
        // 2026-11-01 01:30 happens twice in New York; 05:30Z is the first, 06:30Z the second.
        let first = parse_ts("2026-11-01T05:30:00Z").unwrap();
        assert_eq!(
            jql_time(first, chrono_tz::America::New_York),
            "2026-11-01 00:30"
        );
        let second = parse_ts("2026-11-01T06:30:00Z").unwrap();
        assert_eq!(
            jql_time(second, chrono_tz::America::New_York),
            "2026-11-01 01:30"
        );
    }
}
