//! `Task`: one piece of async work, awaited once by its owner (Elixir's `Task`), and
//! `TaskSupervisor`, which runs tasks under supervision.
//!
//! A task is a tokio task, not a process: it has no mailbox. A task spawned from inside a
//! process is tied to it: when that process exits, the task is stopped. A crash in the task
//! reaches its owner as an error value carrying the reason (Rust's shape for OTP's exit); it
//! does not take the owner down.

mod stream;
mod supervisor;

use std::future::Future;
use std::time::Duration;

use tokio::task::{JoinError, JoinHandle};
use tokio::time::Instant;

use crate::{ExitReason, Pid};

pub use stream::{AsyncStream, OnTimeout, TaskExit};
pub use supervisor::{
    TaskSupervisor, TaskSupervisorDown, TaskSupervisorOptions, TaskSupervisorRef,
};

/// The time `await_` waits by default: 5 seconds.
pub const DEFAULT_AWAIT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why awaiting a task gave no value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// The task did not finish in time; it was stopped.
    #[error("the task did not finish in time")]
    Timeout,
    /// The task crashed (`Panic`) or was stopped (`Killed`).
    #[error("the task exited: {0}")]
    Exit(ExitReason),
}

/// A running task and its result, awaited once by its owner (`Task.async/1`).
///
/// ```
/// use std::time::Duration;
/// use otp_core::{ExitReason, Task, TaskError};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let task = Task::spawn(async { 6 * 7 });
/// assert_eq!(task.await_().await, Ok(42));
///
/// let crash = Task::spawn(async { panic!("no data") });
/// assert_eq!(crash.await_().await, Err(TaskError::Exit(ExitReason::Panic("no data".into()))));
///
/// let slow = Task::spawn(async { tokio::time::sleep(Duration::from_secs(60)).await });
/// assert_eq!(slow.await_timeout(Duration::from_secs(1)).await, Err(TaskError::Timeout));
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a task is awaited, or shut down; `Task::start` is for fire-and-forget"]
pub struct Task<T> {
    handle: Option<JoinHandle<T>>,
}

fn exit_of(error: JoinError) -> ExitReason {
    if error.is_panic() {
        ExitReason::from_panic(&*error.into_panic())
    } else {
        ExitReason::Killed
    }
}

/// Stops the task when `owner` exits, and forgets that once the task is done.
pub(crate) fn tie_to(owner: &Pid, task: &tokio::task::AbortHandle) -> Option<u64> {
    let abort = task.clone();
    crate::process::on_exit_keyed(owner, Box::new(move |_, _| abort.abort())).ok()
}

/// Runs `future` as a task, stopped when the calling process (if any) exits.
pub(crate) fn spawn_tied<T, F>(future: F, tied: bool) -> JoinHandle<T>
where
    T: Send + 'static,
    F: Future<Output = T> + Send + 'static,
{
    let owner = if tied { crate::current_pid() } else { None };
    let Some(owner) = owner else {
        return tokio::spawn(future);
    };
    let (key_sender, key_receiver) = tokio::sync::oneshot::channel::<Option<u64>>();
    let owner_for_task = owner.clone();
    let handle = tokio::spawn(async move {
        let output = future.await;
        if let Ok(Some(key)) = key_receiver.await {
            crate::process::remove_exit_hook(&owner_for_task, key);
        }
        output
    });
    let _ = key_sender.send(tie_to(&owner, &handle.abort_handle()));
    handle
}

impl<T: Send + 'static> Task<T> {
    /// Runs `future` as a task owned by the caller (`Task.async/1`); if the caller is a
    /// process, the task stops when it exits.
    pub fn spawn<F>(future: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        Task {
            handle: Some(spawn_tied(future, true)),
        }
    }

    pub(crate) fn from_handle(handle: JoinHandle<T>) -> Self {
        Task {
            handle: Some(handle),
        }
    }

    /// Runs `future` with no owner and nothing to await (`Task.start/1`).
    pub fn start<F>(future: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        drop(tokio::spawn(future));
    }

    /// Waits up to 5 seconds for the result (`Task.await/2`); on timeout the task is stopped.
    pub async fn await_(self) -> Result<T, TaskError> {
        self.await_timeout(DEFAULT_AWAIT_TIMEOUT).await
    }

    /// Waits up to `timeout` for the result; on timeout the task is stopped.
    pub async fn await_timeout(mut self, timeout: Duration) -> Result<T, TaskError> {
        let Some(handle) = self.handle.as_mut() else {
            return Err(TaskError::Exit(ExitReason::Normal));
        };
        match tokio::time::timeout(timeout, &mut *handle).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => Err(TaskError::Exit(exit_of(error))),
            Err(_) => {
                handle.abort();
                Err(TaskError::Timeout)
            }
        }
    }

    /// Waits up to `timeout` for the task (`Task.yield/2`): `Some` with its result once it
    /// has finished, `None` while it still runs. Call it again after `None`; after `Some`, it
    /// is `None` for good.
    pub async fn yield_(&mut self, timeout: Duration) -> Option<Result<T, ExitReason>> {
        let handle = self.handle.as_mut()?;
        let result = tokio::time::timeout(timeout, &mut *handle).await.ok()?;
        self.handle = None;
        Some(result.map_err(exit_of))
    }

    /// Stops the task (`Task.shutdown/2`): its result if it had finished, its exit if it had
    /// crashed, `None` if it was still running.
    pub async fn shutdown(mut self) -> Option<Result<T, ExitReason>> {
        let mut handle = self.handle.take()?;
        if !handle.is_finished() {
            handle.abort();
        }
        match (&mut handle).await {
            Ok(value) => Some(Ok(value)),
            Err(error) if error.is_cancelled() => None,
            Err(error) => Some(Err(exit_of(error))),
        }
    }

    /// Awaits several tasks with one deadline (`Task.await_many/2`): results in input order;
    /// tasks not done by the deadline are stopped and give `Timeout`.
    pub async fn await_many(tasks: Vec<Task<T>>, timeout: Duration) -> Vec<Result<T, TaskError>> {
        let deadline = Instant::now() + timeout;
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            let left = deadline.saturating_duration_since(Instant::now());
            results.push(task.await_timeout(left).await);
        }
        results
    }
}
