//! Sorting long lists of large items by a cheap leading key without moving the items more
//! than once: the window's clocks (~1,000,000 on a two-year report, ~130 bytes each) were
//! stable-sorted in place, which moved every clock about twenty times and took a buffer of
//! half the list.

use std::cmp::Ordering;

use rayon::prelude::*;

/// Sorts `items` as `items.sort_by(|a, b| lead(a).cmp(&lead(b)).then_with(|| rest(a, b)))`
/// would (a stable sort): small (lead, position) pairs are sorted on every core, ties of
/// `lead` broken by `rest` and then by position, and the items are then moved to their
/// places once, along the permutation's cycles. Takes 16 bytes per item of extra memory.
pub fn sort_by_lead<T: Sync, K: Ord + Copy + Send + Sync>(
    items: &mut [T],
    lead: impl Fn(&T) -> K + Sync,
    rest: impl Fn(&T, &T) -> Ordering + Sync,
) {
    let Ok(len) = u32::try_from(items.len()) else {
        // More items than positions of 32 bits: the plain stable sort.
        items.sort_by(|a, b| lead(a).cmp(&lead(b)).then_with(|| rest(a, b)));
        return;
    };
    let mut order: Vec<(K, u32)> = (items.iter().zip(0..len))
        .map(|(item, i)| (lead(item), i))
        .collect();
    {
        let items = &*items;
        order.par_sort_unstable_by(|(ka, a), (kb, b)| {
            ka.cmp(kb)
                .then_with(|| rest(&items[*a as usize], &items[*b as usize]))
                .then(a.cmp(b))
        });
    }
    // order[k].1 is the position whose item goes to k. Each cycle of the permutation is
    // walked once; a visited slot is marked with its own position.
    for start in 0..items.len() {
        let mut at = start;
        loop {
            let from = order[at].1 as usize;
            order[at].1 = at as u32;
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (lead, tie-breaker, payload): the payload tells equal items apart, so a sort that is
    /// not stable, or a misplaced item, shows.
    type Item = (u8, u8, u32);

    fn check(mut items: Vec<Item>) {
        let mut want = items.clone();
        want.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
        sort_by_lead(&mut items, |i| i.0, |a, b| a.1.cmp(&b.1));
        assert_eq!(items, want);
    }

    /// Worked by hand: leads tie (3, 3, 3), tie-breakers tie within them (1, 1), so the
    /// payloads of equal items keep their order; a cycle of three and a fixed point.
    #[test]
    fn sorts_as_the_stable_sort_does() {
        let mut items = vec![(3, 1, 10), (1, 0, 11), (3, 0, 12), (0, 9, 13), (3, 1, 14)];
        sort_by_lead(&mut items, |i| i.0, |a, b| a.1.cmp(&b.1));
        assert_eq!(
            items,
            [(0, 9, 13), (1, 0, 11), (3, 0, 12), (3, 1, 10), (3, 1, 14)]
        );
        check(Vec::new());
        check(vec![(1, 1, 1)]);
        check(
            (0..100)
                .rev()
                .map(|i| (i as u8 % 7, i as u8 % 3, i))
                .collect(),
        );
    }

    proptest! {
        /// Any list, with many equal leads and tie-breakers, ends as the stable sort leaves it.
        #[test]
        fn matches_the_stable_sort(items in prop::collection::vec((0u8..6, 0u8..3, any::<u32>()), 0..300)) {
            check(items);
        }
    }
}
