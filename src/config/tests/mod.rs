//! Tests of loading the configuration, checked by hand against SPEC §3.

mod delivery;
mod loading;
mod messages;

use std::path::Path;

use chrono::NaiveDate;

use super::from_text;
use crate::error::{Failure, Kind};
use crate::settings::Settings;

fn load_str(text: &str) -> anyhow::Result<Settings> {
    from_text(text, Path::new("conf/supportlens.toml"))
}

/// The message of a usage failure; anything else fails the test.
fn usage_error(text: &str) -> String {
    let err = load_str(text).expect_err("the config should be refused");
    let failure = err.downcast_ref::<Failure>().expect("a Failure");
    assert_eq!(failure.kind, Kind::Usage);
    failure.message.clone()
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}
