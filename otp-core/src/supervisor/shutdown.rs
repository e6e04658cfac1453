//! Stopping children as their specs say: ask, wait, then kill.
//!
//! Two steps, shared by one child and many: [`ask`] sends the stop (or the kill) and gives the
//! time by which the child must be gone; [`await_exit`] waits until then and kills it if it is
//! still there.

use tokio::time::Instant;

use crate::{ExitReason, Pid, Shutdown};

/// Stops `pid` (a child of the calling supervisor) and waits until it has exited.
///
/// `BrutalKill` kills at once. `Timeout(d)` asks the child to stop (its `terminate` runs with
/// reason `Shutdown`), waits `d`, then kills it. `Infinity` asks and waits. Returns the reason
/// the child exited with.
pub(crate) async fn shut_down(pid: &Pid, shutdown: Shutdown) -> ExitReason {
    let deadline = ask(pid, shutdown, Instant::now());
    await_exit(pid, deadline).await
}

/// Stops many children at once, each within its own shutdown (a dynamic supervisor's exit):
/// every child is asked first, then each is waited for in the order its shutdown time runs out,
/// and killed if it does.
///
/// Waiting one child at a time in deadline order is linear in the children and kills each on
/// time: when a child's wait begins, every child due earlier has been dealt with. A `join_all`
/// of the waits was quadratic: once tokio's cooperative budget ran out within a poll, each of
/// thousands of pending waits was woken and polled again (16,000 children took 9 times as long
/// to stop as 4,000).
pub(crate) async fn shut_down_all<'a>(children: impl Iterator<Item = (&'a Pid, Shutdown)>) {
    let asked = Instant::now();
    let mut waits: Vec<(Option<Instant>, &Pid)> = children
        .map(|(pid, shutdown)| (ask(pid, shutdown, asked), pid))
        .collect();
    // Stable: children due at the same time are waited for in the order they were given; those
    // with no deadline (killed already, or `Infinity`) last.
    waits.sort_by_key(|(deadline, _)| (deadline.is_none(), *deadline));
    for (deadline, pid) in waits {
        await_exit(pid, deadline).await;
    }
}

/// Sends `pid` the stop its `shutdown` says, asked at `asked`; the time by which it must have
/// exited before it is killed, `None` when it is only to be waited for (killed already, or
/// `Infinity`).
fn ask(pid: &Pid, shutdown: Shutdown, asked: Instant) -> Option<Instant> {
    match shutdown {
        Shutdown::BrutalKill => {
            pid.kill();
            None
        }
        Shutdown::Timeout(limit) => {
            pid.process().request_stop(ExitReason::Shutdown);
            // A limit too long to represent never runs out.
            asked.checked_add(limit)
        }
        Shutdown::Infinity => {
            pid.process().request_stop(ExitReason::Shutdown);
            None
        }
    }
}

/// Waits for `pid` to exit, killing it at `deadline` if it is still there; its exit reason.
async fn await_exit(pid: &Pid, deadline: Option<Instant>) -> ExitReason {
    if let Some(deadline) = deadline {
        if let Ok(reason) = tokio::time::timeout_at(deadline, pid.wait_exit()).await {
            return reason;
        }
        tracing::warn!(child = %pid, "child did not stop within its shutdown time; killing it");
        pid.kill();
    }
    pid.wait_exit().await
}
