//! Debugging a running server from outside, as Erlang's `:sys`: read its state, suspend and
//! resume it, trace the messages it handles.
//!
//! Each function takes a [`Pid`] alone, whatever the server's type. The request travels through
//! the server's mailbox, behind the messages already queued, and is answered between two
//! callbacks: a server busy in a long callback answers once it returns, or the request fails
//! with [`SysError::Timeout`] ([`DEFAULT_SYS_TIMEOUT`], 5 seconds, unless the `_timeout` form
//! sets another). Answering a request runs none of the server's callbacks, and it neither
//! cancels nor restarts an idle timeout.
//!
//! Nothing is paid for this while nobody asks: a server keeps no debugging state until its
//! first suspend or trace.
//!
//! ```
//! use otp_core::prelude::*;
//! use otp_core::sys;
//!
//! #[derive(Debug)]
//! struct Counter { count: u64 }
//!
//! #[genserver]
//! impl Counter {
//!     #[handle_call]
//!     fn get(&mut self) -> u64 { self.count }
//!
//!     #[handle_cast]
//!     fn add(&mut self, n: u64) { self.count += n; }
//!
//!     #[handle_info(catch_all)]
//!     fn unexpected(&mut self, _msg: AnyMessage) {}
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let counter = Counter::start(Counter { count: 1 }).await?;
//! assert_eq!(sys::get_state(&counter.pid()).await?, "Counter {\n    count: 1,\n}");
//!
//! sys::suspend(&counter.pid()).await?;
//! counter.add(2);
//! // Queued, not handled: the state is as it was.
//! assert_eq!(sys::get_state(&counter.pid()).await?, "Counter {\n    count: 1,\n}");
//! sys::resume(&counter.pid()).await?;
//! assert_eq!(counter.get().await?, 3);
//! # Ok(())
//! # }
//! ```

pub(crate) mod format;
mod request;

use std::time::Duration;

use tokio::sync::oneshot;

pub(crate) use request::SystemRequest;

use crate::Pid;

/// The timeout of a system request that does not set one: 5 seconds, as `:sys`'s.
pub const DEFAULT_SYS_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a system request got no answer.
///
/// ```
/// use otp_core::sys::SysError;
///
/// assert_eq!(SysError::NoProc.to_string(), "no such process");
/// assert!(SysError::StateNotDebug.to_string().contains("derive `Debug`"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SysError {
    /// The process was not running, or exited before it answered.
    #[error("no such process")]
    NoProc,
    /// No answer within the timeout: the server is busy in a callback (or stuck in one). The
    /// request stays queued and is carried out when the server gets to it.
    #[error("the system request timed out")]
    Timeout,
    /// A server asked this of itself: it would wait for its own answer.
    #[error("a server sent a system request to itself")]
    CallingSelf,
    /// The server's state does not implement `Debug`, so it cannot be shown.
    #[error(
        "the server's state does not implement `Debug`: derive `Debug` on the server's type \
         (`#[derive(Debug)]`) to read it with `sys::get_state`"
    )]
    StateNotDebug,
    /// The state's `Debug` implementation panicked, with this message; the server goes on.
    #[error("the state's `Debug` implementation panicked: {0}")]
    FormatPanicked(String),
}

/// What a traced message was, in the events of [`trace`].
///
/// ```
/// use otp_core::sys::MessageKind;
///
/// assert_eq!(MessageKind::Call.as_str(), "call");
/// assert_eq!(MessageKind::Info.as_str(), "info");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MessageKind {
    /// A call (`handle_call`).
    Call,
    /// A cast (`handle_cast`).
    Cast,
    /// An info message (`handle_info`).
    Info,
    /// A continue message (`handle_continue`).
    Continue,
    /// A call or a cast of a server whose `GenServer` impl, written by hand, does not tell
    /// them apart.
    Request,
}

impl MessageKind {
    /// The kind as the trace events write it.
    ///
    /// ```
    /// assert_eq!(otp_core::sys::MessageKind::Cast.as_str(), "cast");
    /// ```
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Call => "call",
            MessageKind::Cast => "cast",
            MessageKind::Info => "info",
            MessageKind::Continue => "continue",
            MessageKind::Request => "request",
        }
    }
}

/// Sends `request`, made with the sender of its answer, and waits for the answer.
async fn ask<T>(
    pid: &Pid,
    timeout: Duration,
    request: impl FnOnce(oneshot::Sender<T>) -> SystemRequest,
) -> Result<T, SysError> {
    if crate::current::current_id() == Some(pid.id()) {
        return Err(SysError::CallingSelf);
    }
    let (sender, answer) = oneshot::channel();
    if !pid.process().system(request(sender)) {
        return Err(SysError::NoProc);
    }
    match tokio::time::timeout(timeout, answer).await {
        Ok(Ok(answer)) => Ok(answer),
        // Dropped unanswered: the process exited first.
        Ok(Err(_)) => Err(SysError::NoProc),
        Err(_) => Err(SysError::Timeout),
    }
}

/// The server's state as text, `{:#?}` (`:sys.get_state/1`).
///
/// [`SysError::StateNotDebug`] when the state does not implement `Debug` (see
/// [`GenServer::format_state`](crate::GenServer::format_state) for generic servers).
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::sys::{self, SysError};
///
/// #[derive(Debug)]
/// struct Shown { items: Vec<u8> }
///
/// #[genserver]
/// impl Shown {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// struct Hidden;
///
/// #[genserver]
/// impl Hidden {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let shown = Shown::start(Shown { items: vec![7] }).await?;
/// assert_eq!(sys::get_state(&shown.pid()).await?, "Shown {\n    items: [\n        7,\n    ],\n}");
///
/// let hidden = Hidden::start(Hidden).await?;
/// assert_eq!(sys::get_state(&hidden.pid()).await, Err(SysError::StateNotDebug));
/// # Ok(())
/// # }
/// ```
pub async fn get_state(pid: &Pid) -> Result<String, SysError> {
    get_state_timeout(pid, DEFAULT_SYS_TIMEOUT).await
}

/// [`get_state`] with its own timeout (`:sys.get_state/2`).
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
/// use otp_core::sys::{self, SysError};
///
/// #[derive(Debug)]
/// struct Slow;
///
/// #[genserver]
/// impl Slow {
///     #[handle_cast]
///     async fn work(&mut self) {
///         tokio::time::sleep(Duration::from_secs(60)).await;
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let slow = Slow::start(Slow).await?;
/// slow.work();
/// let busy = sys::get_state_timeout(&slow.pid(), Duration::from_secs(1)).await;
/// assert_eq!(busy, Err(SysError::Timeout));
/// # Ok(())
/// # }
/// ```
pub async fn get_state_timeout(pid: &Pid, timeout: Duration) -> Result<String, SysError> {
    ask(pid, timeout, SystemRequest::GetState).await?
}

/// Suspends the server (`:sys.suspend/1`): it keeps queueing every message but handles only
/// system requests ([`get_state`], [`resume`], [`trace`]) and stops
/// ([`ServerRef::stop`](crate::ServerRef::stop), which OTP honours while suspended too). It
/// runs no `handle_continue` and its idle timeout does not fire until it is resumed; then it
/// handles what queued, in the order it arrived. Its [`ProcessInfo`](crate::observe::ProcessInfo)
/// status is [`Suspended`](crate::observe::ProcessStatus::Suspended) meanwhile.
///
/// Exit signals still reach it (they are not messages): one that ends it ends it suspended. A
/// trapped exit from its parent stops it, as in OTP; other trapped exits queue.
///
/// Suspending a suspended server changes nothing and returns `Ok(())`.
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::observe::ProcessStatus;
/// use otp_core::sys;
///
/// struct Log { lines: Vec<String> }
///
/// #[genserver]
/// impl Log {
///     #[handle_cast]
///     fn write(&mut self, line: String) { self.lines.push(line); }
///
///     #[handle_call]
///     fn lines(&mut self) -> Vec<String> { self.lines.clone() }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let log = Log::start(Log { lines: Vec::new() }).await?;
/// sys::suspend(&log.pid()).await?;
/// log.write("one".into());
/// log.write("two".into());
/// let info = log.pid().info().expect("alive");
/// assert_eq!(info.status, ProcessStatus::Suspended);
/// assert_eq!(info.mailbox_len, 2);
///
/// sys::resume(&log.pid()).await?;
/// assert_eq!(log.lines().await?, ["one", "two"]);
/// # Ok(())
/// # }
/// ```
pub async fn suspend(pid: &Pid) -> Result<(), SysError> {
    suspend_timeout(pid, DEFAULT_SYS_TIMEOUT).await
}

/// [`suspend`] with its own timeout (`:sys.suspend/2`).
///
/// ```
/// use std::time::Duration;
/// use otp_core::sys::{self, SysError};
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
/// idle.server().stop(ExitReason::Normal).await?;
/// let gone = sys::suspend_timeout(&idle.pid(), Duration::from_secs(1)).await;
/// assert_eq!(gone, Err(SysError::NoProc));
/// # Ok(())
/// # }
/// ```
pub async fn suspend_timeout(pid: &Pid, timeout: Duration) -> Result<(), SysError> {
    ask(pid, timeout, SystemRequest::Suspend).await
}

/// Resumes a suspended server (`:sys.resume/1`): it handles the messages that queued while it
/// was suspended, in the order they arrived, then the rest. Resuming a server that is not
/// suspended changes nothing and returns `Ok(())`.
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::sys;
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
/// // Not suspended: nothing to do.
/// sys::resume(&idle.pid()).await?;
/// # Ok(())
/// # }
/// ```
pub async fn resume(pid: &Pid) -> Result<(), SysError> {
    resume_timeout(pid, DEFAULT_SYS_TIMEOUT).await
}

/// [`resume`] with its own timeout (`:sys.resume/2`).
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
/// use otp_core::sys;
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
/// sys::suspend(&idle.pid()).await?;
/// sys::resume_timeout(&idle.pid(), Duration::from_secs(1)).await?;
/// # Ok(())
/// # }
/// ```
pub async fn resume_timeout(pid: &Pid, timeout: Duration) -> Result<(), SysError> {
    ask(pid, timeout, SystemRequest::Resume).await
}

/// Traces the next `messages` messages the server handles (`:sys.trace/2`, with a count):
/// each is logged as a `tracing` event at level `INFO`, target `otp_core::sys`, with the
/// server's `pid`, the `kind` of message (`call`, `cast`, `info`, `continue`, or `request` for
/// a server whose `GenServer` impl is written by hand: see [`MessageKind`]) and its `name`: the
/// handler's for a call or a cast, the type's for an info or a continue message. Never the
/// message's contents. Then tracing stops by itself; `0` stops it at once. A new trace replaces
/// the count of the one before. System requests are not traced. How many messages a trace is
/// still to log: [`ProcessInfo::trace_left`](crate::observe::ProcessInfo::trace_left).
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::sys;
///
/// struct Counter { count: u64 }
///
/// #[genserver]
/// impl Counter {
///     #[handle_cast]
///     fn add(&mut self, n: u64) { self.count += n; }
///
///     #[handle_call]
///     fn get(&mut self) -> u64 { self.count }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let counter = Counter::start(Counter { count: 0 }).await?;
/// // Logs `kind="cast" name="add"`, then `kind="call" name="get"`, then nothing more.
/// sys::trace(&counter.pid(), 2).await?;
/// assert_eq!(counter.pid().info().map(|info| info.trace_left), Some(2));
/// counter.add(1);
/// assert_eq!(counter.get().await?, 1);
/// assert_eq!(counter.pid().info().map(|info| info.trace_left), Some(0));
/// # Ok(())
/// # }
/// ```
pub async fn trace(pid: &Pid, messages: u32) -> Result<(), SysError> {
    trace_timeout(pid, messages, DEFAULT_SYS_TIMEOUT).await
}

/// [`trace`] with its own timeout.
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
/// use otp_core::sys;
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
/// sys::trace_timeout(&idle.pid(), 10, Duration::from_secs(1)).await?;
/// sys::trace_timeout(&idle.pid(), 0, Duration::from_secs(1)).await?;
/// # Ok(())
/// # }
/// ```
pub async fn trace_timeout(pid: &Pid, messages: u32, timeout: Duration) -> Result<(), SysError> {
    ask(pid, timeout, |answer| {
        SystemRequest::Trace(messages, answer)
    })
    .await
}
