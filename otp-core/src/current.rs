//! The process a piece of code runs in (`self()`).
//!
//! A process's code is its callbacks, and the run loop polls each one through
//! [`CatchPanic`](crate::genserver): the loop lends the process's pid to this thread-local for the
//! length of one poll, and takes it back after. Moving the pid in and out is two pointer moves,
//! not a reference count; a tokio task-local around the whole loop cost more a poll and made
//! the task larger (workload A of `BENCHMARKS.md`, "call round trip", when it was replaced).
//! Outside a callback (another task, the loop itself) there is no current process.

use std::cell::Cell;

use crate::Pid;

thread_local! {
    static CURRENT: Cell<Option<Pid>> = const { Cell::new(None) };
    /// The lent pid's id, 0 when none (ids start at 1): a call checks it to refuse calling its
    /// own process, and a plain integer needs no destructor, so reading it is one load.
    static CURRENT_ID: Cell<u64> = const { Cell::new(0) };
}

/// The process the calling code runs in, or `None` outside any process (`self/0`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert!(otp_core::current_pid().is_none());
/// # }
/// ```
#[must_use]
pub fn current_pid() -> Option<Pid> {
    // `try_with`: at thread exit, once the thread-local is gone, there is no current process
    // (a `with` would panic).
    CURRENT
        .try_with(|current| {
            let pid = current.take();
            let clone = pid.clone();
            current.set(pid);
            clone
        })
        .ok()
        .flatten()
}

/// Runs `f` with the current process's pid, without cloning it; `None` outside a process.
pub(crate) fn with_current<R>(f: impl FnOnce(&Pid) -> R) -> Option<R> {
    CURRENT
        .try_with(|current| {
            let pid = current.take()?;
            let result = f(&pid);
            current.set(Some(pid));
            Some(result)
        })
        .ok()
        .flatten()
}

/// The id of the current process, without touching its pid.
pub(crate) fn current_id() -> Option<u64> {
    CURRENT_ID.try_with(Cell::get).ok().filter(|&id| id != 0)
}

/// Whether the calling code is a process callback being polled.
pub(crate) fn in_process() -> bool {
    current_id().is_some()
}

/// Runs `poll` as a callback of the process whose pid `slot` holds, `id` its id: the pid is
/// lent to the thread for the call and put back in `slot` after, even when `poll` unwinds.
#[inline]
pub(crate) fn run_as<R>(slot: &mut Option<Pid>, id: u64, poll: impl FnOnce() -> R) -> R {
    let _lent = Lent::lend(slot, id);
    poll()
}

/// A pid lent to the thread, put back in its slot when dropped. Apart from `run_as`, so that
/// what is not generic is compiled once, not for every callback of every server.
struct Lent<'a> {
    slot: &'a mut Option<Pid>,
    outer: Option<Pid>,
    outer_id: u64,
}

impl<'a> Lent<'a> {
    /// Lends the pid in `slot`. At thread exit the thread-locals may be gone: the callback then
    /// runs without a current process, and the pid stays in `slot`.
    #[inline]
    fn lend(slot: &'a mut Option<Pid>, id: u64) -> Option<Self> {
        let outer = CURRENT
            .try_with(|current| current.replace(slot.take()))
            .ok()?;
        let outer_id = CURRENT_ID
            .try_with(|current| current.replace(id))
            .unwrap_or(0);
        Some(Lent {
            slot,
            outer,
            outer_id,
        })
    }
}

impl Drop for Lent<'_> {
    #[inline]
    fn drop(&mut self) {
        let outer = self.outer.take();
        if let Ok(lent) = CURRENT.try_with(|current| current.replace(outer)) {
            *self.slot = lent;
        }
        let _ = CURRENT_ID.try_with(|id| id.set(self.outer_id));
    }
}
