//! Turning a configuration problem into a usage failure that names the file, the line and
//! column, the key, and what to do. The offending line is never echoed, so a secret pasted
//! into the file cannot reach a terminal or a log through an error.

use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};

use crate::error::{Failure, cut};

/// Where the text being resolved came from, to locate byte offsets.
pub struct Source<'a> {
    /// The file, or `None` for the built-in defaults.
    path: Option<&'a Path>,
    text: &'a str,
}

impl<'a> Source<'a> {
    /// A config file and its text.
    pub fn file(path: &'a Path, text: &'a str) -> Source<'a> {
        Source {
            path: Some(path),
            text,
        }
    }

    /// The built-in defaults (no file, no lines).
    pub fn builtin() -> Source<'static> {
        Source {
            path: None,
            text: "",
        }
    }

    /// The config file, if any.
    pub fn path(&self) -> Option<&'a Path> {
        self.path
    }

    /// The file's name as messages show it.
    pub fn name(&self) -> String {
        self.path.map_or_else(
            || "built-in defaults".to_string(),
            |p| p.display().to_string(),
        )
    }

    /// A problem at `span` (if known) with `key` (dotted, e.g. `sla.ack.incident.high`).
    pub fn problem(&self, span: Option<Range<usize>>, key: &str, message: &str) -> anyhow::Error {
        let at = span
            .map(|s| {
                let (line, column) = self.line_column(s.start);
                format!("line {line}, column {column}, ")
            })
            .unwrap_or_default();
        Failure::usage(format!(
            "{}: {at}key `{}`: {}",
            self.name(),
            cut(key, 120),
            cut(message, 600)
        ))
        .into()
    }

    /// A TOML syntax error.
    pub fn syntax(&self, err: &toml::de::Error) -> anyhow::Error {
        let at = err
            .span()
            .map(|s| {
                let (line, column) = self.line_column(s.start);
                format!("line {line}, column {column}: ")
            })
            .unwrap_or_default();
        Failure::usage(format!(
            "{}: {at}not valid TOML: {}; fix the syntax (`supportlens config init` writes a commented example)",
            self.name(),
            cut(err.message().trim_end(), 600)
        ))
        .into()
    }

    /// A value or key the schema refuses; the key is found from the error's position.
    pub fn schema(&self, err: &toml::de::Error) -> anyhow::Error {
        let message = &without_string_value(err.message().trim_end());
        let hint = if message.starts_with("unknown field") {
            "; remove it or fix its spelling (`supportlens config init` writes every key with its default)"
        } else if message.starts_with("invalid type") {
            "; see `supportlens config init` for each key's form"
        } else {
            ""
        };
        let message = format!("{message}{hint}");
        match err.span() {
            Some(span) => {
                let key = DeTable::parse(self.text)
                    .ok()
                    .and_then(|doc| key_at(doc.get_ref(), span.start, ""))
                    .unwrap_or_else(|| "(top level)".to_string());
                self.problem(Some(span), &key, &message)
            }
            None => Failure::usage(format!("{}: {}", self.name(), cut(&message, 600))).into(),
        }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let before = self.text.get(..offset).unwrap_or(self.text);
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let column = before[line_start..].chars().count() + 1;
        (line, column)
    }
}

/// serde's "invalid type: string \"…\", expected …" without the string: the value may be
/// a secret pasted into the wrong key, and the key and line already say where it is.
fn without_string_value(message: &str) -> std::borrow::Cow<'_, str> {
    for lead in ["invalid type: string \"", "invalid value: string \""] {
        if let Some(rest) = message.strip_prefix(lead)
            && let Some(end) = rest.rfind("\", expected ")
        {
            let kind = &lead[..lead.len() - "string \"".len()];
            return format!("{kind}a string{}", &rest[end + 1..]).into();
        }
    }
    message.into()
}

/// The dotted key whose name or value covers `offset`, searching nested tables first so a
/// header table's wide span does not hide the key inside it.
fn key_at(table: &DeTable<'_>, offset: usize, prefix: &str) -> Option<String> {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    for (key, value) in table.iter() {
        let here = path(key.get_ref());
        if key.span().contains(&offset) {
            return Some(here);
        }
        match value.get_ref() {
            DeValue::Table(inner) => {
                if let Some(found) = key_at(inner, offset, &here) {
                    return Some(found);
                }
            }
            DeValue::Array(items) => {
                for item in items.iter() {
                    if let DeValue::Table(inner) = item.get_ref()
                        && let Some(found) = key_at(inner, offset, &here)
                    {
                        return Some(found);
                    }
                }
                if value.span().contains(&offset) {
                    return Some(here);
                }
            }
            _ => {
                if value.span().contains(&offset) {
                    return Some(here);
                }
            }
        }
    }
    // No key inside matched: the problem is a whole table (e.g. a table given a wrong type).
    table
        .iter()
        .find(|(_, v)| v.get_ref().is_table() && v.span().contains(&offset))
        .map(|(k, _)| path(k.get_ref()))
}
