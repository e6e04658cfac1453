//! The registry's entries, read and written by the calling processes directly: a lookup takes
//! a read lock on one partition and never goes through the registry's mailbox.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, RwLock, Weak};

use crate::Pid;

use super::slot::Slot;
use super::{RegistryError, RegistryKey};

type Entries<K, V> = HashMap<K, Slot<Pid, V>>;

/// The entries of one registry, split into partitions by the key's hash.
pub(crate) struct Storage<K, V> {
    unique: bool,
    partitions: Box<[RwLock<Entries<K, V>>]>,
    /// The keys each process holds, to remove them when it exits.
    by_pid: Mutex<HashMap<Pid, Vec<K>>>,
    closed: AtomicBool,
}

impl<K, V> Storage<K, V>
where
    K: Eq + Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) fn new(unique: bool, partitions: usize) -> Arc<Self> {
        Arc::new(Storage {
            unique,
            partitions: (0..partitions.max(1)).map(|_| RwLock::default()).collect(),
            by_pid: Mutex::default(),
            closed: AtomicBool::new(false),
        })
    }

    fn partition<Q: Hash + ?Sized>(&self, key: &Q) -> &RwLock<Entries<K, V>> {
        if self.partitions.len() == 1 {
            return &self.partitions[0];
        }
        let mut hasher = DefaultHasher::new();
        key.hash(&mut hasher);
        let index = usize::try_from(hasher.finish() % self.partitions.len() as u64).unwrap_or(0);
        &self.partitions[index]
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
        for partition in &self.partitions {
            partition
                .write()
                .unwrap_or_else(PoisonError::into_inner)
                .clear();
        }
        self.by_pid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
    }

    pub(crate) fn is_unique(&self) -> bool {
        self.unique
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Registers `pid` under `key`; its entries go when it exits.
    pub(crate) fn register(
        self: &Arc<Self>,
        pid: &Pid,
        key: K,
        value: V,
    ) -> Result<(), RegistryError> {
        if self.is_closed() {
            return Err(RegistryError::Closed);
        }
        {
            let mut entries = self
                .partition(&key)
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            let slot = entries.entry(key.clone()).or_default();
            if self.unique
                && let Some(holder) = slot.first_holder()
            {
                if holder.is_alive() {
                    return Err(RegistryError::AlreadyRegistered(holder.clone()));
                }
                // A dead holder whose exit is still being processed: replace it.
                slot.clear();
            }
            slot.push(pid.clone(), value);
        }
        // A process gets one exit hook per registry, at its first key; its entry in `by_pid`
        // stays (maybe empty) until it exits, so later keys do not add hooks.
        let first_key = {
            let mut by_pid = self.by_pid.lock().unwrap_or_else(PoisonError::into_inner);
            match by_pid.entry(pid.clone()) {
                std::collections::hash_map::Entry::Vacant(entry) => {
                    entry.insert(vec![key.clone()]);
                    true
                }
                std::collections::hash_map::Entry::Occupied(mut entry) => {
                    entry.get_mut().push(key.clone());
                    false
                }
            }
        };
        if first_key {
            let storage: Weak<Self> = Arc::downgrade(self);
            let hook = Box::new(move |pid: &Pid, _: &crate::ExitReason| {
                if let Some(storage) = storage.upgrade() {
                    storage.remove_pid(pid);
                }
            });
            if crate::process::on_exit(pid, hook).is_err() {
                self.remove_pid(pid);
                return Err(RegistryError::NoProc);
            }
        }
        Ok(())
    }

    /// Removes the entries of `pid` under `key`.
    pub(crate) fn unregister<Q>(&self, pid: &Pid, key: &Q)
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        {
            let mut entries = self
                .partition(key)
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(slot) = entries.get_mut(key) {
                slot.remove(pid);
                if slot.is_empty() {
                    entries.remove(key);
                }
            }
        }
        let mut by_pid = self.by_pid.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(keys) = by_pid.get_mut(pid) {
            keys.retain(|held| held.borrow() != key);
        }
    }

    /// Removes every entry of `pid`: it has exited.
    fn remove_pid(&self, pid: &Pid) {
        let keys = self
            .by_pid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(pid)
            .unwrap_or_default();
        for key in keys {
            let mut entries = self
                .partition(&key)
                .write()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(slot) = entries.get_mut(&key) {
                slot.remove(pid);
                if slot.is_empty() {
                    entries.remove(&key);
                }
            }
        }
    }

    /// The entries under `key`. In a unique registry, without a holder that is no longer
    /// alive (killed, or exiting, its entries not yet removed): `register` already treats it
    /// as gone, and a lookup agrees with it.
    pub(crate) fn lookup<Q>(&self, key: &Q) -> Vec<(Pid, V)>
    where
        Q: RegistryKey<K> + ?Sized,
    {
        let entries = self
            .partition(key)
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let Some(slot) = key.__get(&entries) else {
            return Vec::new();
        };
        let mut found = Vec::with_capacity(slot.len());
        slot.for_each(|holder, value| {
            if !self.unique || holder.is_alive() {
                found.push((holder.clone(), value.clone()));
            }
        });
        found
    }

    /// Every entry for which `keep` holds, across partitions.
    pub(crate) fn select(&self, mut keep: impl FnMut(&K, &Pid, &V) -> bool) -> Vec<(K, Pid, V)> {
        let mut found = Vec::new();
        for partition in &self.partitions {
            let entries = partition.read().unwrap_or_else(PoisonError::into_inner);
            for (key, slot) in entries.iter() {
                slot.for_each(|pid, value| {
                    if keep(key, pid, value) {
                        found.push((key.clone(), pid.clone(), value.clone()));
                    }
                });
            }
        }
        found
    }

    pub(crate) fn count(&self) -> usize {
        self.partitions
            .iter()
            .map(|partition| {
                partition
                    .read()
                    .unwrap_or_else(PoisonError::into_inner)
                    .values()
                    .map(Slot::len)
                    .sum::<usize>()
            })
            .sum()
    }

    pub(crate) fn keys(&self, pid: &Pid) -> Vec<K> {
        self.by_pid
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(pid)
            .cloned()
            .unwrap_or_default()
    }
}
