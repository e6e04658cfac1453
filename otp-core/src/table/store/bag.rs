//! A bag's objects: the objects of each key, in insertion order, in an `scc::HashIndex`.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::Hash;
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};

use scc::hash_index::Entry;
use scc::{Guard, HashIndex};

/// The objects of a `bag` or `duplicate_bag` table.
///
/// A key's objects are one immutable vector: a write replaces it under the bucket's lock, so a
/// reader sees all of a key's objects before or after the write. `objects` counts every object;
/// it changes while the bucket of the object's key is locked, after the insertion that it
/// counts, so it never runs below zero.
#[doc(hidden)]
pub struct BagStore<K, V> {
    index: HashIndex<K, Vec<V>>,
    objects: AtomicUsize,
}

impl<K, V> BagStore<K, V>
where
    K: Hash + Eq + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) fn new() -> Self {
        BagStore {
            index: HashIndex::new(),
            objects: AtomicUsize::new(0),
        }
    }

    /// Adds an object unless `present` finds it among the key's objects already.
    pub(crate) fn insert(&self, key: K, value: V, present: impl FnOnce(&[V], &V) -> bool) {
        match self.index.entry_sync(key) {
            Entry::Occupied(mut entry) => {
                if present(entry.get(), &value) {
                    return;
                }
                let mut objects = Vec::with_capacity(entry.get().len() + 1);
                objects.extend_from_slice(entry.get());
                objects.push(value);
                entry.update(objects);
                self.objects.fetch_add(1, Ordering::Relaxed);
            }
            Entry::Vacant(entry) => {
                let _entry = entry.insert_entry(vec![value]);
                self.objects.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    pub(crate) fn insert_new(&self, key: K, value: V) -> bool {
        match self.index.entry_sync(key) {
            Entry::Occupied(_) => false,
            Entry::Vacant(entry) => {
                let _entry = entry.insert_entry(vec![value]);
                self.objects.fetch_add(1, Ordering::Relaxed);
                true
            }
        }
    }

    pub(crate) fn lookup<Q>(&self, key: &Q) -> Vec<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.index
            .peek_with(key, |_, objects| objects.clone())
            .unwrap_or_default()
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
        let Some(entry) = self.index.get_sync(key) else {
            return false;
        };
        let deleted = entry.get().len();
        entry.remove_entry();
        self.objects.fetch_sub(deleted, Ordering::Relaxed);
        true
    }

    pub(crate) fn take<Q>(&self, key: &Q) -> Vec<V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        let Some(entry) = self.index.get_sync(key) else {
            return Vec::new();
        };
        let objects = entry.get().clone();
        entry.remove_entry();
        self.objects.fetch_sub(objects.len(), Ordering::Relaxed);
        objects
    }

    /// Deletes every object of `key` equal to `value`.
    pub(crate) fn delete_object<Q>(&self, key: &Q, value: &V) -> bool
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
        V: PartialEq,
    {
        let Some(entry) = self.index.get_sync(key) else {
            return false;
        };
        self.keep_objects(entry, &mut |_, object| object != value) > 0
    }

    /// Keeps the objects of a locked entry that `keep` chooses; returns how many went.
    fn keep_objects(
        &self,
        mut entry: scc::hash_index::OccupiedEntry<'_, K, Vec<V>>,
        keep: &mut dyn FnMut(&K, &V) -> bool,
    ) -> usize {
        let kept: Vec<V> = entry
            .get()
            .iter()
            .filter(|object| keep(entry.key(), object))
            .cloned()
            .collect();
        let deleted = entry.get().len() - kept.len();
        if deleted == 0 {
            return 0;
        }
        if kept.is_empty() {
            entry.remove_entry();
        } else {
            entry.update(kept);
        }
        self.objects.fetch_sub(deleted, Ordering::Relaxed);
        deleted
    }

    /// Visits every object once, without locking: `visit` may use the table. The index's own
    /// iterator may meet a key twice while the index resizes; `seen` skips the second time.
    pub(crate) fn scan(&self, visit: &mut dyn FnMut(&K, &V)) {
        let guard = Guard::new();
        let mut seen = HashSet::new();
        for (key, objects) in self.index.iter(&guard) {
            if seen.insert(key) {
                for object in objects {
                    visit(key, object);
                }
            }
        }
    }

    /// Deletes the objects `delete` chooses, key by key; returns how many. `delete` runs with
    /// the key's bucket locked.
    pub(crate) fn delete_where(&self, delete: &mut dyn FnMut(&K, &V) -> bool) -> usize {
        let keys: HashSet<K> = {
            let guard = Guard::new();
            self.index
                .iter(&guard)
                .map(|(key, _)| key.clone())
                .collect()
        };
        keys.iter()
            .filter_map(|key| self.index.get_sync(key))
            .map(|entry| self.keep_objects(entry, &mut |key, object| !delete(key, object)))
            .sum()
    }

    pub(crate) fn len(&self) -> usize {
        self.objects.load(Ordering::Relaxed)
    }

    pub(crate) fn clear(&self) {
        let mut deleted = 0;
        self.index.retain_sync(|_, objects| {
            deleted += objects.len();
            false
        });
        self.objects.fetch_sub(deleted, Ordering::Relaxed);
    }

    pub(crate) fn memory(&self) -> usize {
        size_of::<Self>()
            + self.index.capacity() * (size_of::<(K, Vec<V>)>() + super::HASH_SLOT_OVERHEAD)
            + self.len() * size_of::<V>()
    }
}
