//! What is running: every live process, what each is doing, who waits on whom
//! (`:erlang.processes/0`, `Process.info/2`, and the wait-for graph behind a deadlock), and the
//! supervision trees ([`supervision_tree`], [`supervision_trees`]). To look inside one server
//! (its state, a trace of its messages) or hold it still, see [`sys`](crate::sys).
//!
//! The runtime keeps a table of live processes and a few counters per process, written by the
//! process's own run loop with plain stores; nothing else is done unless someone looks. A
//! snapshot is a copy: a process may exit right after it is taken.
//!
//! ```
//! use otp_core::prelude::*;
//! use otp_core::observe::{self, ProcessStatus};
//!
//! struct Counter(u64);
//!
//! #[genserver]
//! impl Counter {
//!     #[handle_call]
//!     fn get(&mut self) -> u64 { self.0 }
//!
//!     #[handle_info(catch_all)]
//!     fn unexpected(&mut self, _msg: AnyMessage) {}
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let before = observe::process_count();
//! let counter = Counter::options().name("docs-observed").start(Counter(0)).await?;
//! assert_eq!(observe::process_count(), before + 1);
//! assert!(observe::processes().contains(&counter.pid()));
//!
//! counter.get().await?;
//! let info = counter.pid().info().expect("alive");
//! assert_eq!(info.name.as_deref(), Some("docs-observed"));
//! assert!(info.server.ends_with("Counter"));
//! assert_eq!(info.messages_handled, 1);
//! assert_eq!(info.status, ProcessStatus::Waiting);
//!
//! counter.server().stop(ExitReason::Normal).await?;
//! assert_eq!(observe::process_count(), before);
//! assert!(counter.pid().info().is_none());
//! # Ok(())
//! # }
//! ```

mod info;
pub(crate) mod process_table;
mod tree;
mod wait_for;

pub use info::{ProcessInfo, ProcessStatus, WaitingOn};
pub use tree::{
    SupervisedChild, SupervisedState, SupervisionTree, SupervisorKind, TreeError, supervision_tree,
    supervision_tree_timeout, supervision_trees,
};
pub(crate) use wait_for::CallWait;
pub use wait_for::deadlocks;

use crate::Pid;

/// Every live process, in no particular order (`:erlang.processes/0`, `Process.list/0`).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let all = otp_core::observe::processes();
/// assert!(all.iter().all(otp_core::Pid::is_alive));
/// # }
/// ```
#[must_use]
pub fn processes() -> Vec<Pid> {
    process_table::all()
}

/// How many processes are alive (`:erlang.system_info(:process_count)`): the lengths of the
/// process table's 16 shards added up, each read under its lock for a moment; cheap enough to
/// poll, and nothing a spawn or an exit pays for.
///
/// ```
/// let count: usize = otp_core::observe::process_count();
/// # let _ = count;
/// ```
#[must_use]
pub fn process_count() -> usize {
    process_table::count()
}

/// A [`ProcessInfo`] of every live process, in no particular order: the observer's table.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// for info in otp_core::observe::snapshot() {
///     println!("{} {} {} queued", info.pid, info.server, info.mailbox_len);
/// }
/// # }
/// ```
#[must_use]
pub fn snapshot() -> Vec<ProcessInfo> {
    let pids = processes();
    // The servers that calls wait on are found here, not by a search of the table each.
    let by_id: std::collections::HashMap<u64, &Pid> =
        pids.iter().map(|pid| (pid.id(), pid)).collect();
    pids.iter()
        .filter_map(|pid| pid.info_finding(|id| by_id.get(&id).map(|&server| server.clone())))
        .collect()
}

/// The process with this number, if it is alive: a pid read back from its text (`<0.42>`
/// or `42`), as `:erlang.list_to_pid/1`.
///
/// ```
/// assert_eq!(otp_core::observe::find_pid("<0.0>"), None);
/// assert_eq!(otp_core::observe::find_pid("not a pid"), None);
/// ```
#[must_use]
pub fn find_pid(text: &str) -> Option<Pid> {
    process_table::get(pid_number(text)?)
}

/// The number a pid's text names (`<0.42>` or `42`, spaces around allowed), whether or not
/// that process is alive; `None` when the text is not a pid. With [`find_pid`], this tells
/// a malformed pid from one that has exited.
///
/// ```
/// use otp_core::observe::pid_number;
///
/// assert_eq!(pid_number("<0.42>"), Some(42));
/// assert_eq!(pid_number(" 7 "), Some(7));
/// assert_eq!(pid_number("<0.+4>"), None);
/// assert_eq!(pid_number("pid"), None);
/// ```
#[must_use]
pub fn pid_number(text: &str) -> Option<u64> {
    let text = text.trim();
    let number = text
        .strip_prefix("<0.")
        .and_then(|rest| rest.strip_suffix('>'))
        .unwrap_or(text);
    if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    number.parse().ok()
}
