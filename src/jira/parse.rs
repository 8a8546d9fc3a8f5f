//! JIRA's JSON objects (issue, comment, worklog, changelog history, user) turned into the
//! `crate::model` types. Both wire flavors are read by the same code: Server/DC v2 (string
//! bodies, users by `name`/`key`) and Cloud v3 (ADF bodies, users by `accountId`).
//!
//! Errors are plain strings naming the object and field; the file reader adds the file
//! and position, the exporter adds the request.
//!
//! The parsers read the borrowed `Json` document that files are parsed into, so an import
//! copies only the strings a ticket keeps. The `pub` functions take serde_json's owned
//! `Value` (the exporter edits its pages before parsing them) and view it as `Json`.

use super::adf::adf_to_text;
use super::json::{Json, get, json_text, view};
use crate::error::shown;
use crate::model::{Change, Comment, PersonRef, Short, Ticket, Ts, Worklog, parse_ts};

/// The longest worklog accepted, in seconds either way: ten years. JIRA stores
/// `timeSpentSeconds` as a whole number without a bound; a value beyond this is a broken
/// export, refused with its ticket and worklog named rather than summed into hours.
pub const MAX_WORKLOG_SECS: i64 = 10 * 366 * 86_400;

/// A body or worklog comment as text: a v2 string as is, a v3 ADF document flattened,
/// null or absent as "".
pub fn body_text(v: &serde_json::Value) -> String {
    body(&view(v))
}

fn body(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::Str(s) => s.to_string(),
        other => adf_to_text(other),
    }
}

/// A JIRA user object as a person: id from `accountId`, else `name`, else `key`; name from
/// `displayName`; `app` when `accountType == "app"`; `email` from `emailAddress`. None for null or an object without
/// any id (JIRA sends that for deleted or anonymous users).
pub fn parse_person(v: &serde_json::Value) -> Option<PersonRef> {
    person(&view(v))
}

fn person(v: &Json) -> Option<PersonRef> {
    let id = ["accountId", "name", "key"]
        .iter()
        .find_map(|k| get(v, k).as_str().filter(|s| !s.is_empty()))?;
    Some(PersonRef::from(crate::model::Named {
        id: id.into(),
        name: str_at(v, "displayName").unwrap_or_default().into(),
        app: str_at(v, "accountType") == Some("app"),
        email: str_at(v, "emailAddress")
            .filter(|s| !s.is_empty())
            .map(Short::from),
    }))
}

/// One comment. Public means no `visibility` restriction, `jsdPublic` not false, and no
/// `sd.public.comment` property marking it internal (see `is_internal_property`).
pub fn parse_comment(v: &serde_json::Value) -> Result<Comment, String> {
    comment(&view(v))
}

fn comment(v: &Json) -> Result<Comment, String> {
    let id = id_at(v, "id").ok_or("comment without id")?;
    let at = |e: String| format!("comment {}: {e}", crate::error::cut(&id, 80));
    let created = ts_at(v, "created").map_err(at)?;
    let updated = opt_ts_at(v, "updated").map_err(at)?.unwrap_or(created);
    let restricted = !get(v, "visibility").is_null();
    let jsd_private = get(v, "jsdPublic").as_bool() == Some(false);
    let internal_property = get(v, "properties")
        .as_array()
        .is_some_and(|props| props.iter().any(is_internal_property));
    Ok(Comment {
        id: id.into(),
        author: person(get(v, "author")),
        created,
        updated,
        body: body(get(v, "body")),
        public: !(restricted || jsd_private || internal_property),
    })
}

/// True for a Service Management `sd.public.comment` property whose value says
/// `"internal": true`; the value arrives as an object or as a JSON string holding one.
fn is_internal_property(prop: &Json) -> bool {
    if str_at(prop, "key") != Some("sd.public.comment") {
        return false;
    }
    let parsed;
    let value = match get(prop, "value") {
        Json::Str(s) => {
            parsed = serde_json::from_str::<Json>(s).unwrap_or(Json::Null);
            &parsed
        }
        v => v,
    };
    match get(value, "internal") {
        Json::Bool(b) => *b,
        Json::Str(s) => s.eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// One worklog. `created` falls back to `updated` when absent (Atlassian's own v3 examples
/// omit it), since created ≤ updated is the closest the data allows.
pub fn parse_worklog(v: &serde_json::Value) -> Result<Worklog, String> {
    worklog(&view(v))
}

fn worklog(v: &Json) -> Result<Worklog, String> {
    let id = id_at(v, "id").ok_or("worklog without id")?;
    let at = |e: String| format!("worklog {}: {e}", crate::error::cut(&id, 80));
    let started = ts_at(v, "started").map_err(at)?;
    let updated = opt_ts_at(v, "updated").map_err(at)?;
    let created = opt_ts_at(v, "created")
        .map_err(at)?
        .or(updated)
        .ok_or_else(|| at("missing created".to_string()))?;
    let seconds = match get(v, "timeSpentSeconds") {
        Json::Number(n) => n.as_i64(),
        Json::Str(s) => s.trim().parse().ok(),
        _ => return Err(at("missing timeSpentSeconds".to_string())),
    }
    .ok_or_else(|| at("timeSpentSeconds is not a whole number".to_string()))?;
    if seconds.unsigned_abs() > MAX_WORKLOG_SECS.unsigned_abs() {
        return Err(at(format!(
            "timeSpentSeconds {seconds} is longer than ten years ({MAX_WORKLOG_SECS} s), so it \
             cannot be a real worklog"
        )));
    }
    Ok(Worklog {
        id: id.into(),
        author: person(get(v, "author")),
        started,
        created,
        updated: updated.unwrap_or(created),
        seconds,
        comment: body(get(v, "comment")).into(),
    })
}

/// One changelog history as one `Change` per item, all sharing the history's id, author
/// and time. Values are kept as text: numbers as their digits, null as None.
pub fn parse_history(v: &serde_json::Value) -> Result<Vec<Change>, String> {
    history(&view(v))
}

fn history(v: &Json) -> Result<Vec<Change>, String> {
    let history_id = id_at(v, "id").ok_or("changelog history without id")?;
    let at = |e: String| {
        format!(
            "changelog history {}: {e}",
            crate::error::cut(&history_id, 80)
        )
    };
    let when = ts_at(v, "created").map_err(at)?;
    let author = person(get(v, "author"));
    let items = match get(v, "items") {
        Json::Array(items) => items,
        Json::Null => return Ok(Vec::new()),
        _ => return Err(at("items is not a list".to_string())),
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
                from: text_at(item, "from"),
                from_string: text_at(item, "fromString"),
                to: text_at(item, "to"),
                to_string: text_at(item, "toString"),
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
pub fn parse_issue(v: &serde_json::Value, severity_field: &str) -> Result<Ticket, String> {
    issue(&view(v), severity_field)
}

/// [`parse_issue`] of a borrowed document, as files are read.
pub(super) fn issue(v: &Json, severity_field: &str) -> Result<Ticket, String> {
    let id = id_at(v, "id");
    let key = str_at(v, "key").filter(|k| !k.is_empty());
    // Keys and ids are short in real data; a hostile one is shown cut.
    let label = match (key, &id) {
        (Some(k), _) => format!("ticket {}", crate::error::cut(k, 80)),
        (None, Some(i)) => format!("ticket id {}", crate::error::cut(i, 80)),
        (None, None) => "ticket without key or id".to_string(),
    };
    let at = |e: String| format!("{label}: {e}");
    let id = id.ok_or_else(|| at("missing id".to_string()))?;
    let key = key.ok_or_else(|| at("missing key".to_string()))?;
    let fields = match get(v, "fields") {
        f @ Json::Object(_) => f,
        _ => return Err(at("missing fields".to_string())),
    };
    let named = |field: &str| -> String {
        str_at(get(fields, field), "name")
            .map(str::to_string)
            .unwrap_or_default()
    };

    let mut ticket = Ticket {
        id,
        key: key.to_string(),
        created: ts_value(get(fields, "created"), "fields.created").map_err(&at)?,
        updated: ts_value(get(fields, "updated"), "fields.updated").map_err(&at)?,
        issue_type: named("issuetype"),
        status: named("status"),
        resolution: str_at(get(fields, "resolution"), "name").map(str::to_string),
        severity: severity(get(fields, severity_field)),
        labels: get(fields, "labels")
            .as_array()
            .map(|ls| {
                ls.iter()
                    .filter_map(Json::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        assignee: person(get(fields, "assignee")),
        reporter: person(get(fields, "reporter")),
        ..Ticket::default()
    };

    let (comments, note) = envelope(get(fields, "comment"), "comments", "comments").map_err(&at)?;
    ticket.truncated.extend(note);
    ticket.comments = once_each(
        comments
            .iter()
            .map(comment)
            .collect::<Result<_, _>>()
            .map_err(&at)?,
        |c: &Comment| (c.id.as_str(), c.updated),
    );

    let (worklogs, note) = envelope(get(fields, "worklog"), "worklogs", "worklogs").map_err(&at)?;
    ticket.truncated.extend(note);
    ticket.worklogs = once_each(
        worklogs
            .iter()
            .map(worklog)
            .collect::<Result<_, _>>()
            .map_err(&at)?,
        |w: &Worklog| (w.id.as_str(), w.updated),
    );

    let (histories, note) =
        envelope(get(v, "changelog"), "histories", "changelog histories").map_err(&at)?;
    ticket.truncated.extend(note);
    let histories: Vec<Vec<Change>> = histories
        .iter()
        .map(self::history)
        .collect::<Result<_, _>>()
        .map_err(&at)?;
    // A history repeated (a page read twice, files joined by hand) is applied once: the
    // copy updated last is the later one (histories carry no `updated`).
    let histories = once_each(histories, |h: &Vec<Change>| {
        h.first()
            .map_or((NO_ID, Ts::MIN_UTC), |c| (c.history_id.as_str(), c.at))
    });
    ticket.changes = histories.into_iter().flatten().collect();
    Ok(ticket)
}

/// The id of a history without items, which `once_each` keeps however often it appears
/// (it changes nothing).
const NO_ID: &str = "";

/// `items` with one per JIRA id (`key` gives an item's id and `updated`): a repeat, from
/// a page read twice or files joined by hand, would count a comment or a worklog twice.
/// The copy updated last is kept (ties: the later one), in the first copy's place.
fn once_each<T>(mut items: Vec<T>, key: impl Fn(&T) -> (&str, Ts)) -> Vec<T> {
    if items.len() < 2 {
        return items;
    }
    // Most tickets repeat nothing: found with one sort of their ids, nothing moved.
    let mut ids: Vec<&str> = items.iter().map(|i| key(i).0).collect();
    ids.sort_unstable();
    if !ids.windows(2).any(|w| w[0] == w[1] && w[0] != NO_ID) {
        return items;
    }
    let mut kept: Vec<T> = Vec::with_capacity(items.len());
    let mut at = std::collections::HashMap::new();
    for item in items.drain(..) {
        let id = key(&item).0.to_string();
        match at.get(&id).filter(|_| id != NO_ID) {
            Some(&i) if key(&item).1 >= key(&kept[i]).1 => kept[i] = item,
            Some(_) => {}
            None => {
                at.insert(id, kept.len());
                kept.push(item);
            }
        }
    }
    kept
}

/// The list inside a paged envelope (`{"total": 12, "comments": [...]}`), plus a note such
/// as "comments: 5 of 12" when `total` says more exist than arrived.
fn envelope<'a>(
    env: &'a Json<'a>,
    list: &str,
    what: &str,
) -> Result<(&'a [Json<'a>], Option<String>), String> {
    if env.is_null() {
        return Ok((&[], None));
    }
    let items = match get(env, list) {
        Json::Array(items) => items.as_slice(),
        Json::Null => &[],
        _ => return Err(format!("{what} is not a list")),
    };
    let note = get(env, "total")
        .as_u64()
        .filter(|&total| total > items.len() as u64)
        .map(|total| format!("{what}: {} of {total}", items.len()));
    Ok((items, note))
}

/// The severity field's value: an option object's `name`, else `value`, else a plain string;
/// lower-cased. Empty values count as unset.
fn severity(v: &Json) -> Option<String> {
    let s = match v {
        Json::Str(s) => Some(s.as_ref()),
        Json::Object(_) => str_at(v, "name").or_else(|| str_at(v, "value")),
        _ => None,
    }?;
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_lowercase())
}

fn str_at<'a>(v: &'a Json<'a>, key: &str) -> Option<&'a str> {
    get(v, key).as_str()
}

/// An id that JIRA sends as a string or, in some payloads, as a number.
fn id_at(v: &Json, key: &str) -> Option<String> {
    match get(v, key) {
        Json::Str(s) if !s.is_empty() => Some(s.to_string()),
        n @ Json::Number(_) => Some(json_text(n)),
        _ => None,
    }
}

/// A changelog value as text: strings as is, numbers and booleans as written, null as None.
fn text_at<'a>(v: &'a Json<'a>, key: &str) -> Option<Short> {
    match get(v, key) {
        Json::Null => None,
        Json::Str(s) => Some(Short::from(s.as_ref())),
        other => Some(json_text(other).into()),
    }
}

/// A required timestamp; the error names the field and, when unreadable, the value.
fn ts_at(v: &Json, key: &str) -> Result<Ts, String> {
    ts_value(get(v, key), key)?.ok_or_else(|| format!("missing {key}"))
}

fn opt_ts_at(v: &Json, key: &str) -> Result<Option<Ts>, String> {
    ts_value(get(v, key), key)
}

/// A timestamp, or None for null. Refused: text that is not a timestamp, any other JSON
/// value, and instants outside the years `week::MIN_YEAR`..=`week::MAX_YEAR` (week and
/// deadline arithmetic stays within what chrono holds). The value is shown cut.
fn ts_value(v: &Json, label: &str) -> Result<Option<Ts>, String> {
    match v {
        Json::Null => Ok(None),
        Json::Str(s) => {
            let t = parse_ts(s).ok_or_else(|| {
                format!(
                    "{label} {} is not a timestamp like 2026-11-23T09:15:00.000+0000",
                    shown(s)
                )
            })?;
            crate::week::check_year(t).map_err(|e| format!("{label} {} {e}", shown(s)))?;
            Ok(Some(t))
        }
        other => Err(format!(
            "{label} {} is not a timestamp",
            crate::error::cut(&json_text(other), 80)
        )),
    }
}

#[cfg(test)]
mod tests;
