//! `Context<S>`: what a callback can ask of its own process.

use crate::no_proc::NoProc;
use std::time::Duration;

use crate::message::MonitorRef;
use crate::timer::{self, TimerRef};
use crate::{AnyMessage, Down, Exit, ExitReason, GenServer, Pid, ServerRef, process};

/// The process a callback runs in: stop it, continue, set timers, link, monitor, trap exits.
///
/// Every handler may take `ctx: &mut Context<Self>` as its last argument.
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
///
/// struct Ticker { ticks: u32 }
/// struct Tick;
///
/// #[genserver]
/// impl Ticker {
///     #[init]
///     fn init(_: (), ctx: &mut Context<Self>) -> Result<Self, InitError> {
///         ctx.send_after(Duration::from_secs(1), Tick);
///         Ok(Ticker { ticks: 0 })
///     }
///
///     #[handle_call]
///     fn ticks(&mut self) -> u32 { self.ticks }
///
///     #[handle_info]
///     fn tick(&mut self, _: Tick, ctx: &mut Context<Self>) {
///         self.ticks += 1;
///         if self.ticks == 3 {
///             ctx.stop(ExitReason::Normal);
///         } else {
///             ctx.send_after(Duration::from_secs(1), Tick);
///         }
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let ticker = Ticker::start(()).await?;
/// assert_eq!(ticker.pid().wait_exit().await, ExitReason::Normal);
/// # Ok(())
/// # }
/// ```
pub struct Context<S: GenServer> {
    myself: ServerRef<S>,
    pid: Pid,
    parent: Option<Pid>,
    /// Boxed: a stop is rare, and the context lives in every server's task.
    pub(crate) stop: Option<Box<Stopping>>,
    pub(crate) continue_with: Option<S::Continue>,
    pub(crate) idle_timeout: Option<Duration>,
    flushed_monitors: Vec<MonitorRef>,
}

/// A stop a callback asked for: the reason, and the replies to send once `terminate` has run.
pub(crate) struct Stopping {
    pub(crate) reason: ExitReason,
    pub(crate) deferred_replies: Vec<Box<dyn FnOnce() + Send>>,
}

/// What the run loop does with an info message; see [`Context::classify_info`].
pub(crate) enum InfoAction {
    Handle,
    Drop,
    Stop(ExitReason),
}

/// Continue messages a server has a `#[handle_continue]` handler for; written by `#[genserver]`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no `#[handle_continue]` handler for `{T}`",
    label = "no `#[handle_continue]` handler takes this",
    note = "add `#[handle_continue] fn on_continue(&mut self, msg: {T}) {{ ... }}` to the `#[genserver]` impl"
)]
pub trait ContinueWith<T>: GenServer {
    /// Wraps the message into the server's continue enum.
    fn wrap_continue(message: T) -> Self::Continue;
}

/// The info message types a server has a `#[handle_info]` handler for; written by
/// `#[genserver]`, one impl per handler. Two handlers for one type, however it is written (a
/// path, an alias, `crate::`-qualified), are then rustc's "conflicting implementations of trait
/// `HandleInfo<T>`", on both types.
pub trait HandleInfo<T> {}

impl<S: GenServer> Context<S> {
    pub(crate) fn new(myself: ServerRef<S>, parent: Option<Pid>) -> Self {
        let pid = myself.pid();
        Context {
            myself,
            pid,
            parent,
            stop: None,
            continue_with: None,
            idle_timeout: None,
            flushed_monitors: Vec::new(),
        }
    }

    /// This process's pid (`self()`).
    #[must_use]
    pub fn pid(&self) -> &Pid {
        &self.pid
    }

    /// The typed client of this server, to hand to others or to cast to itself.
    #[must_use]
    pub fn myself(&self) -> S::Ref {
        S::Ref::from(self.myself.clone())
    }

    /// Stops the server after the current callback (`{:stop, reason, ...}`): `terminate` runs
    /// with `reason`, then, in a call handler, the reply is sent.
    pub fn stop(&mut self, reason: ExitReason) {
        match &mut self.stop {
            // A second stop in the same callback: the last reason wins, the replies stay.
            Some(stopping) => stopping.reason = reason,
            None => {
                self.stop = Some(Box::new(Stopping {
                    reason,
                    deferred_replies: Vec::new(),
                }));
            }
        }
    }

    /// Runs the `#[handle_continue]` handler for `message` before any other message is taken
    /// (`{:continue, term}`). Works from `init` and from every handler.
    pub fn continue_with<T>(&mut self, message: T)
    where
        S: ContinueWith<T>,
    {
        self.continue_with = Some(S::wrap_continue(message));
    }

    /// Sends an [`IdleTimeout`](crate::IdleTimeout) info message if no message arrives within
    /// `after` once the current callback returns (`{:noreply, state, timeout}`). Any message
    /// cancels it; a callback that wants it again sets it again. Works from `init` too.
    /// `Duration::MAX` (or any duration too long to add to the clock) is `:infinity`: none.
    pub fn idle_timeout(&mut self, after: Duration) {
        self.idle_timeout = Some(after);
    }

    /// Sends `message` to this process as an info message after `delay`
    /// (`Process.send_after(self(), ...)`). Even a zero delay goes through the mailbox. A delay
    /// too long to add to the clock (`Duration::MAX`) never fires: see [`TimerRef`].
    pub fn send_after<M: Send + 'static>(&mut self, delay: Duration, message: M) -> TimerRef {
        timer::send_after(&self.pid, delay, message)
    }

    /// Links this process with `other` (`Process.link/1`): when one exits abnormally, the other
    /// does too unless it traps exits. Linking twice makes one link; linking to yourself does
    /// nothing. Fails when `other` is dead; a process trapping exits then also receives an
    /// [`Exit`](crate::Exit) with reason `NoProc`.
    pub fn link(&mut self, other: &Pid) -> Result<(), NoProc> {
        if process::link(&self.pid, other) {
            return Ok(());
        }
        if self.pid.process().cell().traps_exits() {
            process::exit_signal(&self.pid, other, ExitReason::NoProc);
        }
        Err(NoProc)
    }

    /// Removes the link with `other`, if any (`Process.unlink/1`).
    pub fn unlink(&mut self, other: &Pid) {
        process::unlink(&self.pid, other);
    }

    /// Sets whether exit signals from linked processes arrive as [`Exit`](crate::Exit) info
    /// messages instead of ending this process (`Process.flag(:trap_exit, ...)`). Returns the
    /// previous setting. An untrappable kill ends the process either way.
    pub fn trap_exit(&mut self, trap: bool) -> bool {
        self.pid.process().cell().set_trap_exit(trap)
    }

    /// Monitors `target` (`Process.monitor/1`): a [`Down`] info message comes when it exits,
    /// at once with reason `NoProc` when it is already dead.
    pub fn monitor(&mut self, target: &Pid) -> MonitorRef {
        target.monitor_by(&self.pid)
    }

    /// Removes a monitor and drops its `Down` message if it is already queued
    /// (`Process.demonitor(ref, [:flush])`). Returns whether the monitor was still active.
    pub fn demonitor(&mut self, monitor: MonitorRef) -> bool {
        match process::demonitor(&self.pid, monitor) {
            process::Demonitored::Active => true,
            process::Demonitored::Fired => {
                self.flushed_monitors.push(monitor);
                false
            }
            process::Demonitored::Unknown => false,
        }
    }

    /// What the run loop does with an info message before the server sees it.
    ///
    /// The `Down` of a monitor that `demonitor` removed is dropped (and any `Down` ends this
    /// process's record of its monitor). A trapped `Exit` from the parent, the process that
    /// started this one with `start_link`, stops the server with that reason, running
    /// `terminate`, as `gen_server` does.
    pub(crate) fn classify_info(&mut self, message: &AnyMessage) -> InfoAction {
        if let Some(down) = message.downcast_ref::<Down>() {
            process::forget_monitor(&self.pid, down.monitor);
            if let Some(index) = self
                .flushed_monitors
                .iter()
                .position(|m| *m == down.monitor)
            {
                self.flushed_monitors.swap_remove(index);
                return InfoAction::Drop;
            }
        } else if let (Some(parent), Some(exit)) = (&self.parent, message.downcast_ref::<Exit>())
            && exit.from == *parent
        {
            return InfoAction::Stop(exit.reason.clone());
        }
        InfoAction::Handle
    }

    /// The reason of a trapped exit from the parent, which stops the server (see
    /// [`Self::classify_info`]); `None` for any other message. Reads nothing else of it.
    pub(crate) fn parent_exit(&self, message: &AnyMessage) -> Option<ExitReason> {
        let exit = message.downcast_ref::<Exit>()?;
        (self.parent.as_ref() == Some(&exit.from)).then(|| exit.reason.clone())
    }

    #[doc(hidden)]
    pub fn __reply<R: Send + 'static>(&mut self, to: crate::call::ReplySender<R>, value: R) {
        if let Some(stopping) = &mut self.stop {
            // `{:stop, reason, reply, state}`: terminate runs first, then the reply is sent.
            stopping.deferred_replies.push(Box::new(move || {
                let _ = to.send(value);
            }));
        } else {
            let _ = to.send(value);
        }
    }
}
