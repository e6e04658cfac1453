//! A set's rows: one value per key in an `scc::HashIndex`.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::Hash;
use std::mem::size_of;

use scc::hash_index::Entry;
use scc::{Guard, HashIndex};

/// The rows of a `set` table.
#[doc(hidden)]
pub struct HashStore<K, V> {
    index: HashIndex<K, V>,
}

impl<K, V> HashStore<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) fn new() -> Self {
        HashStore {
            index: HashIndex::new(),
        }
    }

    /// Inserts or replaces the row; readers see the old row or the new one, never neither.
    pub(crate) fn insert(&self, key: K, value: V) {
        match self.index.entry_sync(key) {
            Entry::Occupied(mut entry) => entry.update(value),
            Entry::Vacant(entry) => {
                entry.insert_entry(value);
            }
        }
    }

    pub(crate) fn insert_new(&self, key: K, value: V) -> bool {
        self.index.insert_sync(key, value).is_ok()
    }

    pub(crate) fn lookup<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.peek_with(key, |_, value| value.clone())
    }

    pub(crate) fn member<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.peek_with(key, |_, _| ()).is_some()
    }

    pub(crate) fn delete<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index.remove_sync(key)
    }

    pub(crate) fn take<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let entry = self.index.get_sync(key)?;
        let value = entry.get().clone();
        entry.remove_entry();
        Some(value)
    }

    pub(crate) fn delete_object<Q>(&self, key: &Q, value: &V) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
        V: PartialEq,
    {
        self.index.remove_if_sync(key, |stored| stored == value)
    }

    /// Replaces the row of `key` with what `step` makes of it, atomically: the bucket stays
    /// locked from the read to the write.
    pub(crate) fn update<E>(
        &self,
        key: K,
        step: impl FnOnce(Option<&V>) -> Result<V, E>,
    ) -> Result<V, E> {
        match self.index.entry_sync(key) {
            Entry::Occupied(mut entry) => {
                let value = step(Some(entry.get()))?;
                entry.update(value.clone());
                Ok(value)
            }
            Entry::Vacant(entry) => {
                let value = step(None)?;
                entry.insert_entry(value.clone());
                Ok(value)
            }
        }
    }

    /// Visits every row once, without locking: `visit` may use the table. The index's own
    /// iterator may meet a row twice while the index resizes; `seen` skips the second time.
    pub(crate) fn scan(&self, visit: &mut dyn FnMut(&K, &V)) {
        let guard = Guard::new();
        let mut seen = HashSet::new();
        for (key, value) in self.index.iter(&guard) {
            if seen.insert(key) {
                visit(key, value);
            }
        }
    }

    /// Deletes the rows `delete` chooses; returns how many. `delete` runs with the row's
    /// bucket locked.
    pub(crate) fn delete_where(&self, delete: &mut dyn FnMut(&K, &V) -> bool) -> usize {
        let mut deleted = 0;
        self.index.retain_sync(|key, value| {
            let drop = delete(key, value);
            deleted += usize::from(drop);
            !drop
        });
        deleted
    }

    pub(crate) fn len(&self) -> usize {
        self.index.len()
    }

    pub(crate) fn clear(&self) {
        self.index.clear_sync();
    }

    pub(crate) fn memory(&self) -> usize {
        size_of::<Self>()
            + self.index.capacity() * (size_of::<(K, V)>() + super::HASH_SLOT_OVERHEAD)
    }
}
