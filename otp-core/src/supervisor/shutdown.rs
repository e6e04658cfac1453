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
