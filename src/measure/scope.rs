//! Self-review (SPEC §5 `--engineer`): a team's measured results cut to one engineer —
//! their rows and evidence, the team's aggregates, and no other person's id. `report
//! --engineer ID` and the page mailed to an engineer (SPEC §7) both come from here.

use std::collections::BTreeSet;

use super::Measured;
use crate::metrics::quality;
use crate::metrics::values::WeeklyValues;
use crate::metrics::weekly::{TEAM, Weekly};

/// What another person's id becomes in a self-review.
pub const OTHER: &str = "(other)";

/// Another person's id, hidden from engineer `me`; an empty id stays empty.
fn redact(me: &str, who: &str) -> String {
    if who == me || who.is_empty() {
        who.to_string()
    } else {
        OTHER.to_string()
    }
}

impl Measured {
    /// These results as engineer `me`'s self-review shows them: their weekly rows, goal
    /// rows, feedback points, clocks, escalations, calls and handoffs, the tickets they
    /// owned, the data problems of their evidence; the team's rows whole; every other
    /// person's id in what is left written `(other)`. The shared parts (tickets, people,
    /// every escalation) are not copied.
    pub fn scoped(&self, me: &str) -> Measured {
        let mine = |who: &str| who == me;
        let escalations: Vec<_> = self
            .escalations
            .iter()
            .filter(|e| mine(&e.engineer))
            .map(|e| {
                let mut e = e.clone();
                e.by = redact(me, &e.by);
                e
            })
            .collect();
        let clocks: Vec<_> = self
            .clocks
            .iter()
            .filter(|c| mine(&c.engineer))
            .cloned()
            .collect();
        // Only the problems of the tickets of this person's evidence, and none naming
        // other people.
        let key = |i: usize| self.tickets[i].key.as_str();
        let theirs: BTreeSet<&str> = clocks
            .iter()
            .map(|c| key(c.ticket))
            .chain(escalations.iter().map(|e| key(e.ticket)))
            .collect();
        let problems = self
            .problems
            .iter()
            .filter(|p| theirs.contains(p.ticket.as_str()) && p.problem != quality::UNKNOWN_AUTHOR)
            .cloned()
            .collect();
        Measured {
            window: self.window.clone(),
            as_of: self.as_of,
            engineer: Some(me.to_string()),
            tickets: self.tickets.clone(),
            people: self.people.clone(),
            weekly: Weekly {
                engineers: self
                    .weekly
                    .engineers
                    .iter()
                    .filter(|r| mine(&r.engineer))
                    .cloned()
                    .collect(),
                team: self.weekly.team.clone(),
            },
            values: WeeklyValues {
                engineers: self
                    .values
                    .engineers
                    .iter()
                    .filter(|r| mine(&r.engineer))
                    .cloned()
                    .collect(),
                team: self.values.team.clone(),
            },
            engineers: self.engineers.iter().filter(|e| mine(e)).cloned().collect(),
            // A goal row is an engineer's or the team's.
            goals: self
                .goals
                .iter()
                .filter(|g| mine(&g.engineer) || g.engineer == TEAM)
                .cloned()
                .collect(),
            feedback: self
                .feedback
                .iter()
                .filter(|p| mine(&p.engineer))
                .cloned()
                .collect(),
            clocks,
            all_escalations: self.all_escalations.clone(),
            escalations,
            handoffs: self
                .handoffs
                .iter()
                .filter(|h| mine(&h.from) || mine(&h.to))
                .map(|h| {
                    let mut h = h.clone();
                    h.from = redact(me, &h.from);
                    h.to = redact(me, &h.to);
                    h
                })
                .collect(),
            // One row per ticket the person owned, other owners hidden.
            summaries: self
                .summaries
                .iter()
                .filter(|t| t.owners.iter().any(|o| mine(o)))
                .map(|t| {
                    let mut t = t.clone();
                    t.owners = t.owners.iter().map(|o| redact(me, o)).collect();
                    t.primary_owner = t.primary_owner.as_deref().map(|o| redact(me, o));
                    t
                })
                .collect(),
            calls: self
                .calls
                .iter()
                .filter(|c| mine(&c.engineer))
                .cloned()
                .collect(),
            problems,
        }
    }
}
