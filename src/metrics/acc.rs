//! The raw material of one weekly row: one accumulator per metric family, side by side.

use crate::metrics::calls::CallAcc;
use crate::metrics::continuity::OwnershipAcc;
use crate::metrics::sla::SlaAcc;
use crate::metrics::timelog::TimeLogAcc;
use crate::metrics::wip::WipAcc;

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

impl Acc {
    /// Adds another row's parts (a team row is the merge of its week's rows).
    pub fn merge(&mut self, o: &Acc) {
        self.sla.merge(&o.sla);
        self.own.merge(&o.own);
        self.calls.merge(&o.calls);
        self.time.merge(&o.time);
        self.wip.merge(&o.wip);
    }
}
