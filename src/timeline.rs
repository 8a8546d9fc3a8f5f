//! A ticket's status, assignee, type, severity and labels at any instant, rebuilt once from
//! the changelog (SPEC §1 "Timeline"). Every metric asks the timeline; none re-reads the
//! changelog for field values.

use crate::model::{Change, Short, Ticket, Ts, id_order};

/// The fields the timeline follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Status,
    Assignee,
    IssueType,
    Severity,
    Labels,
}

/// One field's values: the value at creation, then each change in the order applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Track<T> {
    pub initial: T,
    /// (instant, new value), sorted by instant; equal instants in the order applied.
    pub changes: Vec<(Ts, T)>,
}

impl<T: Clone> Track<T> {
    /// The value at instant t: includes every change dated at or before t.
    pub fn at(&self, t: Ts) -> &T {
        let n = self.changes.partition_point(|(at, _)| *at <= t);
        if n == 0 {
            &self.initial
        } else {
            &self.changes[n - 1].1
        }
    }

    /// The position at instant t of the value [`Track::at`] gives, among [`Track::values`]:
    /// 0 for the initial value, i + 1 for `changes[i]`.
    pub fn position_at(&self, t: Ts) -> usize {
        self.changes.partition_point(|(at, _)| *at <= t)
    }

    /// Every value the field held, initial first.
    pub fn values(&self) -> impl Iterator<Item = &T> {
        std::iter::once(&self.initial).chain(self.changes.iter().map(|(_, v)| v))
    }
}

/// An assignee value: the person id and the display name the changelog gave.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Assignee {
    pub id: Short,
    pub name: Short,
}

/// The rebuilt history of one ticket's tracked fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Timeline {
    pub status: Track<Short>,
    pub assignee: Track<Option<Assignee>>,
    pub issue_type: Track<Short>,
    pub severity: Track<Option<Short>>,
    pub labels: Track<Vec<String>>,
}

/// The changelog items of a ticket in the order they apply: by instant, then history id,
/// then item position. Items after `as_of` are dropped.
pub fn ordered_changes(ticket: &Ticket, as_of: Ts) -> Vec<&Change> {
    ordered_changes_where(ticket, as_of, |_| true)
}

/// [`ordered_changes`] of the items for which `keep` holds: the same as those items of
/// the whole ordered list, in its order, for less sorting.
pub fn ordered_changes_where(
    ticket: &Ticket,
    as_of: Ts,
    keep: impl Fn(&Change) -> bool,
) -> Vec<&Change> {
    let mut items: Vec<&Change> = (ticket.changes.iter())
        .filter(|c| c.at <= as_of && keep(c))
        .collect();
    // The sort is stable, so items of one instant and history keep their position order
    // without carrying their positions along (one vector, no second pass).
    items.sort_by(|a, b| applied_order(a, b));
    items
}

/// The order changelog items apply in: by instant, then history id ([`id_order`]). Items
/// of one history (the same id, so equal) are not parsed as numbers to find that out.
fn applied_order(a: &Change, b: &Change) -> std::cmp::Ordering {
    a.at.cmp(&b.at).then_with(|| {
        if a.history_id == b.history_id {
            std::cmp::Ordering::Equal
        } else {
            id_order(&a.history_id, &b.history_id)
        }
    })
}

/// The tracked fields by the name a changelog item gives them, in the order a name is
/// matched against them.
fn tracked(severity_field: &str) -> [(&str, Field); 5] {
    [
        ("status", Field::Status),
        ("assignee", Field::Assignee),
        ("issuetype", Field::IssueType),
        (severity_field, Field::Severity),
        ("labels", Field::Labels),
    ]
}

/// The tracked field `c` changes: the first of [`tracked`] that [`Change::is_field`] holds
/// for, each item's two names read once.
fn field_of(c: &Change, severity_field: &str) -> Option<Field> {
    let (id, name) = (c.field_id.as_deref(), c.field.as_str());
    tracked(severity_field)
        .into_iter()
        .find(|(field, _)| {
            id.is_some_and(|id| id.eq_ignore_ascii_case(field)) || name.eq_ignore_ascii_case(field)
        })
        .map(|(_, f)| f)
}

fn split_labels(s: Option<&str>) -> Vec<String> {
    s.unwrap_or("")
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

fn lower(s: Option<&str>) -> Option<Short> {
    s.map(|v| v.trim().to_lowercase())
        .filter(|v| !v.is_empty())
        .map(Short::from)
}

fn assignee(id: Option<&str>, name: Option<&str>) -> Option<Assignee> {
    let id = id.map(str::trim).filter(|s| !s.is_empty())?;
    Some(Assignee {
        id: id.into(),
        name: name.unwrap_or("").into(),
    })
}

impl Timeline {
    /// Rebuilds the tracked fields of `ticket` from its changelog up to `as_of`.
    /// `severity_field` is `[types] severity_field`.
    pub fn build(ticket: &Ticket, severity_field: &str, as_of: Ts) -> Timeline {
        // The items of tracked fields in applied order (each classified once, and only
        // they sorted: the same order as theirs in the whole sorted changelog, since the
        // sort is stable); the prefix up to as-of is what the timeline replays.
        let mut all: Vec<(Field, &Change)> = (ticket.changes.iter())
            .filter_map(|c| field_of(c, severity_field).map(|f| (f, c)))
            .collect();
        all.sort_by(|(_, a), (_, b)| applied_order(a, b));
        let cut = all.partition_point(|(_, c)| c.at <= as_of);
        // One pass finds the first change of every field (in the whole changelog, so a
        // report at an early as-of still starts from the right value) and replays the
        // items up to as-of.
        let mut first: [Option<&Change>; 5] = [None; 5];
        let mut status = Vec::new();
        let mut assignees = Vec::new();
        let mut issue_type = Vec::new();
        let mut severity = Vec::new();
        let mut labels = Vec::new();
        for (i, (field, c)) in all.iter().copied().enumerate() {
            if i >= cut && first.iter().all(Option::is_some) {
                break;
            }
            first[field as usize].get_or_insert(c);
            if i >= cut {
                continue;
            }
            match field {
                Field::Status => {
                    status.push((c.at, c.to_string.as_deref().unwrap_or_default().into()))
                }
                Field::Assignee => {
                    assignees.push((c.at, assignee(c.to.as_deref(), c.to_string.as_deref())))
                }
                Field::IssueType => {
                    issue_type.push((c.at, c.to_string.as_deref().unwrap_or_default().into()))
                }
                Field::Severity => severity.push((c.at, lower(c.to_string.as_deref()))),
                Field::Labels => labels.push((c.at, split_labels(c.to_string.as_deref()))),
            }
        }
        // The value at creation is the `from` side of the first change of the field, else
        // the current value.
        let first = |f: Field| first[f as usize];
        Timeline {
            status: Track {
                initial: first(Field::Status)
                    .map(|c| Short::from(c.from_string.as_deref().unwrap_or_default()))
                    .unwrap_or_else(|| ticket.status.as_str().into()),
                changes: status,
            },
            assignee: Track {
                initial: match first(Field::Assignee) {
                    Some(c) => assignee(c.from.as_deref(), c.from_string.as_deref()),
                    None => ticket.assignee.as_ref().map(|p| Assignee {
                        id: p.id.clone(),
                        name: p.name.clone(),
                    }),
                },
                changes: assignees,
            },
            issue_type: Track {
                initial: first(Field::IssueType)
                    .map(|c| Short::from(c.from_string.as_deref().unwrap_or_default()))
                    .unwrap_or_else(|| ticket.issue_type.as_str().into()),
                changes: issue_type,
            },
            severity: Track {
                initial: match first(Field::Severity) {
                    Some(c) => lower(c.from_string.as_deref()),
                    None => ticket.severity.as_deref().map(Short::from),
                },
                changes: severity,
            },
            labels: Track {
                initial: match first(Field::Labels) {
                    Some(c) => split_labels(c.from_string.as_deref()),
                    None => ticket.labels.clone(),
                },
                changes: labels,
            },
        }
    }

    /// The assignee id at instant t.
    pub fn assignee_at(&self, t: Ts) -> Option<&str> {
        self.assignee.at(t).as_ref().map(|a| a.id.as_str())
    }

    /// The stretches of [from, to) during which someone is assignee and `keep` holds for
    /// the status, as (assignee, start, end) in time order; adjacent stretches of one
    /// assignee are joined. Ownership and work in progress are both such stretches.
    pub fn assignee_stretches(
        &self,
        from: Ts,
        to: Ts,
        keep: impl Fn(&str) -> bool,
    ) -> Vec<(&str, Ts, Ts)> {
        let status = &self.status;
        self.assignee_stretches_by(from, to, |i| {
            keep(
                i.checked_sub(1)
                    .map_or(&status.initial, |i| &status.changes[i].1),
            )
        })
    }

    /// [`Timeline::assignee_stretches`] with `keep` asked of the status's position among
    /// the status track's values (see [`Track::position_at`]), for callers that classified
    /// those values once.
    pub fn assignee_stretches_by(
        &self,
        from: Ts,
        to: Ts,
        mut keep: impl FnMut(usize) -> bool,
    ) -> Vec<(&str, Ts, Ts)> {
        // Both tracks are sorted: walking them side by side gives every instant where the
        // answer may change, and at each the number of changes of either track dated at or
        // before it (what `Track::at` would search for).
        let (status, assignees) = (&self.status.changes, &self.assignee.changes);
        let mut si = status.partition_point(|(at, _)| *at <= from);
        let mut ai = assignees.partition_point(|(at, _)| *at <= from);
        // `keep` is asked once per status value in force, not once per stretch.
        let mut kept: Option<(usize, bool)> = None;
        let mut out: Vec<(&str, Ts, Ts)> = Vec::new();
        let mut start = from;
        loop {
            let next_status = status.get(si).map_or(to, |(at, _)| *at);
            let next_assignee = assignees.get(ai).map_or(to, |(at, _)| *at);
            let end = next_status.min(next_assignee).min(to);
            if end > start {
                let keeps = match kept {
                    Some((i, k)) if i == si => k,
                    _ => {
                        let k = keep(si);
                        kept = Some((si, k));
                        k
                    }
                };
                let person = ai
                    .checked_sub(1)
                    .map_or(&self.assignee.initial, |i| &assignees[i].1)
                    .as_ref()
                    .map(|a| a.id.as_str());
                if keeps && let Some(person) = person {
                    match out.last_mut() {
                        Some(last) if last.0 == person && last.2 == start => last.2 = end,
                        _ => out.push((person, start, end)),
                    }
                }
            }
            if end >= to {
                break;
            }
            start = end;
            while status.get(si).is_some_and(|(at, _)| *at <= start) {
                si += 1;
            }
            while assignees.get(ai).is_some_and(|(at, _)| *at <= start) {
                ai += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod proptests;
