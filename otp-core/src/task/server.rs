//! The process behind a [`TaskSupervisor`](super::TaskSupervisor): it owns the set of tasks,
//! and stopping it stops them.

use std::sync::Arc;

use super::set::TaskSet;
use crate::prelude::*;

pub(crate) struct TaskSupervisorServer {
    pub(super) tasks: Arc<TaskSet>,
}

#[genserver]
impl TaskSupervisorServer {
    /// Stops every task (tasks run no `terminate`: `shutdown` as `brutal_kill`) and waits
    /// until each has been dropped.
    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        self.tasks.stop_all().await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "task supervisor received an unexpected message");
    }
}

/// Killed (no `terminate`): the tasks are stopped without waiting, as a killed OTP supervisor's
/// children are killed by their links.
impl Drop for TaskSupervisorServer {
    fn drop(&mut self) {
        self.tasks.close();
    }
}
