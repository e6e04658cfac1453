//! [`Task`]: one piece of async work, awaited once by its owner (Elixir's `Task`).

use std::future::Future;
use std::time::Duration;

use tokio::task::JoinHandle;

use super::join::{Within, deadline_after, exit_of};
use super::tie::spawn_tied;
use crate::ExitReason;

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

    /// Waits up to `timeout` for the result; on timeout the task is stopped. `Duration::MAX`
    /// waits as long as it takes (`:infinity`).
    pub async fn await_timeout(self, timeout: Duration) -> Result<T, TaskError> {
        let Some(handle) = self.handle else {
            return Err(TaskError::Exit(ExitReason::Normal));
        };
        Self::wait(Within::new(handle, timeout)).await
    }

    /// Waits for the task; on timeout stops it.
    async fn wait(mut waiting: Within<JoinHandle<T>>) -> Result<T, TaskError> {
        match (&mut waiting).await {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(TaskError::Exit(exit_of(error))),
            None => {
                waiting.get_mut().abort();
                Err(TaskError::Timeout)
            }
        }
    }

    /// Waits up to `timeout` for the task (`Task.yield/2`): `Some` with its result once it
    /// has finished, `None` while it still runs. Call it again after `None`; after `Some`, it
    /// is `None` for good.
    pub async fn yield_(&mut self, timeout: Duration) -> Option<Result<T, ExitReason>> {
        let handle = self.handle.as_mut()?;
        let result = Within::new(handle, timeout).await?;
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
    /// tasks not done by the deadline are stopped and give `Timeout`. `Duration::MAX` waits
    /// as long as it takes (`:infinity`).
    pub async fn await_many(tasks: Vec<Task<T>>, timeout: Duration) -> Vec<Result<T, TaskError>> {
        let deadline = deadline_after(timeout);
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            results.push(match task.handle {
                Some(handle) => Self::wait(Within::until(handle, deadline)).await,
                None => Err(TaskError::Exit(ExitReason::Normal)),
            });
        }
        results
    }
}
