//! The tasks a [`TaskSupervisor`](super::TaskSupervisor) runs, which it stops when it stops.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::task::AbortHandle;

use super::tie::spawn_tied;

/// The tasks a supervisor runs: stopped when it stops.
#[derive(Default)]
pub(super) struct TaskSet {
    next: AtomicU64,
    running: Mutex<HashMap<u64, AbortHandle>>,
    closed: AtomicBool,
}

impl TaskSet {
    /// Runs `future` as one of the set's tasks; `None` when the supervisor has stopped.
    pub(super) fn spawn<T, F>(
        self: &Arc<Self>,
        future: F,
        tied: bool,
    ) -> Option<tokio::task::JoinHandle<T>>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        if self.closed.load(Ordering::Acquire) {
            return None;
        }
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let leave = LeaveSet {
            set: Arc::downgrade(self),
            key,
        };
        let handle = spawn_tied(
            async move {
                // Dropped however the task ends: finished, panicked or stopped.
                let _leave = leave;
                future.await
            },
            tied,
        );
        if !handle.is_finished() {
            self.running().insert(key, handle.abort_handle());
        }
        Some(handle)
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<u64, AbortHandle>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn stop_all(&self) {
        self.closed.store(true, Ordering::Release);
        for (_, task) in self.running().drain() {
            task.abort();
        }
    }

    pub(super) fn len(&self) -> usize {
        self.running().len()
    }
}

/// Takes a task out of its set when the task ends, however it ends.
struct LeaveSet {
    set: std::sync::Weak<TaskSet>,
    key: u64,
}

impl Drop for LeaveSet {
    fn drop(&mut self) {
        if let Some(set) = self.set.upgrade() {
            set.running().remove(&self.key);
        }
    }
}
