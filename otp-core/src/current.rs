//! The process a piece of code runs in (`self()`), kept in a tokio task-local.

use crate::Pid;

tokio::task_local! {
    static CURRENT: Pid;
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
    CURRENT.try_with(Clone::clone).ok()
}

/// The id of the current process, without cloning its pid.
pub(crate) fn current_id() -> Option<u64> {
    CURRENT.try_with(Pid::id).ok()
}

/// Runs `future` as the body of process `pid`. Not an `async fn`: it would store the future
/// twice (its argument, and inside the scope).
pub(crate) fn run_as<F: Future>(pid: Pid, future: F) -> impl Future<Output = F::Output> {
    CURRENT.scope(pid, future)
}
