//! The entries under one key of a registry: a plain list while the key has few holders, a map
//! by pid once it has many.
//!
//! A duplicate registry's key (a PubSub topic) can have thousands of holders, and each one's
//! exit removes its entries: searched for in a list, n exits cost O(n²). Indexed by pid, each
//! costs O(1). But an index costs about four times the memory of a list entry, and a unique
//! registry's key never has more than one holder; so a key's entries become a map only past
//! [`INDEX_FROM`] of them.

use std::hash::Hash;

use indexmap::IndexMap;
use smallvec::SmallVec;

/// The number of entries from which a key's entries are indexed by pid.
const INDEX_FROM: usize = 32;

/// The entries under one key, each a holder `H` (a process's pid) and a value.
pub(crate) enum Slot<H, V> {
    /// Few entries, in registration order.
    Few(Vec<(H, V)>),
    /// Each holder's values (a process may register a key more than once in a duplicate
    /// registry). A removed holder's place goes to the last one, so the order is not kept:
    /// lookups promise none, as Elixir's do not.
    Many(IndexMap<H, SmallVec<[V; 1]>>),
}

impl<H, V> Default for Slot<H, V> {
    fn default() -> Self {
        Slot::Few(Vec::new())
    }
}

impl<H: Hash + Eq, V> Slot<H, V> {
    /// Adds an entry of `pid`.
    pub(crate) fn push(&mut self, pid: H, value: V) {
        match self {
            Slot::Few(list) if list.len() < INDEX_FROM => list.push((pid, value)),
            Slot::Few(list) => {
                let mut map: IndexMap<H, SmallVec<[V; 1]>> =
                    IndexMap::with_capacity(list.len() + 1);
                for (holder, value) in list.drain(..) {
                    map.entry(holder).or_default().push(value);
                }
                map.entry(pid).or_default().push(value);
                *self = Slot::Many(map);
            }
            Slot::Many(map) => map.entry(pid).or_default().push(value),
        }
    }

    /// Removes every entry of `pid`.
    pub(crate) fn remove(&mut self, pid: &H) {
        match self {
            Slot::Few(list) => list.retain(|(holder, _)| holder != pid),
            Slot::Many(map) => {
                map.swap_remove(pid);
            }
        }
    }

    pub(crate) fn clear(&mut self) {
        *self = Slot::default();
    }

    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Slot::Few(list) => list.is_empty(),
            Slot::Many(map) => map.is_empty(),
        }
    }

    /// How many entries.
    pub(crate) fn len(&self) -> usize {
        match self {
            Slot::Few(list) => list.len(),
            Slot::Many(map) => map.values().map(SmallVec::len).sum(),
        }
    }

    /// The holder of the first entry (a unique registry's only one).
    pub(crate) fn first_holder(&self) -> Option<&H> {
        match self {
            Slot::Few(list) => list.first().map(|(holder, _)| holder),
            Slot::Many(map) => map.first().map(|(holder, _)| holder),
        }
    }

    /// Visits every entry.
    pub(crate) fn for_each(&self, mut visit: impl FnMut(&H, &V)) {
        match self {
            Slot::Few(list) => list.iter().for_each(|(holder, value)| visit(holder, value)),
            Slot::Many(map) => {
                for (holder, values) in map {
                    values.iter().for_each(|value| visit(holder, value));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(slot: &Slot<u64, u32>) -> Vec<(u64, u32)> {
        let mut found = Vec::new();
        slot.for_each(|holder, value| found.push((*holder, *value)));
        found.sort_unstable();
        found
    }

    #[test]
    fn a_slot_keeps_its_entries_across_the_switch_to_an_index() {
        let holders: Vec<u64> = (1..=u64::try_from(INDEX_FROM).unwrap() + 8).collect();
        let mut slot = Slot::default();
        let mut expected = Vec::new();
        for &holder in &holders {
            let value = u32::try_from(holder).unwrap();
            slot.push(holder, value);
            expected.push((holder, value));
            if holder == 1 {
                // A second entry of the same holder under the same key.
                slot.push(holder, 1000);
                expected.push((holder, 1000));
            }
            assert_eq!(matches!(slot, Slot::Few(_)), expected.len() <= INDEX_FROM);
        }
        expected.sort_unstable();
        assert_eq!(entries(&slot), expected);
        assert_eq!(slot.len(), expected.len());

        slot.remove(&1);
        expected.retain(|&(holder, _)| holder != 1);
        assert_eq!(entries(&slot), expected);
        assert_eq!(slot.len(), expected.len());
        // The last holder took the removed one's place.
        assert_eq!(slot.first_holder(), holders.last());
        for holder in &holders {
            slot.remove(holder);
        }
        assert!(slot.is_empty());
    }

    #[test]
    fn a_few_entries_stay_a_list_in_registration_order() {
        let mut slot = Slot::default();
        for holder in [3, 1, 2] {
            slot.push(holder, ());
        }
        slot.remove(&1);
        let mut order = Vec::new();
        slot.for_each(|holder, ()| order.push(*holder));
        assert_eq!(order, [3, 2]);
        assert_eq!(slot.first_holder(), Some(&3));
        slot.clear();
        assert!(slot.is_empty());
    }
}
