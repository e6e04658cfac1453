//! An ordered set's rows: an `scc::TreeIndex`, read without locks, written under one lock.

use std::borrow::Borrow;
use std::mem::size_of;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use scc::{Guard, TreeIndex};

/// The rows of an `ordered_set` table, in key order.
///
/// Readers go straight to the tree. Writers take `writer`, so a read-modify-write (`take`,
/// `update_counter`, `delete_object`) cannot interleave with another write; `rows` counts the
/// rows under that lock (the tree's own `len` walks every leaf).
#[doc(hidden)]
pub struct OrderedStore<K, V> {
    tree: TreeIndex<K, V>,
    writer: Mutex<()>,
    rows: AtomicUsize,
}

impl<K, V> OrderedStore<K, V>
where
    K: Ord + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) fn new() -> Self {
        OrderedStore {
            tree: TreeIndex::new(),
            writer: Mutex::new(()),
            rows: AtomicUsize::new(0),
        }
    }

    fn write(&self) -> MutexGuard<'_, ()> {
        // The lock guards no data; a panic while holding it (in a user's closure) leaves the
        // tree consistent.
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Inserts or replaces the row; the tree swaps a replaced row in one step, so readers see
    /// the old row or the new one.
    pub(crate) fn insert(&self, key: K, value: V) {
        let _writing = self.write();
        if !self.tree.contains(&key) {
            self.rows.fetch_add(1, Ordering::Relaxed);
        }
        self.tree.upsert_sync(key, value);
    }

    pub(crate) fn insert_new(&self, key: K, value: V) -> bool {
        let _writing = self.write();
        let inserted = self.tree.insert_sync(key, value).is_ok();
        if inserted {
            self.rows.fetch_add(1, Ordering::Relaxed);
        }
        inserted
    }

    pub(crate) fn lookup<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.tree.peek_with(key, |_, value| value.clone())
    }

    pub(crate) fn member<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.tree.contains(key)
    }

    pub(crate) fn delete<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let _writing = self.write();
        let deleted = self.tree.remove_sync(key);
        if deleted {
            self.rows.fetch_sub(1, Ordering::Relaxed);
        }
        deleted
    }

    pub(crate) fn take<Q>(&self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let _writing = self.write();
        let value = self.tree.peek_with(key, |_, value| value.clone())?;
        self.tree.remove_sync(key);
        self.rows.fetch_sub(1, Ordering::Relaxed);
        Some(value)
    }

    pub(crate) fn delete_object<Q>(&self, key: &Q, value: &V) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        V: PartialEq,
    {
        let _writing = self.write();
        let deleted = self.tree.remove_if_sync(key, |stored| stored == value);
        if deleted {
            self.rows.fetch_sub(1, Ordering::Relaxed);
        }
        deleted
    }

    /// Replaces the row of `key` with what `step` makes of it, under the write lock.
    pub(crate) fn update<E>(
        &self,
        key: K,
        step: impl FnOnce(Option<&V>) -> Result<V, E>,
    ) -> Result<V, E> {
        let _writing = self.write();
        let guard = Guard::new();
        let current = self.tree.peek(&key, &guard);
        let value = step(current)?;
        if current.is_none() {
            self.rows.fetch_add(1, Ordering::Relaxed);
        }
        self.tree.upsert_sync(key, value.clone());
        Ok(value)
    }

    pub(crate) fn scan(&self, visit: &mut dyn FnMut(&K, &V)) {
        let guard = Guard::new();
        for (key, value) in self.tree.iter(&guard) {
            visit(key, value);
        }
    }

    /// Deletes the rows `delete` chooses; returns how many. `delete` runs under the write
    /// lock.
    pub(crate) fn delete_where(&self, delete: &mut dyn FnMut(&K, &V) -> bool) -> usize {
        let _writing = self.write();
        let doomed: Vec<K> = {
            let guard = Guard::new();
            self.tree
                .iter(&guard)
                .filter(|(key, value)| delete(key, value))
                .map(|(key, _)| key.clone())
                .collect()
        };
        for key in &doomed {
            self.tree.remove_sync(key);
        }
        self.rows.fetch_sub(doomed.len(), Ordering::Relaxed);
        doomed.len()
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.load(Ordering::Relaxed)
    }

    pub(crate) fn clear(&self) {
        let _writing = self.write();
        self.tree.clear();
        self.rows.store(0, Ordering::Relaxed);
    }

    pub(crate) fn memory(&self) -> usize {
        size_of::<Self>() + self.len() * (size_of::<(K, V)>() + super::TREE_ROW_OVERHEAD)
    }
}
