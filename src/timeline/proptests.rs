//! The timeline's fast paths against the plain forms they replaced, kept here as the
//! reference: one classification per changelog item and one sort of the tracked items only,
//! without parsing the history ids of one history (against a sort of every item carrying
//! positions and a search per field), and stretches found by walking both tracks (against
//! cutting at every merged instant and searching both tracks at each).

use proptest::prelude::*;

use super::*;
use crate::model::Change;

/// Sorting with positions carried along, as the stable sort replaced.
fn ordered_reference(ticket: &Ticket, as_of: Ts) -> Vec<&Change> {
    let mut items: Vec<(usize, &Change)> = ticket
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| c.at <= as_of)
        .collect();
    items.sort_by(|(ia, a), (ib, b)| {
        a.at.cmp(&b.at)
            .then_with(|| id_order(&a.history_id, &b.history_id))
            .then(ia.cmp(ib))
    });
    items.into_iter().map(|(_, c)| c).collect()
}

fn field_reference(c: &Change, severity_field: &str) -> Option<Field> {
    tracked(severity_field)
        .into_iter()
        .find(|(name, _)| c.is_field(name))
        .map(|(_, f)| f)
}

/// Each field's track by a search of the whole changelog for its first change, then a
/// replay of the items up to as-of.
fn build_reference(ticket: &Ticket, severity_field: &str, as_of: Ts) -> Timeline {
    let all = ordered_reference(ticket, Ts::MAX_UTC);
    let upto: Vec<&Change> = all.iter().copied().filter(|c| c.at <= as_of).collect();
    let field_of = |c: &Change| field_reference(c, severity_field);
    let first = |f: Field| all.iter().copied().find(|c| field_of(c) == Some(f));
    let of = |f: Field| upto.iter().copied().filter(move |c| field_of(c) == Some(f));
    let to = |c: &Change| Short::from(c.to_string.as_deref().unwrap_or_default());
    let from = |c: &Change| Short::from(c.from_string.as_deref().unwrap_or_default());
    Timeline {
        status: Track {
            initial: first(Field::Status).map_or_else(|| ticket.status.as_str().into(), from),
            changes: of(Field::Status).map(|c| (c.at, to(c))).collect(),
        },
        assignee: Track {
            initial: match first(Field::Assignee) {
                Some(c) => assignee(c.from.as_deref(), c.from_string.as_deref()),
                None => ticket.assignee.as_ref().map(|p| Assignee {
                    id: p.id.clone(),
                    name: p.name.clone(),
                }),
            },
            changes: of(Field::Assignee)
                .map(|c| (c.at, assignee(c.to.as_deref(), c.to_string.as_deref())))
                .collect(),
        },
        issue_type: Track {
            initial: first(Field::IssueType)
                .map_or_else(|| ticket.issue_type.as_str().into(), from),
            changes: of(Field::IssueType).map(|c| (c.at, to(c))).collect(),
        },
        severity: Track {
            initial: match first(Field::Severity) {
                Some(c) => lower(c.from_string.as_deref()),
                None => ticket.severity.as_deref().map(Short::from),
            },
            changes: of(Field::Severity)
                .map(|c| (c.at, lower(c.to_string.as_deref())))
                .collect(),
        },
        labels: Track {
            initial: match first(Field::Labels) {
                Some(c) => split_labels(c.from_string.as_deref()),
                None => ticket.labels.clone(),
            },
            changes: of(Field::Labels)
                .map(|c| (c.at, split_labels(c.to_string.as_deref())))
                .collect(),
        },
    }
}

/// Stretches cut at every merged change instant, both tracks searched at each cut.
fn stretches_reference(
    tl: &Timeline,
    from: Ts,
    to: Ts,
    keep: impl Fn(&str) -> bool,
) -> Vec<(&str, Ts, Ts)> {
    let mut cuts: Vec<Ts> = tl
        .assignee
        .changes
        .iter()
        .map(|(t, _)| *t)
        .chain(tl.status.changes.iter().map(|(t, _)| *t))
        .filter(|t| *t > from && *t < to)
        .collect();
    cuts.sort();
    cuts.dedup();
    let mut out: Vec<(&str, Ts, Ts)> = Vec::new();
    let mut start = from;
    for end in cuts.into_iter().chain(std::iter::once(to)) {
        if end > start
            && keep(tl.status.at(start))
            && let Some(person) = tl.assignee_at(start)
        {
            match out.last_mut() {
                Some(last) if last.0 == person && last.2 == start => last.2 = end,
                _ => out.push((person, start, end)),
            }
        }
        start = end;
    }
    out
}

fn hour(h: u8) -> Ts {
    Ts::from_timestamp(1_790_000_000 + i64::from(h) * 3600, 0).expect("in range")
}

/// Few instants, histories and values, so that ties, repeats and odd spellings are common.
fn arb_change() -> impl Strategy<Value = Change> {
    let field = prop::sample::select(vec![
        "status",
        "Status",
        "assignee",
        "issuetype",
        "priority",
        "labels",
        "resolution",
    ]);
    let field_id = prop::option::of(prop::sample::select(vec!["status", "assignee", "x"]));
    let history = prop::sample::select(vec!["9", "10", "010", "a", "b"]);
    let value = prop::option::of(prop::sample::select(vec![
        "",
        " ",
        "Open",
        "In Progress",
        "Done",
        "High ",
        "ann",
        "bob",
        "apim x",
        "esc",
    ]));
    (
        field,
        field_id,
        history,
        0u8..8,
        value.clone(),
        value.clone(),
        value.clone(),
        value,
    )
        .prop_map(
            |(field, field_id, history, h, from, from_string, to, to_string)| Change {
                history_id: history.into(),
                at: hour(h),
                field_id: field_id.map(Short::from),
                field: field.into(),
                from: from.map(Short::from),
                from_string: from_string.map(Short::from),
                to: to.map(Short::from),
                to_string: to_string.map(Short::from),
                ..Change::default()
            },
        )
}

fn arb_ticket() -> impl Strategy<Value = Ticket> {
    (prop::collection::vec(arb_change(), 0..40), any::<bool>()).prop_map(|(changes, assigned)| {
        Ticket {
            id: "1".into(),
            status: "Waiting".into(),
            issue_type: "Query".into(),
            severity: Some("low".into()),
            labels: vec!["now".into()],
            assignee: assigned.then(|| {
                crate::model::PersonRef::from(crate::model::Named {
                    id: "cat".into(),
                    name: "Cat".into(),
                    ..Default::default()
                })
            }),
            changes,
            ..Ticket::default()
        }
    })
}

proptest! {
    #[test]
    fn ordered_changes_match_the_sort_with_positions(t in arb_ticket(), cut in 0u8..9) {
        let fast: Vec<*const Change> =
            ordered_changes(&t, hour(cut)).into_iter().map(|c| c as *const _).collect();
        let slow: Vec<*const Change> =
            ordered_reference(&t, hour(cut)).into_iter().map(|c| c as *const _).collect();
        prop_assert_eq!(fast, slow);
        let labels = |c: &Change| c.is_field("labels");
        let some: Vec<*const Change> = ordered_changes_where(&t, hour(cut), labels)
            .into_iter()
            .map(|c| c as *const _)
            .collect();
        let of_all: Vec<*const Change> = ordered_reference(&t, hour(cut))
            .into_iter()
            .filter(|c| labels(c))
            .map(|c| c as *const _)
            .collect();
        prop_assert_eq!(some, of_all);
    }

    #[test]
    fn build_matches_the_search_per_field(t in arb_ticket(), cut in 0u8..9) {
        prop_assert_eq!(
            Timeline::build(&t, "priority", hour(cut)),
            build_reference(&t, "priority", hour(cut))
        );
    }

    /// Also when the severity field is spelled like another tracked field, or like none.
    #[test]
    fn fields_are_classified_as_is_field_would(
        t in arb_ticket(),
        severity in prop::sample::select(vec!["priority", "Status", "labels", "x"]),
        cut in 0u8..9,
    ) {
        for c in &t.changes {
            prop_assert_eq!(field_of(c, severity), field_reference(c, severity));
        }
        prop_assert_eq!(
            Timeline::build(&t, severity, hour(cut)),
            build_reference(&t, severity, hour(cut))
        );
    }

    #[test]
    fn stretches_match_the_cut_at_every_instant(
        t in arb_ticket(),
        cut in 0u8..9,
        from in 0u8..9,
        to in 0u8..10,
    ) {
        let tl = Timeline::build(&t, "priority", hour(cut));
        let asked = std::cell::Cell::new(0);
        let keep = |s: &str| {
            asked.set(asked.get() + 1);
            s != "Done"
        };
        prop_assert_eq!(
            tl.assignee_stretches(hour(from), hour(to), keep),
            stretches_reference(&tl, hour(from), hour(to), |s| s != "Done")
        );
        // Asked once per status value in force, at most.
        prop_assert!(asked.get() <= tl.status.changes.len() + 1);
        for h in 0..10 {
            let at = tl.status.position_at(hour(h));
            prop_assert_eq!(tl.status.values().nth(at), Some(tl.status.at(hour(h))));
        }
    }
}
