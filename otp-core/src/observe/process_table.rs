//! Every live process: what `processes()` and `process_count()` read.
//!
//! A process is added when it is made and removed when its exit is told, so nobody looking
//! costs a spawn one insert and an exit one remove, and those are kept to a few instructions:
//! the table is 16 slabs (a vector of slots and a list of the free ones), each behind a spin
//! lock (the mailbox's kind, see `sync.rs`: held for one store), picked by the process's id. Ids
//! are handed out in sequence, so spawns on different threads rarely meet on one lock. A
//! process keeps its slot's number in its cell, so its exit finds it without a search; a slot
//! is a pid, 8 bytes. Each slab keeps the length it grew to, and nothing is freed later by
//! someone else. (A hash map by id was measured first: its insert, growth and remove cost a
//! spawn and an exit about 300 instructions together, 3% of both; the slab costs 60. An
//! `scc::HashMap` before it freed removed entries through epochs, later and on other threads,
//! which left a server that comes and goes a few bytes behind each time.)
//!
//! Finding a process by its id searches one slab: only introspection does that (`find_pid`,
//! and `Pid::info` for the server a call waits on), never a running process.
//!
//! The count is the sum of the slabs' counts, read when someone asks: a counter beside them
//! would cost every spawn and every exit an atomic read-modify-write on one shared cache line.

use std::sync::LazyLock;

use spin::mutex::SpinMutex;

use crate::Pid;

/// One of the 16 parts of the table.
#[derive(Default)]
struct Slab {
    slots: Vec<Option<Pid>>,
    /// The empty slots, reused last freed first.
    free: Vec<u32>,
    /// The slots that hold a pid.
    live: usize,
}

type Shard = SpinMutex<Slab, spin::relax::Yield>;

const SHARDS: usize = 16;

static TABLE: LazyLock<[Shard; SHARDS]> =
    LazyLock::new(|| std::array::from_fn(|_| SpinMutex::new(Slab::default())));

fn shard(id: u64) -> &'static Shard {
    // The remainder is below `SHARDS`: no truncation.
    #[allow(clippy::cast_possible_truncation)]
    let index = (id % SHARDS as u64) as usize;
    &TABLE[index]
}

/// Adds a process just made; only its spawn calls this, once.
pub(crate) fn insert(pid: &Pid) {
    let entry = Some(pid.clone());
    let mut slab = shard(pid.id()).lock();
    let slot = if let Some(slot) = slab.free.pop() {
        slab.slots[slot as usize] = entry;
        slot
    } else {
        // More than 4 billion live processes in one slab cannot be: the slot fits.
        #[allow(clippy::cast_possible_truncation)]
        let slot = slab.slots.len() as u32;
        slab.slots.push(entry);
        slot
    };
    slab.live += 1;
    pid.process().cell().set_table_slot(slot);
}

/// Removes a process whose exit is being told; nothing if it is not in the table.
pub(crate) fn remove(pid: &Pid) {
    let id = pid.id();
    let removed = {
        let mut slab = shard(id).lock();
        let slot = pid.process().cell().table_slot();
        match slab.slots.get_mut(slot as usize) {
            Some(entry) if entry.as_ref().is_some_and(|held| held.id() == id) => {
                let removed = entry.take();
                slab.free.push(slot);
                slab.live -= 1;
                removed
            }
            _ => None,
        }
    };
    // The pid is dropped here, outside the lock.
    drop(removed);
}

/// The live process with this id.
pub(crate) fn get(id: u64) -> Option<Pid> {
    shard(id)
        .lock()
        .slots
        .iter()
        .flatten()
        .find(|pid| pid.id() == id)
        .cloned()
}

/// Every live process, in no particular order.
pub(crate) fn all() -> Vec<Pid> {
    let mut pids = Vec::with_capacity(count());
    for shard in TABLE.iter() {
        pids.extend(shard.lock().slots.iter().flatten().cloned());
    }
    pids
}

/// How many processes are alive.
pub(crate) fn count() -> usize {
    TABLE.iter().map(|shard| shard.lock().live).sum()
}
