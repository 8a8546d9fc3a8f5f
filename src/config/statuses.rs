//! `[statuses]`: status names to classes, each name in one of the exclusive groups.

use std::collections::BTreeMap;
use std::ops::Range;

use toml::Spanned;

use crate::settings::{StatusClass, normalize_status};

use super::errors::Source;
use super::raw::RawStatuses;

/// Which of the three exclusive groups a class belongs to: a name may be in only one.
fn group(class: StatusClass) -> &'static str {
    match class {
        StatusClass::WaitingOnUs | StatusClass::InProgress | StatusClass::Unknown => {
            "waiting_on_us/in_progress"
        }
        StatusClass::WaitingOnCustomer => "waiting_on_customer",
        StatusClass::Done => "done",
    }
}

/// Normalized status name to class; a name in two groups is an error naming it.
pub(super) fn status_classes(
    raw: RawStatuses,
    src: &Source,
) -> anyhow::Result<BTreeMap<String, StatusClass>> {
    // Defaults carry no span; the file's names carry theirs.
    let list = |given: Option<Vec<Spanned<String>>>,
                default: &[&str]|
     -> Vec<(String, Option<Range<usize>>)> {
        match given {
            Some(names) => names
                .into_iter()
                .map(|n| (n.get_ref().clone(), Some(n.span())))
                .collect(),
            None => default.iter().map(|n| (n.to_string(), None)).collect(),
        }
    };
    let lists = [
        (
            "waiting_on_us",
            StatusClass::WaitingOnUs,
            list(
                raw.waiting_on_us,
                &[
                    "Open",
                    "Reopened",
                    "Reopen",
                    "Waiting On WSO2",
                    "In Progress",
                ],
            ),
        ),
        (
            "in_progress",
            StatusClass::InProgress,
            list(raw.in_progress, &["In Progress"]),
        ),
        (
            "waiting_on_customer",
            StatusClass::WaitingOnCustomer,
            list(raw.waiting_on_customer, &["Waiting On Client"]),
        ),
        (
            "done",
            StatusClass::Done,
            list(raw.done, &["Resolved", "Closed"]),
        ),
    ];
    let mut classes: BTreeMap<String, (StatusClass, &str, Option<Range<usize>>)> = BTreeMap::new();
    for (key, class, names) in &lists {
        for (name, span) in names {
            let normalized = normalize_status(name).to_string();
            if normalized.is_empty() {
                return Err(src.problem(
                    span.clone(),
                    &format!("statuses.{key}"),
                    &format!("status {} has no letters or digits; write the status name as JIRA shows it", crate::error::shown(name)),
                ));
            }
            match classes.get(&normalized) {
                Some((earlier, earlier_key, earlier_span)) if group(*earlier) != group(*class) => {
                    let span = span.clone().or_else(|| earlier_span.clone());
                    return Err(src.problem(
                        span,
                        &format!("statuses.{key}"),
                        &format!(
                            "status {} is in both statuses.{earlier_key} and statuses.{key}; a status belongs to one class: remove it from one list (a list not in the file has its default, see `supportlens config init`)",
                            crate::error::shown(name)
                        ),
                    ));
                }
                // in_progress refines waiting_on_us; a repeat in the same list is harmless.
                Some((StatusClass::InProgress, _, _)) => {}
                _ => {
                    classes.insert(normalized, (*class, key, span.clone()));
                }
            }
        }
    }
    Ok(classes
        .into_iter()
        .map(|(name, (class, _, _))| (name, class))
        .collect())
}
