//! `Pid`: the untyped identity of a process.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::time::Duration;

use crate::message::MonitorRef;
use crate::process::{self, Process};
use crate::timer::{self, TimerRef};
use crate::{AnyMessage, ExitReason};

/// The identity of a process, whatever its type: it can be linked, monitored, registered, sent
/// an info message, or told to exit. Cheap to clone; equal when it names the same process.
///
/// Displays as `<0.N>`, like an Erlang pid.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Counter(u64);
///
/// #[genserver]
/// impl Counter {
///     #[handle_call]
///     fn get(&mut self) -> u64 { self.0 }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) { self.0 += 1; }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let counter = Counter::start(Counter(0)).await?;
/// let pid: Pid = counter.pid();
/// assert!(pid.to_string().starts_with("<0."));
/// pid.send("any value");
/// assert_eq!(counter.get().await?, 1);
/// pid.kill();
/// assert_eq!(pid.wait_exit().await, ExitReason::Killed);
/// assert!(!pid.is_alive());
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Pid {
    process: Arc<dyn Process>,
}

impl Pid {
    pub(crate) fn new(process: Arc<dyn Process>) -> Self {
        Pid { process }
    }

    pub(crate) fn process(&self) -> &Arc<dyn Process> {
        &self.process
    }

    /// The process's number, unique for the life of the program.
    #[must_use]
    pub fn id(&self) -> u64 {
        self.process.cell().id()
    }

    /// Whether the process is still running.
    #[must_use]
    pub fn is_alive(&self) -> bool {
        self.process.cell().is_alive()
    }

    /// The name the process is registered under, if any.
    #[must_use]
    pub fn name(&self) -> Option<Arc<str>> {
        self.process.cell().name()
    }

    /// Sends `message` to the process as an info message (`send/2`). Like Erlang's `send`, it
    /// never fails: a message to a dead process is dropped.
    pub fn send<M: Send + 'static>(&self, message: M) {
        self.process.deliver_info(AnyMessage::new(message));
    }

    /// Sends `message` as an info message after `delay` (`Process.send_after/3`). The timer is
    /// dropped with the process.
    pub fn send_after<M: Send + 'static>(&self, delay: Duration, message: M) -> TimerRef {
        timer::send_after(self, delay, message)
    }

    /// Kills the process (`Process.exit(pid, :kill)`): it cannot trap this and runs no
    /// `terminate`; linked processes see the reason `Killed`.
    pub fn kill(&self) {
        process::terminate_now(&self.process, ExitReason::Killed);
    }

    /// Sends an exit signal with `reason` (`Process.exit(pid, reason)`), as if from a linked
    /// process: a process trapping exits receives an [`Exit`](crate::Exit) message; otherwise
    /// `Normal` is ignored and any other reason ends it without `terminate`.
    /// The signal comes from the calling process, or from the target itself when called
    /// outside any process.
    ///
    /// As in OTP, `Normal` sent by a process to itself ends it, unless it traps exits.
    pub fn exit(&self, reason: ExitReason) {
        let current = crate::current_pid();
        if current.as_ref() == Some(self)
            && reason.is_normal()
            && !self.process.cell().traps_exits()
        {
            process::terminate_now(&self.process, reason);
            return;
        }
        let from = current.unwrap_or_else(|| self.clone());
        process::exit_signal(self, &from, reason);
    }

    /// Waits until the process has exited and returns why; at once if it already has.
    ///
    /// Dropping the wait before the process exits (a `select!` whose other branch won, a
    /// timeout around it) is free: nothing of it stays with the process.
    pub async fn wait_exit(&self) -> ExitReason {
        process::wait_exit(self).await
    }

    /// The exit reason, once the process has exited or begun to.
    #[must_use]
    pub fn exit_reason(&self) -> Option<ExitReason> {
        self.process.cell().exit_reason()
    }

    pub(crate) fn monitor_by(&self, watcher: &Pid) -> MonitorRef {
        process::monitor(watcher, self)
    }
}

impl PartialEq for Pid {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl Eq for Pid {}

impl Hash for Pid {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.id().hash(state);
    }
}

impl PartialOrd for Pid {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Pid {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.id().cmp(&other.id())
    }
}

impl fmt::Display for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<0.{}>", self.id())
    }
}

impl fmt::Debug for Pid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<0.{}>", self.id())?;
        if let Some(name) = self.name() {
            write!(f, " ({name})")?;
        }
        Ok(())
    }
}
