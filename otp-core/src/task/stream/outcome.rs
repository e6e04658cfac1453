//! What an `async_stream` yields for an item whose task gave no value, and what a timeout does.

use crate::ExitReason;

/// What a stream does when an item's task runs past its timeout (`:on_timeout`).
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
/// [`zip_input_on_exit`](super::AsyncStream::zip_input_on_exit).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskExit<I> {
    /// The task's exit: `Panic`, `Timeout`, `Killed`.
    pub reason: ExitReason,
    /// The input, when the stream zips inputs on exit.
    pub input: Option<I>,
}
