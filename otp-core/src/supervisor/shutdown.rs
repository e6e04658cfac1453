//! Stopping one child as its spec says: ask, wait, then kill.

use crate::{ExitReason, Pid, Shutdown};

/// Stops `pid` (a child of the calling supervisor) and waits until it has exited.
///
/// `BrutalKill` kills at once. `Timeout(d)` asks the child to stop (its `terminate` runs with
/// reason `Shutdown`), waits `d`, then kills it. `Infinity` asks and waits. Returns the reason
/// the child exited with.
pub(crate) async fn shut_down(pid: &Pid, shutdown: Shutdown) -> ExitReason {
    match shutdown {
        Shutdown::BrutalKill => pid.kill(),
        Shutdown::Timeout(limit) => {
            pid.process().request_stop(ExitReason::Shutdown);
            if let Ok(reason) = tokio::time::timeout(limit, pid.wait_exit()).await {
                return reason;
            }
            tracing::warn!(child = %pid, ?limit, "child did not stop within its shutdown time; killing it");
            pid.kill();
        }
        Shutdown::Infinity => {
            pid.process().request_stop(ExitReason::Shutdown);
        }
    }
    pid.wait_exit().await
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
    let asked = tokio::time::Instant::now();
    // `None`: wait as long as it takes (`Shutdown::Infinity`), after every other child.
    let mut waits: Vec<(Option<tokio::time::Instant>, &Pid)> = children
        .map(|(pid, shutdown)| match shutdown {
            Shutdown::BrutalKill => {
                pid.kill();
                (Some(asked), pid)
            }
            Shutdown::Timeout(limit) => {
                pid.process().request_stop(ExitReason::Shutdown);
                (asked.checked_add(limit), pid)
            }
            Shutdown::Infinity => {
                pid.process().request_stop(ExitReason::Shutdown);
                (None, pid)
            }
        })
        .collect();
    // Stable: children due at the same time are waited for in the order they were given.
    waits.sort_by_key(|(deadline, _)| (deadline.is_none(), *deadline));
    for (deadline, pid) in waits {
        if let Some(deadline) = deadline {
            if tokio::time::timeout_at(deadline, pid.wait_exit())
                .await
                .is_ok()
            {
                continue;
            }
            tracing::warn!(child = %pid, "child did not stop within its shutdown time; killing it");
            pid.kill();
        }
        pid.wait_exit().await;
    }
}
