//! The messages the runtime itself delivers: any info message, exit signals, down messages.

use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::{ExitReason, Pid};

/// An info message of any type, as a catch-all `#[handle_info(catch_all)]` handler receives it.
///
/// It remembers the name of its type for logs, and gives the value back with
/// [`downcast`](AnyMessage::downcast). Its `Debug` shows the type, not the value (unlike
/// Elixir's `inspect`): the value's type is erased and need not implement `Debug`; downcast it to
/// show it.
///
/// ```
/// use otp_core::AnyMessage;
///
/// let msg = AnyMessage::new(42_u32);
/// assert!(msg.is::<u32>());
/// assert!(format!("{msg:?}").contains("u32"));
/// assert_eq!(msg.downcast::<u32>().ok(), Some(42));
/// ```
pub struct AnyMessage {
    /// One pointer: the mailbox's entries stay small.
    value: Box<dyn Message>,
}

/// A value of any type with its type's name.
trait Message: Any + Send {
    fn type_name(&self) -> &'static str;
    fn as_any(&self) -> &dyn Any;
    fn into_any(self: Box<Self>) -> Box<dyn Any + Send>;
}

impl<T: Any + Send> Message for T {
    fn type_name(&self) -> &'static str {
        std::any::type_name::<T>()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }

    fn into_any(self: Box<Self>) -> Box<dyn Any + Send> {
        self
    }
}

impl AnyMessage {
    /// Wraps `value`.
    pub fn new<T: Send + 'static>(value: T) -> Self {
        AnyMessage {
            value: Box::new(value),
        }
    }

    /// Whether the message is a `T`.
    #[must_use]
    pub fn is<T: 'static>(&self) -> bool {
        (*self.value).as_any().is::<T>()
    }

    /// The message as a `T`, or the message back when it is not one.
    pub fn downcast<T: 'static>(self) -> Result<T, AnyMessage> {
        if !self.is::<T>() {
            return Err(self);
        }
        match self.value.into_any().downcast::<T>() {
            Ok(value) => Ok(*value),
            // Unreachable after `is`; keep the value rather than lose it.
            Err(value) => Err(AnyMessage {
                value: Box::new(Opaque(value)),
            }),
        }
    }

    /// A reference to the message as a `T`, if it is one.
    #[must_use]
    pub fn downcast_ref<T: 'static>(&self) -> Option<&T> {
        (*self.value).as_any().downcast_ref::<T>()
    }

    /// The name of the message's type, as `std::any::type_name` gives it.
    #[must_use]
    pub fn type_name(&self) -> &'static str {
        (*self.value).type_name()
    }
}

/// A value whose type is no longer known.
struct Opaque(#[allow(dead_code, reason = "kept so the value is not lost")] Box<dyn Any + Send>);

impl fmt::Debug for AnyMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AnyMessage({})", self.type_name())
    }
}

/// A trapped exit signal from a linked process (`{:EXIT, from, reason}`).
///
/// A process that called [`Context::trap_exit`](crate::Context::trap_exit) receives one as an
/// info message when a linked process exits, whatever the reason.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Watcher { exits: Vec<ExitReason> }
///
/// #[genserver]
/// impl Watcher {
///     #[handle_info]
///     fn exit(&mut self, exit: Exit) { self.exits.push(exit.reason); }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Exit {
    /// The process that exited.
    pub from: Pid,
    /// Why it exited.
    pub reason: ExitReason,
}

/// The message a monitor delivers when the monitored process exits (`{:DOWN, ref, ...}`).
///
/// Delivered at once with reason `NoProc` when the process was already dead.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Watcher;
///
/// #[genserver]
/// impl Watcher {
///     #[handle_info]
///     fn down(&mut self, down: Down) {
///         println!("{} exited: {}", down.pid, down.reason);
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Down {
    /// The monitor this message ends.
    pub monitor: MonitorRef,
    /// The process that exited.
    pub pid: Pid,
    /// Why it exited.
    pub reason: ExitReason,
}

/// Identifies one monitor, as returned by [`Context::monitor`](crate::Context::monitor).
///
/// ```
/// # use otp_core::MonitorRef;
/// fn same(a: MonitorRef, b: MonitorRef) -> bool { a == b }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MonitorRef(u64);

impl MonitorRef {
    pub(crate) fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        MonitorRef(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl fmt::Display for MonitorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#Ref<{}>", self.0)
    }
}

/// The info message of an idle timeout: no message arrived within the time a callback set with
/// [`Context::idle_timeout`](crate::Context::idle_timeout) (OTP's `:timeout`).
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Session { expired: bool }
///
/// #[genserver]
/// impl Session {
///     #[init]
///     fn init(_: (), ctx: &mut Context<Self>) -> Self {
///         ctx.idle_timeout(Duration::from_secs(30));
///         Session { expired: false }
///     }
///
///     #[handle_cast]
///     fn touch(&mut self, ctx: &mut Context<Self>) {
///         ctx.idle_timeout(Duration::from_secs(30));
///     }
///
///     #[handle_info]
///     fn idle(&mut self, _: IdleTimeout, ctx: &mut Context<Self>) {
///         self.expired = true;
///         ctx.stop(ExitReason::Normal);
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let session = Session::start(()).await?;
/// let started = tokio::time::Instant::now();
/// tokio::time::sleep(Duration::from_secs(20)).await;
/// session.touch();
/// assert_eq!(session.pid().wait_exit().await, ExitReason::Normal);
/// assert_eq!(started.elapsed(), Duration::from_secs(50));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct IdleTimeout;
