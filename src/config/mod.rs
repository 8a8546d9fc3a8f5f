//! Configuration: reads `supportlens.toml` (SPEC §3) or the built-in defaults into one
//! validated `Settings`, and writes the commented template `config init` puts on disk.
//!
//! Submodules: `raw` is the serde schema and `fields` its checked values, `resolve` merges it over the defaults, `values`
//! and `ics` parse the small formats inside, `effective` writes the canonical text whose
//! hash goes into `run.json`, and `errors` turns a problem into a message naming the file,
//! line, column and key.

pub mod delivery;
mod effective;
mod errors;
mod fields;
mod ics;
mod raw;
mod resolve;
pub(crate) mod sla;
mod statuses;
mod values;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use crate::error::Failure;
use crate::settings::Settings;

pub use ics::parse_ics_holidays;
pub use values::{format_duration, parse_day_ranges, parse_duration};

/// The file read when `--config` is not given, if it exists.
pub const DEFAULT_FILE: &str = "supportlens.toml";

/// The fully commented configuration `supportlens config init` writes. Loading it gives
/// exactly `defaults()`.
pub fn template() -> &'static str {
    include_str!("template.toml")
}

/// The built-in configuration, used when no file is given and `./supportlens.toml` does not
/// exist. Relative paths stay relative to the current folder.
pub fn defaults() -> Settings {
    // The built-in values are fixed and covered by tests; failing here is a bug, not input.
    resolve::resolve(raw::RawConfig::default(), None, &errors::Source::builtin())
        .expect("the built-in configuration is valid")
}

/// Loads the configuration: `path` if given, else `./supportlens.toml` if it exists, else
/// the built-in defaults. Every problem is a usage failure (exit 2) naming the file, line,
/// column and key, and saying how to fix it.
pub fn load(path: Option<&Path>) -> anyhow::Result<Settings> {
    match path {
        Some(path) => load_file(path),
        None => {
            let path = Path::new(DEFAULT_FILE);
            if path.exists() {
                load_file(path)
            } else {
                Ok(defaults())
            }
        }
    }
}

/// Reads and resolves one file.
fn load_file(path: &Path) -> anyhow::Result<Settings> {
    let text = crate::input_file::read_to_string(path).map_err(|e| {
        Failure::usage(format!(
            "cannot read the config file {}: {e}; check the path given to --config, or write a commented one with `supportlens config init`",
            path.display()
        ))
    })?;
    from_text(&text, path)
}

/// Parses the text of a config file that lives at `path` (relative paths inside it are read
/// from `path`'s folder).
pub fn from_text(text: &str, path: &Path) -> anyhow::Result<Settings> {
    let source = errors::Source::file(path, text);
    let document = toml::de::DeTable::parse(text).map_err(|e| source.syntax(&e))?;
    raw::check_no_secrets(document.get_ref(), &source)?;
    let raw: raw::RawConfig =
        serde::Deserialize::deserialize(toml::de::Deserializer::from(document))
            .map_err(|e| source.schema(&e))?;
    let base = path.parent().unwrap_or(Path::new(""));
    resolve::resolve(raw, Some(base), &source)
}

/// Applies `--jira-url`, `--flavor` and `--jql` (or their environment variables; the caller
/// decides which wins) over the file's values, and updates `effective` to match.
/// A relative `jql` is read from the current folder, as a command-line path is.
pub fn apply_overrides(
    settings: &mut Settings,
    url: Option<String>,
    flavor: Option<String>,
    jql: Option<PathBuf>,
) -> anyhow::Result<()> {
    if let Some(url) = url {
        settings.jira.url = fields::parse_jira_url(&url)
            .map_err(|e| Failure::usage(format!("--jira-url / SUPPORTLENS_JIRA_URL: {e}")))?;
    }
    if let Some(flavor) = flavor {
        settings.jira.flavor =
            fields::parse_flavor(&flavor).map_err(|e| Failure::usage(format!("--flavor: {e}")))?;
    }
    if let Some(jql) = jql {
        if jql.as_os_str().is_empty() {
            return Err(Failure::usage(
                "--jql: empty path; name the file holding the JQL, e.g. --jql queries/support.jql",
            )
            .into());
        }
        settings.jira.jql = jql;
    }
    settings.effective = effective::effective_text(settings);
    Ok(())
}
