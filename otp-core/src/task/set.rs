//! The tasks a [`TaskSupervisor`](super::TaskSupervisor) runs, which it stops when it stops.
//!
//! A task joins the set under the lock that closes it: it is either in the set before the
//! stop closes it (and stopped with the others) or refused after, never started behind the
//! stop's back. It joins before it is spawned, as an entry without an abort handle yet (the
//! spawn happens outside the lock: a runtime that is shutting down drops the future at once,
//! and the guard that takes it out of the set needs the lock); a stop that comes in between
//! cannot abort it, so the spawner does, once it has the handle. A stopped tokio task is only
//! dropped when the runtime next gets to it, so the stop then waits until every task has been
//! dropped: once it returns, none runs.

use std::collections::HashMap;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};

use tokio::sync::Notify;
use tokio::task::{AbortHandle, JoinHandle};

use super::tie::spawn_tied;

/// The tasks a supervisor runs: stopped when it stops.
#[derive(Default)]
pub(super) struct TaskSet {
    members: Mutex<Members>,
    /// Notified when the last task of a closed set has been dropped.
    emptied: Notify,
}

#[derive(Default)]
struct Members {
    next: u64,
    /// The tasks not yet dropped, by key; `None` while the task is being spawned.
    running: HashMap<u64, Option<AbortHandle>>,
    /// The supervisor has stopped: no task starts any more.
    closed: bool,
}

impl TaskSet {
    /// Runs `future` as one of the set's tasks; `None` when the supervisor has stopped.
    pub(super) fn spawn<T, F>(self: &Arc<Self>, future: F, tied: bool) -> Option<JoinHandle<T>>
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        let key = {
            let mut members = self.members();
            if members.closed {
                return None;
            }
            let key = members.next;
            members.next += 1;
            members.running.insert(key, None);
            key
        };
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
        let closed_meanwhile = {
            let mut members = self.members();
            let closed = members.closed;
            // No entry: the task has already ended and left.
            match members.running.get_mut(&key) {
                Some(entry) if !closed => {
                    *entry = Some(handle.abort_handle());
                    false
                }
                entry => entry.is_some(),
            }
        };
        if closed_meanwhile {
            // The stop waits for it, and could not stop it: it is stopped here.
            handle.abort();
        }
        Some(handle)
    }

    fn members(&self) -> MutexGuard<'_, Members> {
        // No code panics while holding this lock; recover the data if it ever happened.
        self.members.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Refuses new tasks and stops every task; returns at once, without waiting for the
    /// tasks to be dropped (for a supervisor that is killed).
    pub(super) fn close(&self) {
        let tasks: Vec<AbortHandle> = {
            let mut members = self.members();
            members.closed = true;
            members.running.values().flatten().cloned().collect()
        };
        for task in tasks {
            task.abort();
        }
    }

    /// Refuses new tasks, stops every task, and returns once all of them have been dropped.
    ///
    /// A task stops at its next `.await`; one that never yields holds this up.
    pub(super) async fn stop_all(&self) {
        self.close();
        loop {
            let mut emptied = pin!(self.emptied.notified());
            emptied.as_mut().enable();
            if self.members().running.is_empty() {
                return;
            }
            emptied.await;
        }
    }

    /// How many tasks have not yet been dropped.
    pub(super) fn len(&self) -> usize {
        self.members().running.len()
    }
}

/// Takes a task out of its set when the task ends, however it ends.
struct LeaveSet {
    set: Weak<TaskSet>,
    key: u64,
}

impl Drop for LeaveSet {
    fn drop(&mut self) {
        let Some(set) = self.set.upgrade() else {
            return;
        };
        let last_of_closed = {
            let mut members = set.members();
            members.running.remove(&self.key);
            members.closed && members.running.is_empty()
        };
        if last_of_closed {
            set.emptied.notify_waiters();
        }
    }
}
