//! The raw material of one weekly row: one accumulator per metric family, side by side, and
//! the row's value of each family's columns.

use crate::metrics::calls::{self, CallAcc};
use crate::metrics::columns::COLUMNS;
use crate::metrics::continuity::{self, OwnershipAcc};
use crate::metrics::sla::{self, SlaAcc};
use crate::metrics::tally::Value;
use crate::metrics::timelog::{self, TimeLogAcc};
use crate::metrics::wip::{self, WipAcc};

/// The raw material of one row, one part per metric family. Team rows merge engineers'
/// `Acc`s, so every statistic is recomputed over pooled samples, never averaged.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Acc {
    pub sla: SlaAcc,
    pub own: OwnershipAcc,
    pub calls: CallAcc,
    pub time: TimeLogAcc,
    pub wip: WipAcc,
}

/// One value per weekly column, by `Col::index`.
pub type Values = [Option<f64>; COLUMNS.len()];

impl Acc {
    /// Adds another row's parts (a team row is the merge of its week's rows).
    pub fn merge(&mut self, o: &Acc) {
        self.sla.merge(&o.sla);
        self.own.merge(&o.own);
        self.calls.merge(&o.calls);
        self.time.merge(&o.time);
        self.wip.merge(&o.wip);
    }

    /// The merge of `rows` into an empty row, as [`Acc::merge`] of each in turn gives (the
    /// owned sets joined in one pass: a team row joins a whole week's rows).
    pub fn merged<'r>(rows: impl IntoIterator<Item = &'r Acc> + Clone) -> Acc {
        let mut out = Acc {
            own: OwnershipAcc::merged(rows.clone().into_iter().map(|r| &r.own)),
            ..Acc::default()
        };
        for o in rows {
            out.sla.merge(&o.sla);
            out.calls.merge(&o.calls);
            out.time.merge(&o.time);
            out.wip.merge(&o.wip);
        }
        out
    }

    /// Every family's column values of this row, unrounded; `score`, which weighs the
    /// others (`score::score`), is left empty.
    pub fn values(&self) -> Values {
        let mut out = [None; COLUMNS.len()];
        fill(&mut out, sla::VALUES, &self.sla);
        fill(&mut out, continuity::VALUES, &self.own);
        fill(&mut out, calls::VALUES, &self.calls);
        fill(&mut out, timelog::VALUES, &self.time);
        fill(&mut out, wip::VALUES, &self.wip);
        out
    }
}

/// Writes one family's values of `part` into their columns' slots.
fn fill<A>(out: &mut Values, values: &[Value<A>], part: &A) {
    for (col, value) in values {
        out[col.index()] = value(part);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::columns::Col;

    fn cols<A>(values: &[Value<A>]) -> impl Iterator<Item = Col> + '_ {
        values.iter().map(|(c, _)| *c)
    }

    /// A column no family answered would be silently empty, one answered twice would be
    /// overwritten: every column but `score` must come from exactly one family.
    #[test]
    fn every_column_but_the_score_has_exactly_one_family() {
        let mut all: Vec<Col> = cols(sla::VALUES)
            .chain(cols(continuity::VALUES))
            .chain(cols(calls::VALUES))
            .chain(cols(timelog::VALUES))
            .chain(cols(wip::VALUES))
            .chain([Col::Score])
            .collect();
        all.sort();
        assert_eq!(all, Col::ALL);
    }

    #[test]
    fn values_land_in_their_columns() {
        let mut acc = Acc::default();
        acc.time.seconds = 5400;
        acc.time.worklogs = 3;
        acc.time.late_logs = 1;
        acc.wip.max_wip = 2;
        let v = acc.values();
        assert_eq!(v[Col::HoursLogged.index()], Some(1.5));
        assert_eq!(v[Col::Worklogs.index()], Some(3.0));
        assert_eq!(v[Col::SameDayLogPct.index()], Some(200.0 / 3.0));
        assert_eq!(v[Col::MaxWip.index()], Some(2.0));
        assert_eq!(v[Col::Acks.index()], Some(0.0));
        assert_eq!(v[Col::AckP50Min.index()], None);
        assert_eq!(v[Col::ContinuityPct.index()], None);
        assert_eq!(v[Col::Score.index()], None);
    }
}
