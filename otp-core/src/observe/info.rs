//! `Process.info/1`: one process's identity, activity and relations at one moment.

use std::sync::Arc;
use std::time::SystemTime;

use crate::Pid;
use crate::process::Status;

/// What a process was doing when its [`ProcessInfo`] was taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProcessStatus {
    /// Waiting for a message (`:waiting`).
    Waiting,
    /// Running a callback, `init` included, or awaiting inside one (`:running`).
    Running,
    /// Suspended by [`sys::suspend`](crate::sys::suspend): it queues messages and handles
    /// nothing but system requests (`:suspended`).
    Suspended,
    /// Its exit has begun: it runs no more callbacks, except `terminate` (`:exiting`).
    Exiting,
}

/// A call a process is blocked in: the server it waits on, and since when.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitingOn {
    /// The server that has the call and has not answered yet.
    pub pid: Pid,
    /// When the caller started waiting (the first time the call found no reply).
    pub since: SystemTime,
}

/// One process at one moment (`Process.info/1`): taken by [`Pid::info`] or
/// [`observe::snapshot`](crate::observe::snapshot).
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Watcher;
///
/// #[genserver]
/// impl Watcher {
///     #[handle_call]
///     fn watch(&mut self, other: Pid, ctx: &mut Context<Self>) -> bool {
///         ctx.link(&other).is_ok()
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let watched = Watcher::start(Watcher).await?;
/// let watcher = Watcher::start(Watcher).await?;
/// assert!(watcher.watch(watched.pid()).await?);
/// let info = watched.pid().info().expect("alive");
/// assert_eq!(info.links, vec![watcher.pid()]);
/// assert_eq!(info.mailbox_len, 0);
/// assert!(info.memory > 0);
/// assert!(info.waiting_on.is_none());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ProcessInfo {
    /// The process.
    pub pid: Pid,
    /// The name it is registered under, if any.
    pub name: Option<Arc<str>>,
    /// The server's type, as `std::any::type_name` gives it.
    pub server: &'static str,
    /// The process that started it linked (the supervisor of a supervised child), if any:
    /// OTP's `$parent`.
    pub parent: Option<Pid>,
    /// What it is doing.
    pub status: ProcessStatus,
    /// Messages waiting in its mailbox. While it is busy, those it took in one batch are counted
    /// down at each message after a handler that awaited, and after each run of 256 messages.
    pub mailbox_len: usize,
    /// Messages it has taken from its mailbox: calls, casts, info messages and system requests.
    /// Counted when it waits, at each message after a handler that awaited, and after each run
    /// of 256 messages: a process busy with quick handlers may lag by as many.
    pub messages_handled: u64,
    /// The processes it is linked to.
    pub links: Vec<Pid>,
    /// The processes monitoring it.
    pub monitored_by: Vec<Pid>,
    /// The processes it monitors.
    pub monitors: Vec<Pid>,
    /// When it was started.
    pub started_at: SystemTime,
    /// Bytes the runtime holds for it: its task, its process record, its mailbox's buffers and
    /// its relations. What its state owns on the heap is not counted.
    pub memory: usize,
    /// The call it is blocked in, if any.
    pub waiting_on: Option<WaitingOn>,
    /// The messages a [`sys::trace`](crate::sys::trace) is still to log: 0 when it is not
    /// traced, or its trace has logged all it was asked for.
    pub trace_left: u32,
}

impl Pid {
    /// What the process is and does now (`Process.info/1`); `None` once it has exited.
    ///
    /// ```
    /// use otp_core::prelude::*;
    ///
    /// struct Idle;
    ///
    /// #[genserver]
    /// impl Idle {
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let idle = Idle::start(Idle).await?;
    /// assert_eq!(idle.pid().info().map(|info| info.pid), Some(idle.pid()));
    /// idle.pid().kill();
    /// idle.pid().wait_exit().await;
    /// assert!(idle.pid().info().is_none());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn info(&self) -> Option<ProcessInfo> {
        self.info_finding(super::process_table::get)
    }

    /// [`Pid::info`], finding the server a call waits on with `find` (by its id).
    pub(crate) fn info_finding(
        &self,
        find: impl FnOnce(u64) -> Option<Pid>,
    ) -> Option<ProcessInfo> {
        let process = self.process();
        let cell = process.cell();
        if !self.is_alive() {
            return None;
        }
        let relations = cell.relations_snapshot();
        let status = if cell.is_dying() {
            ProcessStatus::Exiting
        } else {
            match cell.status() {
                Status::Waiting => ProcessStatus::Waiting,
                Status::Running => ProcessStatus::Running,
                Status::Suspended => ProcessStatus::Suspended,
            }
        };
        Some(ProcessInfo {
            pid: self.clone(),
            name: relations.name,
            server: process.type_name(),
            parent: relations.parent,
            status,
            mailbox_len: process.mailbox_len(),
            messages_handled: cell.handled(),
            links: relations.links,
            monitored_by: relations.monitored_by,
            monitors: relations.monitors,
            started_at: cell.started_at(),
            memory: process.memory() + relations.memory,
            waiting_on: super::wait_for::waiting_on(self, find)
                .map(|(pid, since)| WaitingOn { pid, since }),
            trace_left: relations.trace_left,
        })
    }
}
