//! The ownership-continuity family's weekly rows (SPEC §5 `tickets_owned` … `continuity_pct`,
//! `reopens`, `untagged_tickets`): the per engineer-week sums of the items `handoffs` finds.

use std::collections::BTreeSet;

use crate::metrics::columns::Col;
use crate::metrics::handoffs::Continuity;
use crate::metrics::tally::{Rows, Value, count, pct};
use crate::week::Week;

/// The ownership-continuity counts of one (week, person) row.
///
/// Team rows merge every row of the week: counts add up, `continuity_pct` is recomputed
/// from the pooled counts, and the owned sets are unioned, so the team's `tickets_owned`
/// counts distinct tickets (a ticket handed from A to B within a week counts once for the
/// team, once for each of A and B). `untagged_tickets` is a count like the others (SPEC §5
/// excepts only `tickets_owned` and `max_wip`): the team row sums the rows' counts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OwnershipAcc {
    /// Tickets owned by the person (staff only) at some instant of the week, by index.
    pub owned: BTreeSet<usize>,
    pub handoffs_in: u64,
    pub handoffs_out: u64,
    /// Moves to done in the week while the person was assignee.
    pub resolved: u64,
    /// Of `resolved`, those where the person was the only staff assignee so far.
    pub resolved_sole_owner: u64,
    /// Reopens in the week of tickets the person was assignee of when they became done.
    pub reopens: u64,
    /// Of `owned`, the tickets without a product label at the end of the week (or as-of).
    pub untagged: BTreeSet<usize>,
    /// The `untagged_tickets` of the rows merged into this one.
    merged_untagged: u64,
}

impl OwnershipAcc {
    /// Adds another row's counts (the team row is the merge of the week's rows).
    pub fn merge(&mut self, other: &Self) {
        self.owned.extend(other.owned.iter().copied());
        self.add_counts(other);
    }

    /// Adds another row's counts, all but the owned tickets.
    fn add_counts(&mut self, other: &Self) {
        self.handoffs_in += other.handoffs_in;
        self.handoffs_out += other.handoffs_out;
        self.resolved += other.resolved;
        self.resolved_sole_owner += other.resolved_sole_owner;
        self.reopens += other.reopens;
        self.merged_untagged += other.untagged_tickets();
    }

    /// The merge of `rows` into an empty row, as [`OwnershipAcc::merge`] of each in turn
    /// gives; the owned sets are joined in one sorted pass instead of ticket by ticket.
    pub fn merged<'r>(rows: impl IntoIterator<Item = &'r OwnershipAcc>) -> OwnershipAcc {
        let mut out = OwnershipAcc::default();
        let mut owned: Vec<usize> = Vec::new();
        for row in rows {
            owned.extend(row.owned.iter().copied());
            out.add_counts(row);
        }
        owned.sort_unstable();
        owned.dedup();
        out.owned = owned.into_iter().collect();
        out
    }

    pub fn tickets_owned(&self) -> u64 {
        self.owned.len() as u64
    }

    pub fn untagged_tickets(&self) -> u64 {
        self.untagged.len() as u64 + self.merged_untagged
    }

    /// 100 × resolved_sole_owner / resolved; the score's `continuity` component.
    pub fn continuity_pct(&self) -> Option<f64> {
        pct(self.resolved_sole_owner, self.resolved)
    }
}

/// Adds every item of a window week to its row; rows are created for the people credited.
pub fn tally<'a>(
    items: &'a Continuity,
    weeks: &BTreeSet<Week>,
    rows: &mut impl Rows<'a, OwnershipAcc>,
) {
    fn row<'r, 'a, R: Rows<'a, OwnershipAcc>>(
        rows: &'r mut R,
        weeks: &BTreeSet<Week>,
        week: Week,
        who: &'a str,
    ) -> Option<&'r mut OwnershipAcc> {
        weeks.contains(&week).then(|| rows.row(week, who))
    }
    for h in &items.handoffs {
        if let Some(acc) = row(rows, weeks, h.week, &h.from) {
            acc.handoffs_out += 1;
        }
        if let Some(acc) = row(rows, weeks, h.week, &h.to) {
            acc.handoffs_in += 1;
        }
    }
    for r in &items.resolutions {
        if let Some(acc) = row(rows, weeks, r.week, &r.engineer) {
            acc.resolved += 1;
            acc.resolved_sole_owner += u64::from(r.sole_owner);
        }
    }
    for r in &items.reopens {
        if let Some(acc) = row(rows, weeks, r.week, &r.engineer) {
            acc.reopens += 1;
        }
    }
    for o in &items.owned_weeks {
        if let Some(acc) = row(rows, weeks, o.week, &o.person) {
            acc.owned.insert(o.ticket);
            if o.untagged {
                acc.untagged.insert(o.ticket);
            }
        }
    }
}

/// The weekly columns of this family, each read from a row's `OwnershipAcc`.
pub const VALUES: &[Value<OwnershipAcc>] = &[
    (Col::TicketsOwned, |a| count(a.tickets_owned())),
    (Col::HandoffsIn, |a| count(a.handoffs_in)),
    (Col::HandoffsOut, |a| count(a.handoffs_out)),
    (Col::Resolved, |a| count(a.resolved)),
    (Col::ResolvedSoleOwner, |a| count(a.resolved_sole_owner)),
    (Col::ContinuityPct, OwnershipAcc::continuity_pct),
    (Col::Reopens, |a| count(a.reopens)),
    (Col::UntaggedTickets, |a| count(a.untagged_tickets())),
];

#[cfg(test)]
mod tests {
    use super::*;

    /// One merge of many rows is the merge of each in turn: owned sets that overlap, the
    /// counts and the untagged tickets of rows themselves merged.
    #[test]
    fn merged_is_each_merge_in_turn() {
        let row = |owned: &[usize], untagged: &[usize], n: u64| OwnershipAcc {
            owned: owned.iter().copied().collect(),
            handoffs_in: n,
            handoffs_out: n + 1,
            resolved: n + 2,
            resolved_sole_owner: n + 3,
            reopens: n + 4,
            untagged: untagged.iter().copied().collect(),
            merged_untagged: n,
        };
        let rows = [
            row(&[5, 1, 9], &[9], 1),
            row(&[], &[], 0),
            row(&[9, 2, 5, 7], &[2, 9], 10),
            row(&[3], &[3], 100),
        ];
        let mut each = OwnershipAcc::default();
        for r in &rows {
            each.merge(r);
        }
        let once = OwnershipAcc::merged(&rows);
        assert_eq!(once, each);
        assert_eq!(
            once.owned.iter().copied().collect::<Vec<_>>(),
            [1, 2, 3, 5, 7, 9]
        );
        assert_eq!(once.untagged_tickets(), 1 + 2 + 1 + 111);
        assert_eq!(once.handoffs_out, 2 + 1 + 11 + 101);
        assert_eq!(OwnershipAcc::merged([]), OwnershipAcc::default());
    }
}
