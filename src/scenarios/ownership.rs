//! Ownership continuity, reopens and untagged tickets on hand-built tickets (SPEC §4), with
//! their weekly columns and the `handoffs.csv` / `tickets.csv` rows.

use std::collections::{BTreeMap, BTreeSet};

use super::{lines, value_cells, value_names};
use crate::metrics::Prepared;
use crate::metrics::continuity::{OwnershipAcc, VALUES, tally};
use crate::metrics::handoffs::{Continuity, ticket_continuity};
use crate::metrics::ownership::ticket_ownership;
use crate::metrics::testkit::{settings, ticket, ts};
use crate::model::Ticket;
use crate::report::csv::{Cell, table, to_vec};
use crate::report::{handoffs::handoffs_csv, tickets::tickets_csv};
use crate::settings::Settings;
use crate::week::Week;

/// The continuity items of every ticket created by as-of.
fn continuity(s: &Settings, tickets: &[Ticket], as_of: &str) -> Continuity {
    let prepared = Prepared::new(s, tickets, ts(as_of));
    let mut out = Continuity::default();
    for (i, t) in tickets.iter().enumerate() {
        if t.created.is_none_or(|c| c > prepared.as_of) {
            continue;
        }
        let ctx = prepared.ctx(i);
        let owned = ticket_ownership(&ctx, s, prepared.as_of);
        out.extend(ticket_continuity(&ctx, s, prepared.as_of, &owned));
    }
    out
}

/// `week, engineer` and this family's columns: engineer rows, then one team row per week.
fn weekly(items: &Continuity, window: &[&str]) -> Vec<String> {
    let weeks: BTreeSet<Week> = window.iter().map(|w| w.parse().unwrap()).collect();
    let mut tallied = BTreeMap::new();
    tally(items, &weeks, &mut tallied);
    let rows: BTreeMap<(Week, String), OwnershipAcc> = tallied
        .into_iter()
        .map(|((w, who), acc)| ((w, who.to_string()), acc))
        .collect();
    let mut team: BTreeMap<Week, OwnershipAcc> = weeks
        .iter()
        .map(|w| (*w, OwnershipAcc::default()))
        .collect();
    for ((week, _), acc) in &rows {
        team.get_mut(week).unwrap().merge(acc);
    }
    let all = rows
        .iter()
        .map(|((w, e), acc)| (*w, e.clone(), acc))
        .chain(team.iter().map(|(w, acc)| (*w, "(team)".to_string(), acc)));
    let header: Vec<&str> = ["week", "engineer"]
        .into_iter()
        .chain(value_names(VALUES))
        .collect();
    lines(to_vec(|out| {
        table(
            out,
            &header,
            all.map(|(w, e, acc)| {
                [Cell::text(w.to_string()), Cell::text(e)]
                    .into_iter()
                    .chain(value_cells(VALUES, acc))
                    .collect::<Vec<Cell>>()
            }),
        )
    }))
}

/// SUP-1: handed from an engineer to the lead and on to another engineer, resolved after
/// the handoffs. SUP-2: ann → unassigned → ann is no handoff, ann → unassigned → bob is
/// one; an outside developer in between changes nothing. SUP-10: resolved by its sole
/// owner, reassigned while done (no handoff, but the new assignee becomes "the last staff
/// member"), reopened the next week (credited to the resolver), handed over and resolved.
#[test]
fn handoffs_resolutions_and_reopens() {
    let s = settings();
    let t1 = ticket("SUP-1", "Incident", "High", "2026-11-16T09:00")
        .labelled("apim")
        .assigned_to("ann")
        .assign("2026-11-16T10:00", Some("lee"))
        .assign("2026-11-17T10:00", Some("bob"))
        .status("2026-11-18T10:00", "Resolved")
        .build();
    let t2 = ticket("SUP-2", "Query", "Normal", "2026-11-16T09:00")
        .labelled("escalated iam apim")
        .assign("2026-11-16T09:30", Some("ann"))
        .assign("2026-11-16T12:00", None)
        .assign("2026-11-16T12:30", Some("ann"))
        .assign("2026-11-16T13:00", None)
        .assign("2026-11-16T14:00", Some("bob"))
        .assign("2026-11-17T09:00", None)
        .assign("2026-11-17T10:00", Some("bob"))
        .assign("2026-11-17T11:00", Some("dev"))
        .assign("2026-11-17T12:00", Some("bob"))
        .status("2026-11-17T13:00", "Resolved")
        .build();
    let t10 = ticket("SUP-10", "Bug", "Low", "2026-11-16T09:00")
        .labelled("apim")
        .assigned_to("cat")
        .status("2026-11-17T09:00", "Resolved")
        .assign("2026-11-18T09:00", Some("ann"))
        .status("2026-11-24T09:00", "Reopened")
        .assign("2026-11-24T10:00", Some("bob"))
        .status("2026-11-25T09:00", "Closed")
        .build();
    // SUP-10 first: rows of tickets.csv still come out in key order.
    let tickets = [t10, t1, t2];
    let items = continuity(&s, &tickets, "2026-11-26T00:00");

    let handoffs: Vec<_> = items.handoffs.iter().collect();
    assert_eq!(
        lines(to_vec(|out| handoffs_csv(out, &handoffs, &tickets))),
        [
            "SUP-10,2026-11-24T10:00:00Z,ann,bob,2026-W48",
            "SUP-1,2026-11-16T10:00:00Z,ann,lee,2026-W47",
            "SUP-1,2026-11-17T10:00:00Z,lee,bob,2026-W47",
            "SUP-2,2026-11-16T14:00:00Z,ann,bob,2026-W47",
        ]
    );
    let resolutions: Vec<_> = items
        .resolutions
        .iter()
        .map(|r| {
            let at = crate::model::fmt_ts(r.at);
            (
                tickets[r.ticket].key.as_str(),
                at,
                r.engineer.as_str(),
                r.sole_owner,
            )
        })
        .collect();
    assert_eq!(
        resolutions,
        [
            ("SUP-10", "2026-11-17T09:00:00Z".into(), "cat", true),
            ("SUP-10", "2026-11-25T09:00:00Z".into(), "bob", false),
            ("SUP-1", "2026-11-18T10:00:00Z".into(), "bob", false),
            ("SUP-2", "2026-11-17T13:00:00Z".into(), "bob", false),
        ]
    );
    assert_eq!(items.reopens.len(), 1);
    let reopen = &items.reopens[0];
    assert_eq!(
        (
            reopen.ticket,
            reopen.at,
            reopen.done_at,
            reopen.engineer.as_str()
        ),
        (0, ts("2026-11-24T09:00"), ts("2026-11-17T09:00"), "cat")
    );
    assert_eq!(reopen.week.to_string(), "2026-W48");

    // W47: ann handed SUP-1 and SUP-2 away; bob resolved both after handoffs; cat resolved
    // SUP-10 alone; lee took SUP-1 in and passed it on. The outside developer gets no row.
    // W48: cat is credited with the reopen though bob and ann held SUP-10 that week.
    assert_eq!(
        weekly(&items, &["2026-W47", "2026-W48"]),
        [
            "2026-W47,ann,2,0,2,0,0,,0,0",
            "2026-W47,bob,2,2,0,2,0,0.0,0,0",
            "2026-W47,cat,1,0,0,1,1,100.0,0,0",
            "2026-W47,lee,1,1,1,0,0,,0,0",
            "2026-W48,ann,1,0,1,0,0,,0,0",
            "2026-W48,bob,1,1,0,1,0,0.0,0,0",
            "2026-W48,cat,0,0,0,0,0,,1,0",
            "2026-W47,(team),3,3,3,3,1,33.3,0,0",
            "2026-W48,(team),1,1,1,1,0,0.0,1,0",
        ]
    );

    // Owned time: SUP-1 ann 1 h, lee 24 h, bob 24 h: lee and bob tie, bob wins by byte
    // order with 24/49. SUP-2 ann 2.5 h + 0.5 h, bob 19 h + 1 h + 1 h (dev's hour is not
    // staff time): bob 21/24. SUP-10 cat 24 h, ann 1 h, bob 23 h: cat 24/48.
    let summaries: Vec<_> = items.tickets.iter().collect();
    assert_eq!(
        lines(to_vec(|out| tickets_csv(out, &summaries, &tickets))),
        [
            "SUP-1,incident,high,apim,2026-11-16T09:00:00Z,2026-11-18T10:00:00Z,ann lee bob,2,bob,49.0,0",
            "SUP-2,query,normal,iam,2026-11-16T09:00:00Z,2026-11-17T13:00:00Z,ann bob,1,bob,87.5,0",
            "SUP-10,other,low,apim,2026-11-16T09:00:00Z,2026-11-25T09:00:00Z,cat ann bob,1,cat,50.0,1",
        ]
    );
}

/// SUP-4 is owned across the week boundary and labelled mid-week in W48: untagged in W47
/// for both its owners, tagged in W48. SUP-5 loses its product label before the end of
/// W47. SUP-6 gets its label exactly at Monday 00:00, which belongs to W48.
#[test]
fn untagged_at_week_end() {
    let s = settings();
    let t4 = ticket("SUP-4", "Incident", "High", "2026-11-19T09:00")
        .assigned_to("ann")
        .assign("2026-11-20T09:00", Some("cat"))
        .labels("2026-11-25T12:00", "cat", "apim")
        .build();
    let t5 = ticket("SUP-5", "Query", "Normal", "2026-11-16T09:00")
        .labelled("apim")
        .assigned_to("bob")
        .labels("2026-11-18T09:00", "bob", "escalated")
        .status("2026-11-18T12:00", "Resolved")
        .build();
    let t6 = ticket("SUP-6", "Query", "Normal", "2026-11-16T09:00")
        .assigned_to("ann")
        .labels("2026-11-23T00:00", "ann", "ei")
        .status("2026-11-23T06:00", "Resolved")
        .build();
    let tickets = [t4, t5, t6];
    let items = continuity(&s, &tickets, "2026-11-26T00:00");
    let owned: Vec<_> = items
        .owned_weeks
        .iter()
        .map(|o| {
            let week = o.week.to_string();
            (
                tickets[o.ticket].key.as_str(),
                week,
                o.person.as_str(),
                o.untagged,
            )
        })
        .collect();
    assert_eq!(
        owned,
        [
            ("SUP-4", "2026-W47".into(), "ann", true),
            ("SUP-4", "2026-W47".into(), "cat", true),
            ("SUP-4", "2026-W48".into(), "cat", false),
            ("SUP-5", "2026-W47".into(), "bob", true),
            ("SUP-6", "2026-W47".into(), "ann", true),
            ("SUP-6", "2026-W48".into(), "ann", false),
        ]
    );
    // The team row sums the rows' untagged_tickets (SPEC §5: only tickets_owned and max_wip
    // are not sums): ann 2 + bob 1 + cat 1 = 4 in W47, SUP-4 counted for each owner.
    assert_eq!(
        weekly(&items, &["2026-W47", "2026-W48"]),
        [
            "2026-W47,ann,2,0,1,0,0,,0,2",
            "2026-W47,bob,1,0,0,1,1,100.0,0,1",
            "2026-W47,cat,1,1,0,0,0,,0,1",
            "2026-W48,ann,1,0,0,1,1,100.0,0,0",
            "2026-W48,cat,1,0,0,0,0,,0,0",
            "2026-W47,(team),3,1,1,1,1,100.0,0,4",
            "2026-W48,(team),2,0,0,1,1,100.0,0,0",
        ]
    );
    // Open at as-of: no resolved time; product at as-of. SUP-4: ann 24 h, cat from Fri
    // 09:00 to as-of (Thu 00:00) 135 h: cat 135/159.
    let summaries: Vec<_> = items.tickets.iter().collect();
    assert_eq!(
        lines(to_vec(|out| tickets_csv(out, &summaries, &tickets))),
        [
            "SUP-4,incident,high,apim,2026-11-19T09:00:00Z,,ann cat,1,cat,84.9,0",
            "SUP-5,query,normal,,2026-11-16T09:00:00Z,2026-11-18T12:00:00Z,bob,0,bob,100.0,0",
            "SUP-6,query,normal,ei,2026-11-16T09:00:00Z,2026-11-23T06:00:00Z,ann,0,ann,100.0,0",
        ]
    );
}

/// SUP-7 was created already done: its reopen is credited to the assignee at creation, and
/// being open at as-of it has no resolved time. SUP-8 is resolved with nobody assigned:
/// credited to `(unassigned)`, never a sole owner; no staff ever owned it.
#[test]
fn created_done_and_unassigned_resolution() {
    let s = settings();
    let t7 = ticket("SUP-7", "Incident", "High", "2026-11-16T09:00")
        .created_in("Resolved")
        .assigned_to("cat")
        .status("2026-11-17T09:00", "Reopened")
        .build();
    let t8 = ticket("SUP-8", "Query", "Normal", "2026-11-16T09:00")
        .status("2026-11-16T10:00", "Resolved")
        .build();
    let tickets = [t7, t8];
    let items = continuity(&s, &tickets, "2026-11-20T00:00");
    let reopen = &items.reopens[0];
    assert_eq!(
        (reopen.done_at, reopen.engineer.as_str()),
        (ts("2026-11-16T09:00"), "cat")
    );
    assert_eq!(
        weekly(&items, &["2026-W47"]),
        [
            "2026-W47,(unassigned),0,0,0,1,0,0.0,0,0",
            "2026-W47,cat,1,0,0,0,0,,1,1",
            "2026-W47,(team),1,0,0,1,0,0.0,1,1",
        ]
    );
    let summaries: Vec<_> = items.tickets.iter().collect();
    assert_eq!(
        lines(to_vec(|out| tickets_csv(out, &summaries, &tickets))),
        [
            "SUP-7,incident,high,,2026-11-16T09:00:00Z,,cat,0,cat,100.0,1",
            "SUP-8,query,normal,,2026-11-16T09:00:00Z,2026-11-16T10:00:00Z,,0,,,0",
        ]
    );
}
