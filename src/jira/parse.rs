//! JIRA's JSON objects (issue, comment, worklog, changelog history, user) turned into the
//! `crate::model` types. Both wire flavors are read by the same code: Server/DC v2 (string
//! bodies, users by `name`/`key`) and Cloud v3 (ADF bodies, users by `accountId`).
//!
//! Errors are plain strings naming the object and field; the file reader adds the file
//! and position, the exporter adds the request.

use serde_json::Value;

use super::adf::adf_to_text;
use crate::model::{Change, Comment, PersonRef, Short, Ticket, Ts, Worklog, parse_ts};

/// A body or worklog comment as text: a v2 string as is, a v3 ADF document flattened,
/// null or absent as "".
pub fn body_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => adf_to_text(other),
    }
}

/// A JIRA user object as a person: id from `accountId`, else `name`, else `key`; name from
/// `displayName`; `app` when `accountType == "app"`. None for null or an object without
/// any id (JIRA sends that for deleted or anonymous users).
pub fn parse_person(v: &Value) -> Option<PersonRef> {
    let id = ["accountId", "name", "key"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str).filter(|s| !s.is_empty()))?;
    Some(PersonRef {
        id: id.into(),
        name: str_at(v, "displayName").unwrap_or_default().into(),
        app: str_at(v, "accountType") == Some("app"),
    })
}

/// One comment. Public means no `visibility` restriction, `jsdPublic` not false, and no
/// `sd.public.comment` property marking it internal (see `is_internal_property`).
pub fn parse_comment(v: &Value) -> Result<Comment, String> {
    let id = id_at(v, "id").ok_or("comment without id")?;
    let at = |e: String| format!("comment {id}: {e}");
    let created = ts_at(v, "created").map_err(at)?;
    let updated = opt_ts_at(v, "updated").map_err(at)?.unwrap_or(created);
    let restricted = v.get("visibility").is_some_and(|x| !x.is_null());
    let jsd_private = v.get("jsdPublic").and_then(Value::as_bool) == Some(false);
    let internal_property = v
        .get("properties")
        .and_then(Value::as_array)
        .is_some_and(|props| props.iter().any(is_internal_property));
    Ok(Comment {
        id: id.into(),
        author: v.get("author").and_then(parse_person),
        created,
        updated,
        body: v.get("body").map(body_text).unwrap_or_default(),
        public: !(restricted || jsd_private || internal_property),
    })
}

/// True for a Service Management `sd.public.comment` property whose value says
/// `"internal": true`; the value arrives as an object or as a JSON string holding one.
fn is_internal_property(prop: &Value) -> bool {
    if str_at(prop, "key") != Some("sd.public.comment") {
        return false;
    }
    let parsed;
    let value = match prop.get("value") {
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).unwrap_or(Value::Null);
            &parsed
        }
        Some(v) => v,
        None => return false,
    };
    match value.get("internal") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// One worklog. `created` falls back to `updated` when absent (Atlassian's own v3 examples
/// omit it), since created ≤ updated is the closest the data allows.
pub fn parse_worklog(v: &Value) -> Result<Worklog, String> {
    let id = id_at(v, "id").ok_or("worklog without id")?;
    let at = |e: String| format!("worklog {id}: {e}");
    let started = ts_at(v, "started").map_err(at)?;
    let updated = opt_ts_at(v, "updated").map_err(at)?;
    let created = opt_ts_at(v, "created")
        .map_err(at)?
        .or(updated)
        .ok_or_else(|| at("missing created".to_string()))?;
    let seconds = match v.get("timeSpentSeconds") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => return Err(at("missing timeSpentSeconds".to_string())),
    }
    .ok_or_else(|| at("timeSpentSeconds is not a whole number".to_string()))?;
    Ok(Worklog {
        id: id.into(),
        author: v.get("author").and_then(parse_person),
        started,
        created,
        updated: updated.unwrap_or(created),
        seconds,
        comment: v.get("comment").map(body_text).unwrap_or_default().into(),
    })
}

/// One changelog history as one `Change` per item, all sharing the history's id, author
/// and time. Values are kept as text: numbers as their digits, null as None.
pub fn parse_history(v: &Value) -> Result<Vec<Change>, String> {
    let history_id = id_at(v, "id").ok_or("changelog history without id")?;
    let at = |e: String| format!("changelog history {history_id}: {e}");
    let when = ts_at(v, "created").map_err(at)?;
    let author = v.get("author").and_then(parse_person);
    let items = match v.get("items") {
        Some(Value::Array(items)) => items,
        Some(Value::Null) | None => return Ok(Vec::new()),
        Some(_) => return Err(at("items is not a list".to_string())),
    };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let field =
                str_at(item, "field").ok_or_else(|| at(format!("item {} has no field", i + 1)))?;
            Ok(Change {
                history_id: history_id.as_str().into(),
                author: author.clone(),
                at: when,
                field_id: str_at(item, "fieldId").map(Short::from),
                field: field.into(),
                from: text_at(item, "from").map(Short::from),
                from_string: text_at(item, "fromString").map(Short::from),
                to: text_at(item, "to").map(Short::from),
                to_string: text_at(item, "toString").map(Short::from),
            })
        })
        .collect()
}

/// One issue with its embedded comments, worklogs and changelog. Required: `id`, `key` and
/// a `fields` object. `created`, `updated`, `issuetype` and `status` may be missing (a
/// search that asked for a few fields): the ticket is kept, and the report leaves it out
/// of every metric and lists it in `data_quality.csv`.
/// Severity is `fields[severity_field]`: its `name`, else `value`, else the plain string,
/// lower-cased. Envelopes whose `total` exceeds what arrived are noted in `truncated`.
pub fn parse_issue(v: &Value, severity_field: &str) -> Result<Ticket, String> {
    let id = id_at(v, "id");
    let key = str_at(v, "key").filter(|k| !k.is_empty());
    let label = match (key, &id) {
        (Some(k), _) => format!("ticket {k}"),
        (None, Some(i)) => format!("ticket id {i}"),
        (None, None) => "ticket without key or id".to_string(),
    };
    let at = |e: String| format!("{label}: {e}");
    let id = id.ok_or_else(|| at("missing id".to_string()))?;
    let key = key.ok_or_else(|| at("missing key".to_string()))?;
    let fields = match v.get("fields") {
        Some(f @ Value::Object(_)) => f,
        _ => return Err(at("missing fields".to_string())),
    };
    let named = |field: &str| -> String {
        fields
            .get(field)
            .and_then(|f| str_at(f, "name"))
            .map(str::to_string)
            .unwrap_or_default()
    };

    let mut ticket = Ticket {
        id,
        key: key.to_string(),
        created: ts_value(fields.get("created"), "fields.created").map_err(&at)?,
        updated: ts_value(fields.get("updated"), "fields.updated").map_err(&at)?,
        issue_type: named("issuetype"),
        status: named("status"),
        resolution: fields
            .get("resolution")
            .and_then(|r| str_at(r, "name"))
            .map(str::to_string),
        severity: fields.get(severity_field).and_then(severity),
        labels: fields
            .get("labels")
            .and_then(Value::as_array)
            .map(|ls| {
                ls.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        assignee: fields.get("assignee").and_then(parse_person),
        reporter: fields.get("reporter").and_then(parse_person),
        ..Ticket::default()
    };

    let (comments, note) = envelope(fields.get("comment"), "comments", "comments").map_err(&at)?;
    ticket.truncated.extend(note);
    ticket.comments = comments
        .iter()
        .map(parse_comment)
        .collect::<Result<_, _>>()
        .map_err(&at)?;

    let (worklogs, note) = envelope(fields.get("worklog"), "worklogs", "worklogs").map_err(&at)?;
    ticket.truncated.extend(note);
    ticket.worklogs = worklogs
        .iter()
        .map(parse_worklog)
        .collect::<Result<_, _>>()
        .map_err(&at)?;

    let (histories, note) =
        envelope(v.get("changelog"), "histories", "changelog histories").map_err(&at)?;
    ticket.truncated.extend(note);
    for history in histories {
        ticket.changes.extend(parse_history(history).map_err(&at)?);
    }
    Ok(ticket)
}

/// The list inside a paged envelope (`{"total": 12, "comments": [...]}`), plus a note such
/// as "comments: 5 of 12" when `total` says more exist than arrived.
fn envelope<'a>(
    env: Option<&'a Value>,
    list: &str,
    what: &str,
) -> Result<(&'a [Value], Option<String>), String> {
    let Some(env) = env.filter(|e| !e.is_null()) else {
        return Ok((&[], None));
    };
    let items = match env.get(list) {
        Some(Value::Array(items)) => items.as_slice(),
        Some(Value::Null) | None => &[],
        Some(_) => return Err(format!("{what} is not a list")),
    };
    let note = env
        .get("total")
        .and_then(Value::as_u64)
        .filter(|&total| total > items.len() as u64)
        .map(|total| format!("{what}: {} of {total}", items.len()));
    Ok((items, note))
}

/// The severity field's value: an option object's `name`, else `value`, else a plain string;
/// lower-cased. Empty values count as unset.
fn severity(v: &Value) -> Option<String> {
    let s = match v {
        Value::String(s) => Some(s.as_str()),
        Value::Object(_) => str_at(v, "name").or_else(|| str_at(v, "value")),
        _ => None,
    }?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_lowercase())
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// An id that JIRA sends as a string or, in some payloads, as a number.
fn id_at(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A changelog value as text: strings as is, numbers and booleans as written, null as None.
fn text_at(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A required timestamp; the error names the field and, when unreadable, the value.
fn ts_at(v: &Value, key: &str) -> Result<Ts, String> {
    field_ts(v, key, key)
}

/// Like `ts_at`, naming the field as `label` (e.g. `fields.created`) in errors.
fn field_ts(v: &Value, key: &str, label: &str) -> Result<Ts, String> {
    ts_value(v.get(key), label)?.ok_or_else(|| format!("missing {label}"))
}

fn opt_ts_at(v: &Value, key: &str) -> Result<Option<Ts>, String> {
    ts_value(v.get(key), key)
}

fn ts_value(v: Option<&Value>, label: &str) -> Result<Option<Ts>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => parse_ts(s).map(Some).ok_or_else(|| {
            format!("{label} {s:?} is not a timestamp like 2026-11-23T09:15:00.000+0000")
        }),
        Some(other) => Err(format!("{label} {other} is not a timestamp")),
    }
}

#[cfg(test)]
mod tests;
