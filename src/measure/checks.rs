//! The per-chunk reads of every ticket beside its items, in one pass: the data checks
//! (`quality`), whether the window sees the ticket (`seen`) and who authored a comment or
//! worklog in a window week (`Prepared::authoring`). Each read the chunk's tickets and
//! timelines on its own, three passes over ~100,000 tickets' events that no cache holds;
//! here each ticket is read once, and its statuses classified once for both that ask.

use std::collections::BTreeSet;

use rayon::prelude::*;

use crate::metrics::quality::{self, Problem};
use crate::metrics::{Prepared, StatusMemo, seen, ticket_authoring};
use crate::model::Ts;
use crate::settings::Settings;
use crate::week::Week;

/// What the pass finds in one chunk.
pub struct Checked<'t> {
    /// The data-quality findings, sorted and deduplicated.
    pub problems: BTreeSet<Problem>,
    /// Per ticket, whether the window `[from, to)` sees it.
    pub seen: Vec<bool>,
    /// (week, staff member) pairs of the window's authored comments and worklogs, each once
    /// per ticket (not yet across tickets).
    pub authored: Vec<(Week, &'t str)>,
}

/// Tickets a worker takes at once (as the items pass).
const TICKETS_PER_TASK: usize = 256;

/// The findings, sightings and authors of `prepared`'s tickets for the window `[from, to)`:
/// the same as `quality::found`, `seen::seen_in` and `Prepared::authoring` before its
/// pairs are joined across tickets.
pub fn check<'t>(prepared: &Prepared<'t>, settings: &Settings, from: Ts, to: Ts) -> Checked<'t> {
    let (as_of, tz, people) = (prepared.as_of, settings.team.timezone, &*prepared.people);
    let tickets: &'t [crate::model::Ticket] = prepared.tickets;
    let runs: Vec<Run<'t>> = tickets
        .par_chunks(TICKETS_PER_TASK)
        .zip(prepared.timelines.par_chunks(TICKETS_PER_TASK))
        .map(|(run, timelines)| {
            let mut out = Run::default();
            let mut memo = StatusMemo::new(settings);
            for (ticket, timeline) in run.iter().zip(timelines) {
                let classes = memo.classes(&timeline.status);
                out.problems.extend(quality::ticket_problems(
                    ticket, timeline, &classes, people, settings,
                ));
                out.seen.push(seen::ticket_seen(
                    ticket,
                    timeline,
                    &classes,
                    (from, to),
                    as_of,
                ));
                ticket_authoring(people, ticket, tz, (from, to), as_of, &mut out.authored);
            }
            out
        })
        .collect();
    let mut checked = Checked {
        problems: BTreeSet::new(),
        seen: Vec::with_capacity(tickets.len()),
        authored: Vec::with_capacity(runs.iter().map(|r| r.authored.len()).sum()),
    };
    for run in runs {
        checked.problems.extend(run.problems);
        checked.seen.extend(run.seen);
        checked.authored.extend(run.authored);
    }
    checked
}

/// What one worker finds in its run of tickets, in ticket order.
#[derive(Default)]
struct Run<'t> {
    problems: Vec<Problem>,
    seen: Vec<bool>,
    authored: Vec<(Week, &'t str)>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::{settings, ticket, ts};
    use crate::model::Ticket;

    /// Tickets with a bit of everything each check looks at: an unknown status, a comment
    /// before creation, a worklog without time, an unknown author, an app author, comments
    /// and worklogs in and out of the window (one after as-of), owned through the window or
    /// done before it, and one without a creation time.
    fn tickets() -> Vec<Ticket> {
        let mut no_created = ticket("SUP-9", "Query", "Normal", "2026-11-17T09:00")
            .comment("2026-11-17T10:00", "ann", true)
            .build();
        no_created.created = None;
        let mut early = ticket("SUP-3", "Incident", "High", "2026-11-10T09:00")
            .assigned_to("bob")
            .comment("2026-11-18T09:00", "bob", true)
            .comment("2026-11-18T10:00", "bob", false)
            .comment("2026-11-19T10:00", "zed", true)
            .worklog("bob", "2026-11-19T10:00", "2026-11-19T11:00", 0, "call")
            .build();
        early.comments[0].created = ts("2026-11-09T09:00");
        vec![
            ticket("SUP-1", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-05T09:00", "Resolved")
                .build(),
            ticket("SUP-2", "Incident", "High", "2026-11-02T09:00")
                .assigned_to("ann")
                .status("2026-11-03T09:00", "Limbo")
                .comment("2026-11-16T00:00", "ann", true)
                .comment("2026-11-17T00:00", "ann", true)
                .comment("2026-11-22T23:59", "cat", true)
                .comment("2026-11-23T00:00", "cat", true)
                .app_comment("2026-11-18T00:00", "bot")
                .worklog("lee", "2026-11-20T10:00", "2026-11-20T11:00", 600, "x")
                .build(),
            early,
            ticket("SUP-4", "Query", "Normal", "2026-11-17T09:00")
                .worklog("ann", "2026-11-24T10:00", "2026-11-24T11:00", 60, "late")
                .comment("2026-11-18T09:00", "cust", true)
                .build(),
            no_created,
        ]
    }

    /// One pass finds what the three separate ones find, for a window of one week and of
    /// two, and for an as-of inside the window.
    #[test]
    fn one_pass_finds_what_the_three_passes_find() {
        let s = settings();
        let tickets = tickets();
        for (weeks, as_of) in [
            (vec!["2026-W47"], "2026-11-25T00:00"),
            (vec!["2026-W46", "2026-W47"], "2026-11-25T00:00"),
            (vec!["2026-W47"], "2026-11-19T12:00"),
        ] {
            let weeks: Vec<Week> = weeks.iter().map(|w| w.parse().unwrap()).collect();
            let prepared = Prepared::new(&s, &tickets, ts(as_of));
            let tz = s.team.timezone;
            let (from, to) = (weeks[0].start(tz), weeks[weeks.len() - 1].end(tz));
            let mut checked = check(&prepared, &s, from, to);
            assert_eq!(checked.problems, quality::found(&prepared, &s), "{as_of}");
            assert_eq!(
                checked.seen,
                seen::seen_in(&prepared, &s, from, to),
                "{as_of}"
            );
            assert_eq!(
                crate::metrics::owned_pairs(&mut checked.authored),
                prepared.authoring(&s, &weeks),
                "{as_of}"
            );
        }
    }

    /// Worked by hand for week 47 at as-of 2026-11-25: what each check finds.
    #[test]
    fn the_pass_finds_these() {
        let s = settings();
        let tickets = tickets();
        let prepared = Prepared::new(&s, &tickets, ts("2026-11-25T00:00"));
        let (from, to) = (ts("2026-11-16T00:00"), ts("2026-11-23T00:00"));
        let mut checked = check(&prepared, &s, from, to);
        let problems: Vec<(&str, &str)> = (checked.problems.iter())
            .map(|p| (p.ticket.as_str(), p.problem))
            .collect();
        assert_eq!(
            problems,
            [
                ("SUP-2", quality::UNKNOWN_STATUS),
                ("SUP-3", "event before creation"),
                ("SUP-3", quality::UNKNOWN_AUTHOR),
                ("SUP-3", "worklog without time"),
                ("SUP-9", "missing fields"),
            ]
        );
        // SUP-1 done before the window; SUP-9 has no creation time.
        assert_eq!(checked.seen, [false, true, true, true, false]);
        let w47: Week = "2026-W47".parse().unwrap();
        assert_eq!(
            crate::metrics::owned_pairs(&mut checked.authored),
            BTreeSet::from([
                (w47, "ann".to_string()),
                (w47, "bob".to_string()),
                (w47, "cat".to_string()),
                (w47, "lee".to_string()),
            ])
        );
    }

    /// Sorted values with runs of equals keep one of each, in order, at the front.
    #[test]
    fn sorted_values_are_deduplicated_in_place() {
        let mut v = [1, 1, 2, 3, 3, 3, 7];
        assert_eq!(crate::metrics::dedup_sorted(&mut v), 4);
        assert_eq!(v[..4], [1, 2, 3, 7]);
        let mut empty: [u8; 0] = [];
        assert_eq!(crate::metrics::dedup_sorted(&mut empty), 0);
        let mut one = [5, 5];
        assert_eq!(crate::metrics::dedup_sorted(&mut one), 1);
    }
}
