//! [`Task`]: one piece of async work, awaited once by its owner (Elixir's `Task`).
//!
//! Elixir's `Task.await(task, timeout)` is `task.await` here, with `task.timeout(d).await` for
//! another timeout than 5 s, as a GenServer call has; `Task.yield/2` is
//! [`wait_for`](Task::wait_for) (`yield` is a Rust keyword).

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use tokio::task::JoinHandle;

use super::join::{Within, deadline_after, exit_of};
use super::tie::spawn_tied;
use crate::ExitReason;

/// How long awaiting a task waits by default: 5 seconds, as `Task.await/2` in Elixir.
///
/// ```
/// use std::time::Duration;
/// assert_eq!(otp_core::DEFAULT_AWAIT_TIMEOUT, Duration::from_secs(5));
/// ```
pub const DEFAULT_AWAIT_TIMEOUT: Duration = Duration::from_secs(5);

/// Why awaiting a task gave no value.
///
/// ```
/// use std::time::Duration;
/// use otp_core::{ExitReason, Task, TaskError};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let slow = Task::spawn(tokio::time::sleep(Duration::from_secs(60)));
/// assert_eq!(slow.timeout(Duration::from_secs(1)).await, Err(TaskError::Timeout));
/// let crash: Task<()> = Task::spawn(async { panic!("no data") });
/// assert_eq!(crash.await, Err(TaskError::Exit(ExitReason::Panic("no data".into()))));
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TaskError {
    /// The task did not finish in time; it was stopped.
    #[error("the task did not finish in time")]
    Timeout,
    /// The task crashed (`Panic`) or was stopped (`Killed`).
    #[error("the task exited: {0}")]
    Exit(ExitReason),
}

/// A running task and its result, awaited once by its owner (`Task.async/1` in Elixir).
///
/// Await it for its result: `task.await` waits up to 5 seconds (`Task.await/2`),
/// `task.timeout(d).await` up to `d`; on timeout the task is stopped. A crash comes back as
/// [`TaskError::Exit`] instead of taking the owner down.
///
/// ```
/// use std::time::Duration;
/// use otp_core::{ExitReason, Task, TaskError};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// let task = Task::spawn(async { 6 * 7 });
/// assert_eq!(task.await, Ok(42));
///
/// let crash = Task::spawn(async { panic!("no data") });
/// assert_eq!(crash.await, Err(TaskError::Exit(ExitReason::Panic("no data".into()))));
///
/// let slow = Task::spawn(async { tokio::time::sleep(Duration::from_secs(60)).await });
/// assert_eq!(slow.timeout(Duration::from_secs(1)).await, Err(TaskError::Timeout));
/// # }
/// ```
#[derive(Debug)]
#[must_use = "a task is awaited, or shut down; `Task::start` is for fire-and-forget"]
pub struct Task<T> {
    /// `None` once [`wait_for`](Task::wait_for) has given the result.
    handle: Option<JoinHandle<T>>,
    timeout: Duration,
}

impl<T: Send + 'static> Task<T> {
    /// Runs `future` as a task owned by the caller (`Task.async/1` in Elixir); if the caller
    /// is a process, the task stops when it exits.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let task = otp_core::Task::spawn(async { "done" });
    /// assert_eq!(task.await, Ok("done"));
    /// # }
    /// ```
    pub fn spawn<F>(future: F) -> Self
    where
        F: Future<Output = T> + Send + 'static,
    {
        Task::from_handle(spawn_tied(future, true))
    }

    pub(super) fn from_handle(handle: JoinHandle<T>) -> Self {
        Task {
            handle: Some(handle),
            timeout: DEFAULT_AWAIT_TIMEOUT,
        }
    }

    /// Runs `future` with no owner and nothing to await (`Task.start/1` in Elixir).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (sender, receiver) = tokio::sync::oneshot::channel();
    /// otp_core::Task::start(async move {
    ///     let _ = sender.send("sent");
    /// });
    /// assert_eq!(receiver.await, Ok("sent"));
    /// # }
    /// ```
    pub fn start<F>(future: F)
    where
        F: Future<Output = T> + Send + 'static,
    {
        drop(tokio::spawn(future));
    }

    /// Waits up to `timeout` for the task (`Task.yield/2` in Elixir): `Some` with its result
    /// once it has finished, `None` while it still runs, which it goes on doing. Call it again
    /// after `None`; after `Some` the task is spent: `wait_for` gives `None` at once, and
    /// awaiting it gives `Exit(Normal)`. `Duration::MAX` waits as long as it takes.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::Task;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut task = Task::spawn(async {
    ///     tokio::time::sleep(Duration::from_secs(3)).await;
    ///     "report"
    /// });
    /// assert_eq!(task.wait_for(Duration::from_secs(1)).await, None);
    /// assert_eq!(task.wait_for(Duration::from_secs(5)).await, Some(Ok("report")));
    /// # }
    /// ```
    pub async fn wait_for(&mut self, timeout: Duration) -> Option<Result<T, ExitReason>> {
        let handle = self.handle.as_mut()?;
        let result = Within::new(handle, timeout).await?;
        self.handle = None;
        Some(result.map_err(exit_of))
    }

    /// Stops the task (`Task.shutdown/2` in Elixir, as `:brutal_kill`): its result if it had
    /// finished, its exit if it had crashed, `None` if it was still running.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::Task;
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let mut task = Task::spawn(tokio::time::sleep(Duration::from_secs(60)));
    /// // Elixir's `Task.yield(task, 1000) || Task.shutdown(task)`:
    /// let result = match task.wait_for(Duration::from_secs(1)).await {
    ///     Some(result) => Some(result),
    ///     None => task.shutdown().await,
    /// };
    /// assert_eq!(result, None);
    /// # }
    /// ```
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

    /// Awaits several tasks with one deadline (`Task.await_many/2` in Elixir): results in
    /// input order; tasks not done by the deadline are stopped and give `Timeout`.
    /// `Duration::MAX` waits as long as it takes (`:infinity`).
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{Task, TaskError};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let after = |secs| Task::spawn(async move {
    ///     tokio::time::sleep(Duration::from_secs(secs)).await;
    ///     secs
    /// });
    /// let results = Task::await_many(vec![after(2), after(1), after(9)], Duration::from_secs(5)).await;
    /// assert_eq!(results, vec![Ok(2), Ok(1), Err(TaskError::Timeout)]);
    /// # }
    /// ```
    pub async fn await_many(tasks: Vec<Task<T>>, timeout: Duration) -> Vec<Result<T, TaskError>> {
        let deadline = deadline_after(timeout);
        let mut results = Vec::with_capacity(tasks.len());
        for task in tasks {
            let waiting = task.handle.map(|handle| Within::until(handle, deadline));
            results.push(TaskFuture { waiting }.await);
        }
        results
    }
}

impl<T> Task<T> {
    /// Sets how long awaiting the task waits for its result instead of 5 seconds (the timeout
    /// of `Task.await/2` in Elixir); `Duration::MAX` waits as long as it takes (`:infinity`).
    /// On timeout the task is stopped.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::{Task, TaskError};
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let slow = Task::spawn(async {
    ///     tokio::time::sleep(Duration::from_secs(10)).await;
    ///     1
    /// });
    /// assert_eq!(slow.timeout(Duration::from_secs(30)).await, Ok(1));
    /// # }
    /// ```
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl<T> IntoFuture for Task<T> {
    type Output = Result<T, TaskError>;
    type IntoFuture = TaskFuture<T>;

    /// Awaits the task (`Task.await/2` in Elixir) for its timeout, 5 s unless set with
    /// [`timeout`](Task::timeout).
    fn into_future(self) -> TaskFuture<T> {
        let timeout = self.timeout;
        TaskFuture {
            waiting: self.handle.map(|handle| Within::new(handle, timeout)),
        }
    }
}

/// The future of an awaited [`Task`]: its result, or why there is none. On timeout it stops
/// the task; dropped before it is ready, it leaves the task running.
///
/// ```
/// use std::future::IntoFuture;
/// use otp_core::Task;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let waiting = Task::spawn(async { 1 }).into_future();
/// assert_eq!(waiting.await, Ok(1));
/// # }
/// ```
#[must_use = "a future does nothing unless awaited"]
pub struct TaskFuture<T> {
    /// `None`: the task was spent before it was awaited, or this future is done.
    waiting: Option<Within<JoinHandle<T>>>,
}

impl<T> Future for TaskFuture<T> {
    type Output = Result<T, TaskError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(waiting) = this.waiting.as_mut() else {
            return Poll::Ready(Err(TaskError::Exit(ExitReason::Normal)));
        };
        let result = match ready!(Pin::new(&mut *waiting).poll(cx)) {
            Some(Ok(value)) => Ok(value),
            Some(Err(error)) => Err(TaskError::Exit(exit_of(error))),
            None => {
                waiting.get_mut().abort();
                Err(TaskError::Timeout)
            }
        };
        this.waiting = None;
        Poll::Ready(result)
    }
}

impl<T> std::fmt::Debug for TaskFuture<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TaskFuture").finish_non_exhaustive()
    }
}
