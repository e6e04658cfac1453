//! The process a piece of code runs in (`self()`).
//!
//! A process's code is its callbacks, and the run loop polls each one through
//! [`CatchPanic`](crate::genserver): the loop lends the process's pid to this thread-local for the
//! length of one poll, and takes it back after. Moving the pid in and out is two pointer moves,
//! not a reference count; a tokio task-local around the whole loop cost about 70 instructions
//! a poll and a larger task. Outside a callback (another task, the loop itself) there is no
//! current process.

use std::cell::Cell;

use crate::Pid;

thread_local! {
    static CURRENT: Cell<Option<Pid>> = const { Cell::new(None) };
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
    peek(|pid: Option<&Pid>| pid.cloned()).flatten()
}

/// The id of the current process, without cloning its pid.
pub(crate) fn current_id() -> Option<u64> {
    peek(|pid| pid.map(Pid::id)).flatten()
}

/// Whether the calling code is a process callback being polled.
pub(crate) fn in_process() -> bool {
    peek(|pid| pid.is_some()).unwrap_or(false)
}

/// Reads the lent pid in place. `None` at thread exit, after the thread-local is gone: there is
/// no current process then (a `with` would panic).
fn peek<R>(read: impl FnOnce(Option<&Pid>) -> R) -> Option<R> {
    CURRENT
        .try_with(|current| {
            let pid = current.take();
            let result = read(pid.as_ref());
            current.set(pid);
            result
        })
        .ok()
}

/// Runs `poll` as a callback of the process whose pid `slot` holds: the pid is lent to the
/// thread for the call and put back in `slot` after, even when `poll` unwinds.
pub(crate) fn run_as<R>(slot: &mut Option<Pid>, poll: impl FnOnce() -> R) -> R {
    struct Restore<'a> {
        slot: &'a mut Option<Pid>,
        outer: Option<Pid>,
    }
    impl Drop for Restore<'_> {
        fn drop(&mut self) {
            let outer = self.outer.take();
            if let Ok(lent) = CURRENT.try_with(|current| current.replace(outer)) {
                *self.slot = lent;
            }
        }
    }
    // At thread exit the thread-local may be gone: the callback then runs without a current
    // process, and the pid stays in `slot`.
    let Ok(outer) = CURRENT.try_with(|current| current.replace(slot.take())) else {
        return poll();
    };
    let _restore = Restore { slot, outer };
    poll()
}
