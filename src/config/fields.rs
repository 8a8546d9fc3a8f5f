//! The checked values inside the TOML schema: durations, open hours, zones, patterns,
//! flavors, numbers with a range, dates. Each `Deserialize` validates inside its visitor, so
//! toml attaches the value's span to the error and the message can name its line.

use std::fmt;

use chrono::NaiveDate;
use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};

use crate::error::{shown, shown_url};
use crate::settings::{ClockMode, Flavor};

use super::values::{parse_day_ranges, parse_duration};

/// A newtype read from a TOML string by a checking function; the check runs inside the
/// visitor so toml adds the value's position to the error.
macro_rules! string_value {
    ($(#[$doc:meta])* $name:ident($inner:ty), $expecting:literal, $parse:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub $inner);

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str($expecting)
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<$name, E> {
                        let parse: fn(&str) -> Result<$inner, String> = $parse;
                        parse(s).map($name).map_err(E::custom)
                    }
                }
                d.deserialize_str(V)
            }
        }
    };
}
pub(super) use string_value;

string_value!(
    /// Seconds, written `15m`, `4h`, `1h30m`.
    Duration(i64),
    "a duration such as \"15m\", \"4h\" or \"1h30m\"",
    parse_duration
);

string_value!(
    /// A day's open hours, `[start, end)` seconds after local midnight.
    DayRanges(Vec<(u32, u32)>),
    "open hours such as \"09:00-18:00\", or \"\" for closed",
    parse_day_ranges
);

string_value!(
    /// An IANA time zone.
    Timezone(Tz),
    "an IANA time zone name such as \"UTC\" or \"Europe/London\"",
    |s| s.parse::<Tz>().map_err(|_| format!(
        "unknown time zone {}; use an IANA name such as \"UTC\", \"Europe/London\" or \"Asia/Colombo\"",
        shown(s)
    ))
);

string_value!(
    /// A regular expression that compiles.
    Pattern(Regex),
    "a regular expression",
    |s| Regex::new(s).map_err(|e| format!("not a valid regular expression: {e}"))
);

string_value!(
    /// `cloud` or `server`.
    FlavorValue(Flavor),
    "\"cloud\" or \"server\"",
    parse_flavor
);

string_value!(
    /// `24x7` or `business`.
    ClockValue(ClockMode),
    "\"24x7\" or \"business\"",
    |s| match s {
        "24x7" => Ok(ClockMode::TwentyFourSeven),
        "business" => Ok(ClockMode::Business),
        _ => Err(format!(
            "clock {} is not known; use \"24x7\" (every second counts) or \"business\" (only [calendar] open hours)",
            shown(s)
        )),
    }
);

string_value!(
    /// A JIRA base URL, or "" when not set.
    JiraUrl(String),
    "a URL such as \"https://support.example.com\"",
    parse_jira_url
);

string_value!(
    /// A string that must not be empty.
    NonEmpty(String),
    "a non-empty string",
    |s| if s.trim().is_empty() {
        Err("must not be empty".to_string())
    } else {
        Ok(s.trim().to_string())
    }
);

/// Reads `cloud` or `server` (any case), as the file and `--flavor` both write it.
pub fn parse_flavor(s: &str) -> Result<Flavor, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "cloud" => Ok(Flavor::Cloud),
        "server" => Ok(Flavor::Server),
        _ => Err(format!(
            "flavor {} is not known; use \"cloud\" (Jira Cloud, API v3) or \"server\" (Jira Server / Data Center, API v2)",
            shown(s)
        )),
    }
}

/// Accepts "" (not set) or an http(s) URL; a trailing `/` is dropped so request paths join
/// cleanly and equal settings give equal effective text. A URL holding a user name or
/// password (`https://user:secret@host`), a query or a fragment is refused: it would be
/// printed into every ticket link of the page and into `run.json`'s configuration. Messages never repeat a URL whole:
/// user info is masked and the rest cut.
pub fn parse_jira_url(s: &str) -> Result<String, String> {
    let url = s.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(String::new());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    let host = rest.map(|r| &r[..r.find(['/', '?', '#']).unwrap_or(r.len())]);
    match host {
        Some(host) if host.contains('@') => Err(
            "the JIRA URL holds a user name or password (user:password@); remove it: the \
             account goes in SUPPORTLENS_JIRA_USER and the token in SUPPORTLENS_JIRA_TOKEN"
                .to_string(),
        ),
        // A base URL has no query or fragment (every request path goes after it); one there
        // is often a pasted token, which would travel in every request URL and every message
        // naming one, and be written into every ticket link of every page.
        Some(_) if url.contains(['?', '#']) => Err(
            "the JIRA URL holds a query or fragment (?… or #…); write the base address only, \
             e.g. \"https://support.example.com\" (the token goes in SUPPORTLENS_JIRA_TOKEN)"
                .to_string(),
        ),
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(url.to_string()),
        _ => Err(format!(
            "JIRA URL {} is not an http(s) URL; write the base address, e.g. \"https://support.example.com\"",
            shown_url(s.trim())
        )),
    }
}

/// `[jira] concurrency`: parallel per-issue requests, at least 1.
#[derive(Debug, Clone, Copy)]
pub struct Concurrency(pub usize);

impl<'de> Deserialize<'de> for Concurrency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Concurrency;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number of parallel requests, at least 1")
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<Concurrency, E> {
                usize::try_from(n)
                    .ok()
                    .filter(|&n| n >= 1)
                    .map(Concurrency)
                    .ok_or_else(|| E::custom(format!("concurrency {n} must be at least 1")))
            }
        }
        d.deserialize_i64(V)
    }
}

/// A number that may be written as an integer or a float, checked by `check`.
fn number<'de, D: Deserializer<'de>>(
    d: D,
    expecting: &'static str,
    check: fn(f64) -> Result<f64, String>,
) -> Result<f64, D::Error> {
    struct V {
        expecting: &'static str,
        check: fn(f64) -> Result<f64, String>,
    }
    impl Visitor<'_> for V {
        type Value = f64;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str(self.expecting)
        }
        fn visit_i64<E: de::Error>(self, n: i64) -> Result<f64, E> {
            (self.check)(n as f64).map_err(E::custom)
        }
        fn visit_f64<E: de::Error>(self, n: f64) -> Result<f64, E> {
            (self.check)(n).map_err(E::custom)
        }
    }
    d.deserialize_any(V { expecting, check })
}

/// `[escalation] early_fraction`, within [0, 1].
#[derive(Debug, Clone, Copy)]
pub struct Fraction(pub f64);

impl<'de> Deserialize<'de> for Fraction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number(d, "a number from 0 to 1", |x| {
            if (0.0..=1.0).contains(&x) {
                Ok(x)
            } else {
                Err(format!(
                    "{x} is not a fraction; use a number from 0 to 1, e.g. 0.25"
                ))
            }
        })
        .map(Fraction)
    }
}

/// The largest `[score]` weight: weights are relative, and six of them near f64's limit
/// summed to infinity and made every score NaN.
pub const MAX_WEIGHT: f64 = 1_000_000.0;

/// A `[score]` weight, a number from 0 to [`MAX_WEIGHT`].
#[derive(Debug, Clone, Copy)]
pub struct Weight(pub f64);

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number(d, "a weight (a number from 0 to 1000000)", |x| {
            if (0.0..=MAX_WEIGHT).contains(&x) {
                Ok(x)
            } else {
                Err(format!(
                    "weight {x} must be a number from 0 to 1000000 (0 leaves the component out; only the ratios between weights matter)"
                ))
            }
        })
        .map(Weight)
    }
}

/// A holiday: `"2026-12-25"`, or a bare TOML date `2026-12-25`.
#[derive(Debug, Clone, Copy)]
pub struct HolidayDate(pub NaiveDate);

fn parse_holiday(s: &str) -> Result<NaiveDate, String> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        format!(
            "holiday {} is not a date; write \"YYYY-MM-DD\", e.g. \"2026-12-25\"",
            shown(s)
        )
    })
}

impl<'de> Deserialize<'de> for HolidayDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = HolidayDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date \"YYYY-MM-DD\"")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<HolidayDate, E> {
                parse_holiday(s).map(HolidayDate).map_err(E::custom)
            }
            // toml hands its date literals to visitors as a one-entry map; reading it back
            // through toml's own Datetime keeps to the public API.
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<HolidayDate, A::Error> {
                let dt =
                    toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
                match (dt.date, dt.time, dt.offset) {
                    (Some(_), None, None) => parse_holiday(&dt.to_string())
                        .map(HolidayDate)
                        .map_err(de::Error::custom),
                    _ => Err(de::Error::custom(format!(
                        "holiday {dt} has a time; write just the date, e.g. 2026-12-25"
                    ))),
                }
            }
        }
        d.deserialize_any(V)
    }
}
