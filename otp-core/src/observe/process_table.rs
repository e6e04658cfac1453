//! Every live process, by id: what `processes()` and `process_count()` read.
//!
//! A process is added when it is made and removed when its exit is told, so nobody looking
//! costs a spawn one insert and an exit one remove. An `scc::HashMap` (the crate behind the
//! tables already) locks one bucket per write, so spawns on different threads rarely meet; the
//! count is kept beside it, since the map counts its entries by scanning them.

use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Pid;

/// Ids are unique and dense: a fast hasher is enough, no defence against chosen keys needed.
type Hasher = foldhash::fast::RandomState;

static TABLE: LazyLock<scc::HashMap<u64, Pid, Hasher>> =
    LazyLock::new(|| scc::HashMap::with_hasher(Hasher::default()));

static COUNT: AtomicUsize = AtomicUsize::new(0);

/// Adds a process just made.
pub(crate) fn insert(pid: &Pid) {
    if TABLE.insert_sync(pid.id(), pid.clone()).is_ok() {
        COUNT.fetch_add(1, Ordering::Relaxed);
    }
}

/// Removes a process whose exit is being told; nothing if it was never added.
pub(crate) fn remove(id: u64) {
    if TABLE.remove_sync(&id).is_some() {
        COUNT.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The live process with this id.
pub(crate) fn get(id: u64) -> Option<Pid> {
    TABLE.read_sync(&id, |_, pid| pid.clone())
}

/// Every live process, in no particular order.
pub(crate) fn all() -> Vec<Pid> {
    let mut pids = Vec::with_capacity(count());
    TABLE.iter_sync(|_, pid| {
        pids.push(pid.clone());
        true
    });
    pids
}

/// How many processes are alive.
pub(crate) fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}
