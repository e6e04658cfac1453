//! `Task`: one piece of async work, awaited once by its owner (Elixir's `Task`), and
//! `TaskSupervisor`, which runs tasks under supervision.
//!
//! A task is a tokio task, not a process: it has no mailbox. A task spawned from inside a
//! process is tied to it: when that process exits, the task is stopped. A crash in the task
//! reaches its owner as an error value carrying the reason (Rust's shape for OTP's exit); it
//! does not take the owner down.

#[allow(unreachable_pub)] // `TaskFuture`, until the crate root exports it.
mod handle;
mod join;
#[allow(unreachable_pub, missing_docs)]
mod server;
mod set;
mod stream;
mod supervisor;
mod tie;

#[allow(unused_imports, unreachable_pub)] // Until the crate root exports it.
pub use handle::TaskFuture;
pub use handle::{DEFAULT_AWAIT_TIMEOUT, Task, TaskError};
pub use stream::{AsyncStream, OnTimeout, TaskExit};
pub use supervisor::{
    TaskSupervisor, TaskSupervisorDown, TaskSupervisorOptions, TaskSupervisorRef,
};
