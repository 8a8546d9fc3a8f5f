//! The TOML schema exactly as SPEC §3 writes it: every key optional, unknown keys refused.
//!
//! Each checked value (duration, open hours, zone, pattern, flavor, ...) is a newtype whose
//! `Deserialize` validates inside the visitor, so toml attaches the value's span to the
//! error and the message can name its line. Checks that span several keys (status classes,
//! paths) happen in `resolve` with `Spanned` values.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use chrono::NaiveDate;
use chrono_tz::Tz;
use regex::Regex;
use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::de::DeTable;

use crate::settings::{ClockMode, Flavor};

use super::errors::Source;
use super::values::{parse_day_ranges, parse_duration};

/// The whole file.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "TOML tables such as [jira], [team], [calendar]"
)]
pub struct RawConfig {
    #[serde(default)]
    pub jira: RawJira,
    #[serde(default)]
    pub team: RawTeam,
    #[serde(default)]
    pub calendar: RawCalendar,
    #[serde(default)]
    pub types: RawTypes,
    #[serde(default)]
    pub statuses: RawStatuses,
    #[serde(default)]
    pub products: RawProducts,
    #[serde(default)]
    pub sla: RawSla,
    #[serde(default)]
    pub escalation: RawEscalation,
    #[serde(default)]
    pub calls: RawCalls,
    #[serde(default)]
    pub hygiene: RawHygiene,
    #[serde(default)]
    pub score: RawScore,
}

/// `[jira]`. Secret-looking keys are refused before this schema runs (`check_no_secrets`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [jira] table")]
pub struct RawJira {
    pub url: Option<JiraUrl>,
    pub flavor: Option<FlavorValue>,
    pub jql: Option<Spanned<String>>,
    pub concurrency: Option<Concurrency>,
    pub overlap: Option<Duration>,
}

/// `[team]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [team] table")]
pub struct RawTeam {
    pub timezone: Option<Timezone>,
    pub engineers: Option<Vec<String>>,
    pub leads: Option<Vec<String>>,
    pub bots: Option<Vec<String>>,
}

/// `[calendar]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [calendar] table")]
pub struct RawCalendar {
    pub timezone: Option<Timezone>,
    pub mon: Option<DayRanges>,
    pub tue: Option<DayRanges>,
    pub wed: Option<DayRanges>,
    pub thu: Option<DayRanges>,
    pub fri: Option<DayRanges>,
    pub sat: Option<DayRanges>,
    pub sun: Option<DayRanges>,
    pub holidays: Option<Vec<HolidayDate>>,
    pub holidays_ics: Option<Spanned<String>>,
}

/// `[types]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [types] table")]
pub struct RawTypes {
    pub incident: Option<Vec<String>>,
    pub query: Option<Vec<String>>,
    pub severity_field: Option<NonEmpty>,
    pub excluded_resolutions: Option<Vec<String>>,
}

/// `[statuses]`; names keep their spans so a name in two classes can be pointed at.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [statuses] table")]
pub struct RawStatuses {
    pub waiting_on_us: Option<Vec<Spanned<String>>>,
    pub in_progress: Option<Vec<Spanned<String>>>,
    pub waiting_on_customer: Option<Vec<Spanned<String>>>,
    pub done: Option<Vec<Spanned<String>>>,
}

/// `[products]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [products] table")]
pub struct RawProducts {
    pub labels: Option<Vec<String>>,
}

/// `[sla]`: one group per clock kind.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "[sla.ack.*] and [sla.update.*] tables"
)]
pub struct RawSla {
    pub ack: Option<RawSlaGroup>,
    pub update: Option<RawSlaGroup>,
}

/// `[sla.<clock>]`: one table per ticket type.
#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "[sla.<clock>.incident], .query or .other tables"
)]
pub struct RawSlaGroup {
    pub incident: Option<RawSlaTable>,
    pub query: Option<RawSlaTable>,
    pub other: Option<RawSlaTable>,
}

/// `[sla.<clock>.<type>]`: `clock`, `default` and any severity name (lower-cased).
#[derive(Debug, Default)]
pub struct RawSlaTable {
    pub clock: Option<ClockMode>,
    pub default: Option<i64>,
    pub by_severity: BTreeMap<String, i64>,
}

/// `[escalation]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "an [escalation] table")]
pub struct RawEscalation {
    pub labels: Option<Vec<String>>,
    pub early_fraction: Option<Fraction>,
}

/// `[calls]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [calls] table")]
pub struct RawCalls {
    pub worklog_pattern: Option<Pattern>,
    pub notes_pattern: Option<Pattern>,
}

/// `[hygiene]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [hygiene] table")]
pub struct RawHygiene {
    pub prebook_after: Option<Duration>,
}

/// `[score]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [score] table")]
pub struct RawScore {
    pub ack: Option<Weight>,
    pub update: Option<Weight>,
    pub continuity: Option<Weight>,
    pub time_logging: Option<Weight>,
    pub calls: Option<Weight>,
    pub wip: Option<Weight>,
}

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
        "unknown time zone {s:?}; use an IANA name such as \"UTC\", \"Europe/London\" or \"Asia/Colombo\""
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
            "clock {s:?} is not known; use \"24x7\" (every second counts) or \"business\" (only [calendar] open hours)"
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
            "flavor {s:?} is not known; use \"cloud\" (Jira Cloud, API v3) or \"server\" (Jira Server / Data Center, API v2)"
        )),
    }
}

/// Accepts "" (not set) or an http(s) URL; a trailing `/` is dropped so request paths join
/// cleanly and equal settings give equal effective text.
pub fn parse_jira_url(s: &str) -> Result<String, String> {
    let url = s.trim().trim_end_matches('/');
    if url.is_empty() {
        return Ok(String::new());
    }
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && !host.contains(char::is_whitespace) => {
            Ok(url.to_string())
        }
        _ => Err(format!(
            "JIRA URL {s:?} is not an http(s) URL; write the base address, e.g. \"https://support.example.com\""
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

/// A `[score]` weight, a finite number >= 0.
#[derive(Debug, Clone, Copy)]
pub struct Weight(pub f64);

impl<'de> Deserialize<'de> for Weight {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        number(d, "a weight (a number >= 0)", |x| {
            if x.is_finite() && x >= 0.0 {
                Ok(x)
            } else {
                Err(format!(
                    "weight {x} must be a number >= 0 (0 leaves the component out)"
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
        format!("holiday {s:?} is not a date; write \"YYYY-MM-DD\", e.g. \"2026-12-25\"")
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

/// Keys someone might use to put credentials in `[jira]`.
const SECRET_KEYS: [&str; 6] = [
    "user",
    "username",
    "email",
    "token",
    "api_token",
    "password",
];

/// Refuses credentials in `[jira]` with a pointer to the environment variables, rather than
/// a bare "unknown field". Runs on the parsed document, before the schema, and never puts
/// the value into the message (a pasted token must not reach a terminal or a log).
pub fn check_no_secrets(doc: &DeTable<'_>, src: &Source) -> anyhow::Result<()> {
    let jira = doc
        .iter()
        .find(|(k, _)| k.get_ref() == "jira")
        .and_then(|(_, v)| v.get_ref().as_table());
    for (key, _) in jira.into_iter().flat_map(|t| t.iter()) {
        if SECRET_KEYS.contains(&key.get_ref().as_ref()) {
            return Err(src.problem(
                Some(key.span()),
                &format!("jira.{}", key.get_ref()),
                "secrets are never read from the config file: remove this key and set SUPPORTLENS_JIRA_USER (Cloud: your email) and SUPPORTLENS_JIRA_TOKEN (Cloud: API token; Server/DC: personal access token) in the environment",
            ));
        }
    }
    Ok(())
}

impl<'de> Deserialize<'de> for RawSlaTable {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V(PhantomData<RawSlaTable>);
        impl<'de> Visitor<'de> for V {
            type Value = RawSlaTable;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a table of targets: clock = \"24x7\" | \"business\", default = \"24h\", and one duration per severity name")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawSlaTable, A::Error> {
                let mut table = RawSlaTable::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "clock" => table.clock = Some(map.next_value::<ClockValue>()?.0),
                        "default" => table.default = Some(map.next_value::<Duration>()?.0),
                        _ => {
                            let target = map.next_value::<Duration>()?.0;
                            // Severities are compared lower-cased (SPEC §1).
                            let severity = key.trim().to_lowercase();
                            if severity == "clock" || severity == "default" {
                                return Err(de::Error::custom(format!(
                                    "write `{severity}` in lower case; it is not a severity name"
                                )));
                            }
                            if severity.is_empty() {
                                return Err(de::Error::custom(
                                    "an empty severity name; name the severity, e.g. high = \"8h\"",
                                ));
                            }
                            if table.by_severity.insert(severity.clone(), target).is_some() {
                                return Err(de::Error::custom(format!(
                                    "severity {severity:?} is given twice (names are compared lower-cased); keep one"
                                )));
                            }
                        }
                    }
                }
                Ok(table)
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}
