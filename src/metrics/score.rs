//! The weekly score (SPEC §4 "Score"): the weighted mean, weights from `[score]`, of the
//! components that have samples. Components without samples are left out; with none, the
//! score is empty.

use crate::metrics::acc::Acc;
use crate::settings::ScoreWeights;

/// Each component's value (0–100) for one row, None without samples, with its weight.
pub fn components(acc: &Acc, w: &ScoreWeights) -> [(Option<f64>, f64); 6] {
    [
        (acc.sla.ack_sla_pct(), w.ack),
        (acc.sla.update_sla_pct(), w.update),
        (acc.own.continuity_pct(), w.continuity),
        (acc.time.same_day_log_pct(), w.time_logging),
        (acc.calls.score_pct(), w.calls),
        (acc.wip.wip_pct(), w.wip),
    ]
}

/// The score of one row, 0–100, or None when no component has samples (or every present
/// component weighs 0).
pub fn score(acc: &Acc, w: &ScoreWeights) -> Option<f64> {
    let (sum, weight) = components(acc, w)
        .into_iter()
        .filter_map(|(value, weight)| value.map(|v| (v * weight, weight)))
        .fold((0.0, 0.0), |(s, t), (v, w)| (s + v, t + w));
    (weight > 0.0).then(|| sum / weight)
}
