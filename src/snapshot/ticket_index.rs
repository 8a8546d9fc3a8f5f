//! Ticket ids of a `tickets` table → their rows, for child rows to find their ticket.
//!
//! Every snapshot supportlens writes stores its tickets sorted by id and each ticket's child
//! rows together in that order: a child row's ticket is then nearly always the one of the
//! row above or one of the next few tickets, found by comparing ids in the order they are
//! stored, and any other by a binary search. Only a table not sorted by id (a snapshot
//! written otherwise) builds a hash map. The ids are borrowed from the table itself.

use anyhow::{Result, bail};
use polars::prelude::PlHashMap;

use crate::model::id_order;

/// Tickets a lookup walks past the last one found before it searches.
const WALK: usize = 8;

/// The rows of a `tickets` table by ticket id.
#[derive(Debug, Default)]
pub(super) struct TicketIndex<'a> {
    /// Every id, in row order.
    ids: Vec<&'a str>,
    /// `None` while the ids are strictly increasing by [`id_order`] (so all distinct, and
    /// searched by bisection); else every id → its row.
    by_id: Option<PlHashMap<&'a str, usize>>,
}

impl<'a> TicketIndex<'a> {
    pub(super) fn with_capacity(n: usize) -> TicketIndex<'a> {
        TicketIndex {
            ids: Vec::with_capacity(n),
            by_id: None,
        }
    }

    /// Adds the id of the next row (`row`, from 0, for the message); an id already added
    /// is an error naming the row, as a hash map's insert would find it.
    pub(super) fn push(&mut self, id: &'a str, row: usize) -> Result<()> {
        if self.by_id.is_none() {
            if self
                .ids
                .last()
                .is_none_or(|last| id_order(last, id).is_lt())
            {
                self.ids.push(id);
                return Ok(());
            }
            // Out of order from here on: the ids so far are distinct, being increasing.
            let mut map =
                PlHashMap::with_capacity_and_hasher(self.ids.capacity(), Default::default());
            map.extend(self.ids.iter().enumerate().map(|(row, id)| (*id, row)));
            self.by_id = Some(map);
        }
        let map = self.by_id.as_mut().expect("a map once out of order");
        if map.insert(id, self.ids.len()).is_some() {
            bail!(
                "row {}: ticket id {} appears twice",
                row + 1,
                crate::error::cut(id, 40)
            );
        }
        self.ids.push(id);
        Ok(())
    }

    /// How many tickets.
    pub(super) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The row of ticket `id`.
    pub(super) fn get(&self, id: &str) -> Option<usize> {
        match &self.by_id {
            Some(map) => map.get(id).copied(),
            None => self.ids.binary_search_by(|probe| id_order(probe, id)).ok(),
        }
    }

    /// The row of ticket `id`, looked for first among the few rows from `from` on (where
    /// the next child row's ticket is when rows are stored in order).
    pub(super) fn get_from(&self, id: &str, from: usize) -> Option<usize> {
        let end = from.saturating_add(WALK).min(self.ids.len());
        if let Some(near) = self.ids.get(from..end)
            && let Some(i) = near.iter().position(|probe| *probe == id)
        {
            return Some(from + i);
        }
        self.get(id)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    /// The index a hash map gives (the one this replaces): every id → its row, and the
    /// first repeated id's message.
    fn reference(ids: &[String]) -> std::result::Result<HashMap<&str, usize>, String> {
        let mut map = HashMap::new();
        for (row, id) in ids.iter().enumerate() {
            if map.insert(id.as_str(), row).is_some() {
                return Err(format!("row {}: ticket id {id} appears twice", row + 1));
            }
        }
        Ok(map)
    }

    fn built(ids: &[String]) -> std::result::Result<TicketIndex<'_>, String> {
        let mut index = TicketIndex::with_capacity(ids.len());
        for (row, id) in ids.iter().enumerate() {
            index.push(id, row).map_err(|e| e.to_string())?;
        }
        Ok(index)
    }

    /// Ids as JIRA has them (numbers, sometimes with a leading zero) and a few others.
    fn id() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u32..60).prop_map(|n| n.to_string()),
            1 => (0u32..60).prop_map(|n| format!("0{n}")),
            1 => "[a-c]{1,3}",
        ]
    }

    fn same(ids: &[String], queries: &[String]) {
        let want = reference(ids);
        let got = built(ids);
        match (&want, &got) {
            (Err(w), Err(g)) => assert_eq!(g, w),
            (Ok(map), Ok(index)) => {
                assert_eq!(index.len(), ids.len());
                for q in ids.iter().chain(queries) {
                    let want = map.get(q.as_str()).copied();
                    assert_eq!(index.get(q), want, "{q}");
                    for from in 0..=ids.len() + 1 {
                        assert_eq!(index.get_from(q, from), want, "{q} from {from}");
                    }
                }
            }
            _ => panic!("{want:?} against {:?}", got.map(|i| i.ids)),
        }
    }

    #[test]
    fn stored_order_is_searched_and_any_other_hashed() {
        let ids = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        // Sorted by id: no map; "9" before "010" before "10".
        let sorted = ids(&["2", "9", "010", "10", "11", "abc"]);
        let index = built(&sorted).unwrap();
        assert!(index.by_id.is_none());
        assert_eq!(index.get("010"), Some(2));
        assert_eq!(index.get("10"), Some(3));
        assert_eq!(index.get_from("abc", 1), Some(5));
        assert_eq!(index.get("12"), None);
        // Out of order from the third row: a map from there on, the same answers.
        let unsorted = ids(&["2", "9", "1", "10"]);
        let index = built(&unsorted).unwrap();
        assert!(index.by_id.is_some());
        assert_eq!(index.get("1"), Some(2));
        assert_eq!(index.get_from("2", 3), Some(0));
        // A repeat is found in order or out of it, at the row a map finds it.
        for repeated in [ids(&["1", "2", "2"]), ids(&["3", "1", "3", "1"])] {
            same(&repeated, &[]);
            assert!(built(&repeated).is_err());
        }
        assert_eq!(
            built(&ids(&["5", "1", "7", "1"])).err().unwrap(),
            "row 4: ticket id 1 appears twice"
        );
        // A hostile id is cut in the message, not echoed whole.
        let long = "7".repeat(10_000);
        let message = built(&[long.clone(), long]).err().unwrap();
        assert_eq!(
            message,
            format!("row 2: ticket id {}… appears twice", "7".repeat(40))
        );
    }

    proptest! {
        #[test]
        fn answers_as_a_hash_map_does(
            mut ids in proptest::collection::vec(id(), 0..40),
            sort in any::<bool>(),
            queries in proptest::collection::vec(id(), 0..8),
        ) {
            if sort {
                ids.sort_by(|a, b| id_order(a, b));
                ids.dedup();
            }
            same(&ids, &queries);
        }
    }
}
