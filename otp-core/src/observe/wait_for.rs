//! Who waits on whom: each process blocked in a call records the server it waits on, so a
//! cycle of calls (A waits on B, B waits on A: a deadlock until the timeouts fire) can be found.
//!
//! The record costs a blocked call two plain stores in its caller's process and one when it
//! ends, and no clock reading: the call's deadline already knows when the call began (see
//! `call::deadline`). Calls made outside a process (from `main`, a plain task) record nothing.

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime};

use super::process_table;
use crate::Pid;

/// The clock the records are written on: milliseconds since the first record, wrapping at
/// `u32::MAX` (49 days), so a record fits in four bytes of its process.
static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);

/// Milliseconds on the records' clock, wrapping.
fn millis(instant: Instant) -> u32 {
    // Truncated on purpose: the clock wraps, and a reader takes the difference to now.
    #[allow(clippy::cast_possible_truncation)]
    let millis = instant.saturating_duration_since(*EPOCH).as_millis() as u32;
    millis
}

/// The wall-clock time of a record: a wait is read while it lasts, so it began less than one
/// turn of the clock (49 days) ago.
fn system_time(since: u32) -> SystemTime {
    let elapsed = millis(Instant::now()).wrapping_sub(since);
    SystemTime::now() - Duration::from_millis(u64::from(elapsed))
}

/// A call's record in the calling process while it waits; removed when dropped.
pub(crate) struct CallWait {
    server: u64,
}

impl CallWait {
    /// Records that the calling process, if the caller is one, waits on `server` since
    /// `began` (now when the call has no reading of its start).
    pub(crate) fn begin(server: u64, began: Option<tokio::time::Instant>) -> Option<CallWait> {
        let began = began.map_or_else(Instant::now, tokio::time::Instant::into_std);
        let since = millis(began);
        crate::current::with_current(|caller| {
            caller.process().cell().begin_waiting(server, since);
        })?;
        Some(CallWait { server })
    }
}

impl Drop for CallWait {
    fn drop(&mut self) {
        // Dropped where the call was awaited, inside the caller's callback; a caller killed
        // meanwhile is dead, and its record with it.
        let _ = crate::current::with_current(|caller| {
            caller.process().cell().end_waiting(self.server);
        });
    }
}

/// The call `pid` is blocked in, if any: the server it waits on (if still alive: `find` looks
/// it up by id) and since when.
pub(crate) fn waiting_on(
    pid: &Pid,
    find: impl FnOnce(u64) -> Option<Pid>,
) -> Option<(Pid, SystemTime)> {
    let (server, since) = pid.process().cell().waiting()?;
    Some((find(server)?, system_time(since)))
}

/// The cycles of the wait-for graph: each a list of processes, every one blocked in a call to
/// the next and the last in a call to the first, a deadlock that lasts until a call times out.
/// Each cycle starts at its lowest pid; an empty list when there is none.
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
///
/// struct Peer;
///
/// #[genserver]
/// impl Peer {
///     /// Calls `other`, which calls back: each waits on the other.
///     #[handle_call]
///     async fn ask(&mut self, other: PeerRef, back: PeerRef) -> bool {
///         other.ask_back(back).timeout(Duration::from_millis(200)).await.is_ok()
///     }
///
///     #[handle_call]
///     async fn ask_back(&mut self, back: PeerRef) -> bool {
///         back.ask_back(back.clone()).timeout(Duration::from_millis(200)).await.is_ok()
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let a = Peer::start(Peer).await?;
/// let b = Peer::start(Peer).await?;
/// let (a2, b2, a3) = (a.clone(), b.clone(), a.clone());
/// let stuck = tokio::spawn(async move { a2.ask(b2, a3).await });
/// // Wait until both are blocked.
/// let cycle = loop {
///     tokio::task::yield_now().await;
///     if let Some(cycle) = otp_core::observe::deadlocks().into_iter().next() {
///         break cycle;
///     }
/// };
/// let mut expected = vec![a.pid(), b.pid()];
/// expected.sort_by_key(Pid::id);
/// assert_eq!(cycle, expected);
/// // B's call times out, A gets its answer, and the cycle is gone.
/// assert!(stuck.await?.is_ok());
/// assert!(otp_core::observe::deadlocks().is_empty());
/// # Ok(())
/// # }
/// ```
#[must_use]
pub fn deadlocks() -> Vec<Vec<Pid>> {
    let mut waits: HashMap<u64, u64> = HashMap::new();
    let mut pids: HashMap<u64, Pid> = HashMap::new();
    for pid in process_table::all() {
        if let Some((server, _)) = pid.process().cell().waiting() {
            waits.insert(pid.id(), server);
            pids.insert(pid.id(), pid);
        }
    }
    let mut cycles = Vec::new();
    let mut done: HashSet<u64> = HashSet::new();
    let mut starts: Vec<u64> = waits.keys().copied().collect();
    starts.sort_unstable();
    for start in starts {
        // Walk the chain of waits from `start`: every process has at most one, so a chain ends
        // at a process that waits on nobody, at one already walked, or loops.
        let mut path: Vec<u64> = Vec::new();
        let mut at = start;
        loop {
            if done.contains(&at) {
                break;
            }
            if let Some(index) = path.iter().position(|&seen| seen == at) {
                let cycle = &path[index..];
                if let Some(cycle) = cycle
                    .iter()
                    .map(|id| pids.get(id).cloned())
                    .collect::<Option<Vec<Pid>>>()
                {
                    cycles.push(rotated_to_lowest(cycle));
                }
                break;
            }
            path.push(at);
            match waits.get(&at) {
                Some(&next) => at = next,
                None => break,
            }
        }
        done.extend(path);
    }
    cycles
}

/// The cycle starting at its lowest pid, so one cycle always reads the same.
fn rotated_to_lowest(mut cycle: Vec<Pid>) -> Vec<Pid> {
    if let Some(lowest) = (0..cycle.len()).min_by_key(|&index| cycle[index].id()) {
        cycle.rotate_left(lowest);
    }
    cycle
}
