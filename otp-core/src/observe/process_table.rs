//! Every live process, by id: what `processes()` and `process_count()` read.
//!
//! A process is added when it is made and removed when its exit is told, so nobody looking
//! costs a spawn one insert and an exit one remove. The table is 16 hash maps, each behind a
//! spin lock (the mailbox's kind, see `sync.rs`: held for one insert or remove), picked by the
//! process's id: ids are handed out in sequence, so spawns on different threads rarely meet on
//! one lock. Its memory is plain: each map keeps the capacity it grew to, and nothing is freed
//! later by someone else. (An `scc::HashMap`, the crate behind the tables, was tried first: it
//! frees removed entries through epochs, later and on other threads, which left a server that
//! comes and goes a few bytes behind each time, for a while.)
//!
//! The count is kept beside the maps, so reading it is one load.

use std::collections::HashMap;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use spin::mutex::SpinMutex;

use crate::Pid;

/// Ids are unique and dense: a fast hasher is enough, no defence against chosen keys needed.
type Hasher = foldhash::fast::FixedState;

type Shard = SpinMutex<HashMap<u64, Pid, Hasher>, spin::relax::Yield>;

const SHARDS: usize = 16;

static TABLE: LazyLock<[Shard; SHARDS]> = LazyLock::new(|| {
    std::array::from_fn(|_| SpinMutex::new(HashMap::with_hasher(Hasher::default())))
});

static COUNT: AtomicUsize = AtomicUsize::new(0);

fn shard(id: u64) -> &'static Shard {
    // The remainder is below `SHARDS`: no truncation.
    #[allow(clippy::cast_possible_truncation)]
    let index = (id % SHARDS as u64) as usize;
    &TABLE[index]
}

/// Adds a process just made.
pub(crate) fn insert(pid: &Pid) {
    let id = pid.id();
    let previous = shard(id).lock().insert(id, pid.clone());
    if previous.is_none() {
        COUNT.fetch_add(1, Ordering::Relaxed);
    }
}

/// Removes a process whose exit is being told; nothing if it was never added.
pub(crate) fn remove(id: u64) {
    let removed = shard(id).lock().remove(&id);
    if removed.is_some() {
        COUNT.fetch_sub(1, Ordering::Relaxed);
    }
    // The pid is dropped here, outside the lock.
    drop(removed);
}

/// The live process with this id.
pub(crate) fn get(id: u64) -> Option<Pid> {
    shard(id).lock().get(&id).cloned()
}

/// Every live process, in no particular order.
pub(crate) fn all() -> Vec<Pid> {
    let mut pids = Vec::with_capacity(count());
    for shard in TABLE.iter() {
        pids.extend(shard.lock().values().cloned());
    }
    pids
}

/// How many processes are alive.
pub(crate) fn count() -> usize {
    COUNT.load(Ordering::Relaxed)
}
