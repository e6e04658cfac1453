//! What an `async_stream` yields for an item whose task gave no value, and what a timeout does.

use crate::ExitReason;

/// What a stream does when an item's task runs past its timeout (`:on_timeout`).
///
/// ```
/// use std::time::Duration;
/// use otp_core::{ExitReason, OnTimeout, TaskExit, TaskSupervisor, TaskSupervisorOptions};
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let mut naps = tasks
///     .async_stream([9, 1], |secs| tokio::time::sleep(Duration::from_secs(secs)))
///     .timeout(Duration::from_secs(2))
///     .on_timeout(OnTimeout::KillTask);
/// let timeout = TaskExit { reason: ExitReason::Timeout, input: None };
/// assert_eq!(naps.next().await, Some(Err(timeout)));
/// assert_eq!(naps.next().await, Some(Ok(())), "the stream went on");
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnTimeout {
    /// The stream yields that item's `Timeout` exit and ends, stopping the tasks still running
    /// (OTP exits the caller; here the caller gets the exit as the stream's last item).
    #[default]
    Exit,
    /// That task is stopped, its item yields a `Timeout` exit, and the stream goes on.
    KillTask,
}

/// An item whose task did not give a value: why, and the item itself with
/// [`zip_input_on_exit`](super::AsyncStream::zip_input_on_exit) (`{:exit, reason}` in Elixir).
///
/// ```
/// use otp_core::{ExitReason, TaskExit, TaskSupervisor, TaskSupervisorOptions};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default()).await?;
/// let mut checked = tasks
///     .async_stream([0_u32], |n| async move { 10 / n })
///     .zip_input_on_exit();
/// let Some(Err(exit)) = checked.next().await else { panic!("no exit") };
/// assert!(matches!(exit.reason, ExitReason::Panic(_)));
/// assert_eq!(exit.input, Some(0));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskExit<I> {
    /// The task's exit: `Panic`, `Timeout`, `Killed`.
    pub reason: ExitReason,
    /// The input, when the stream zips inputs on exit.
    pub input: Option<I>,
}

impl<I> std::fmt::Display for TaskExit<I> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the task exited: {}", self.reason)
    }
}

/// A `TaskExit` is an error, so `?` can pass it on.
impl<I: std::fmt::Debug> std::error::Error for TaskExit<I> {}
