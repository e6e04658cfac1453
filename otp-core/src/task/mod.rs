//! `Task`: one piece of async work, awaited once by its owner (Elixir's `Task`), and
//! `TaskSupervisor`, which runs tasks under supervision.
//!
//! A task is a tokio task, not a process: it has no mailbox. A task spawned from inside a
//! process is tied to it: when that process exits, the task is stopped. A crash in the task
//! reaches its owner as an error value carrying the reason (Rust's shape for OTP's exit); it
//! does not take the owner down.
//!
//! Where Elixir awaits a task with `Task.await(task, timeout)`, a [`Task`] is awaited with
//! `task.await` (5 s) or `task.timeout(d).await`; `Task.yield/2` is [`Task::wait_for`]. Every
//! timeout takes any `Duration`: `Duration::MAX` (or any too long to add to the clock) waits
//! as long as it takes, OTP's `:infinity`. Whatever way a task ends, nothing it leaves behind
//! (its tie to its owner, its place in a supervisor's set) outlives it.

mod handle;
mod join;
mod server;
mod set;
mod stream;
mod supervisor;
mod tie;

pub use handle::{DEFAULT_AWAIT_TIMEOUT, Task, TaskError, TaskFuture};
pub use stream::{AsyncStream, OnTimeout, TaskExit};
pub use supervisor::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
