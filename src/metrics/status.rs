//! Status classes of a run of tickets, each distinct name classified once. A report asks
//! for the class of every status value of every ticket (clocks, ownership, work in progress,
//! the data checks); [`Settings::status_class`] normalises the name and searches the
//! configured names each time, while a team's tickets hold a dozen distinct names between
//! them. A memo kept by one worker for its run of tickets answers repeats by comparing the
//! name with the few it has met.

use crate::model::Short;
use crate::settings::{Settings, StatusClass};
use crate::timeline::Track;

/// Distinct names a memo keeps: more than any real workflow has, few enough that a miss
/// (a name never met, as in a hostile input with a new status per ticket) costs a short
/// scan before the settings are asked.
const KEPT: usize = 32;

/// The classes of the status names one worker has met, by exact name, under one
/// [`Settings`].
pub struct StatusMemo<'s> {
    settings: &'s Settings,
    known: Vec<(Short, StatusClass)>,
}

impl<'s> StatusMemo<'s> {
    /// An empty memo for `settings`.
    pub fn new(settings: &'s Settings) -> StatusMemo<'s> {
        StatusMemo {
            settings,
            known: Vec::new(),
        }
    }

    /// [`Settings::status_class`] of `name`.
    pub fn class(&mut self, name: &str) -> StatusClass {
        if let Some((_, class)) = self.known.iter().find(|(n, _)| n.as_str() == name) {
            return *class;
        }
        let class = self.settings.status_class(name);
        if self.known.len() < KEPT {
            self.known.push((name.into(), class));
        }
        class
    }

    /// The class of each value of a status track, in [`Track::values`] order (so indexed by
    /// [`Track::position_at`]).
    pub fn classes(&mut self, status: &Track<Short>) -> Vec<StatusClass> {
        status.values().map(|s| self.class(s)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::testkit::settings;
    use proptest::prelude::*;

    /// The memo answers as the settings do for listed names, names differing only in case,
    /// spaces or punctuation, unknown names, repeats, and names met after it is full.
    #[test]
    fn memo_answers_as_the_settings() {
        let s = settings();
        let mut memo = StatusMemo::new(&s);
        let mut names: Vec<String> = [
            "Open",
            "In Progress",
            "in progress",
            "IN-PROGRESS",
            "Waiting for Customer",
            "Resolved",
            "Closed",
            "Limbo",
            "",
            "Resolved ",
            "ÉTAT",
        ]
        .iter()
        .map(|n| n.to_string())
        .collect();
        names.extend((0..2 * KEPT).map(|i| format!("Unlisted {i}")));
        names.extend(["In Progress".to_string(), "Open".to_string()]);
        for round in 0..2 {
            for name in &names {
                assert_eq!(memo.class(name), s.status_class(name), "{name:?} {round}");
            }
        }
        assert_eq!(memo.known.len(), KEPT);
        assert_eq!(memo.class("In Progress"), StatusClass::InProgress);
    }

    proptest! {
        /// Over generated names (drawn from a few spellings so that repeats happen), every
        /// answer is the settings' answer.
        #[test]
        fn memo_agrees_with_the_settings(
            names in proptest::collection::vec(
                "(In Progress|in progress|Open|Resolved|Waiting for Customer|[A-Za-z -]{0,6})",
                0..80,
            )
        ) {
            let s = settings();
            let mut memo = StatusMemo::new(&s);
            for name in &names {
                prop_assert_eq!(memo.class(name), s.status_class(name));
            }
        }
    }
}
