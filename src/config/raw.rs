//! The TOML schema exactly as SPEC §3 writes it: every key optional, unknown keys refused.
//!
//! Checked values are the newtypes of `fields`, so a bad one fails with its line. Checks
//! that span several keys (status classes, paths) happen in `resolve` with `Spanned` values.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use toml::Spanned;
use toml::de::DeTable;

use crate::settings::ClockMode;

use super::delivery::{AddressValue, GoalNumber, MailboxValue, SmtpValue};
use super::errors::Source;
use super::fields::{
    ClockValue, Concurrency, DayRanges, Duration, FlavorValue, Fraction, HolidayDate, JiraUrl,
    NonEmpty, Pattern, Timezone, Weight,
};

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
    /// `[goals]`: column name to the number to reach; keys are checked in `resolve`.
    #[serde(default)]
    pub goals: BTreeMap<String, Spanned<GoalNumber>>,
    #[serde(default)]
    pub delivery: RawDelivery,
}

/// `[delivery]` (SPEC §7). Credentials are refused here like in `[jira]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, expecting = "a [delivery] table")]
pub struct RawDelivery {
    pub smtp: Option<Spanned<SmtpValue>>,
    pub from: Option<MailboxValue>,
    pub leads: Option<Vec<AddressValue>>,
    pub engineers: Option<Spanned<bool>>,
    pub webhook: Option<bool>,
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
    pub emails: Option<BTreeMap<String, AddressValue>>,
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
    const JIRA: &str = "secrets are never read from the config file: remove this key and set SUPPORTLENS_JIRA_USER (Cloud: your email) and SUPPORTLENS_JIRA_TOKEN (Cloud: API token; Server/DC: personal access token) in the environment";
    const DELIVERY: &str = "secrets are never read from the config file: remove this key and set SUPPORTLENS_SMTP_USER and SUPPORTLENS_SMTP_PASSWORD (mail) or SUPPORTLENS_WEBHOOK_URL (the webhook) in the environment";
    for (table, keys, message) in [
        ("jira", &SECRET_KEYS[..], JIRA),
        ("delivery", &DELIVERY_SECRET_KEYS[..], DELIVERY),
    ] {
        let found = doc
            .iter()
            .find(|(k, _)| k.get_ref() == table)
            .and_then(|(_, v)| v.get_ref().as_table());
        for (key, _) in found.into_iter().flat_map(|t| t.iter()) {
            if keys.contains(&key.get_ref().as_ref()) {
                return Err(src.problem(
                    Some(key.span()),
                    &format!("{table}.{}", key.get_ref()),
                    message,
                ));
            }
        }
    }
    Ok(())
}

/// Keys someone might use to put credentials or the webhook address in `[delivery]`.
const DELIVERY_SECRET_KEYS: [&str; 7] = [
    "user",
    "username",
    "password",
    "smtp_user",
    "smtp_password",
    "webhook_url",
    "url",
];

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
