//! Calls: a request to a server that waits for its reply, with a timeout.

mod deadline;
mod reply;
mod reply_sender;

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::sync::oneshot;

pub use reply::ReplyTo;
pub use reply_sender::{ReplySender, reply_channel};
pub(crate) use reply_sender::{begin_parking, drop_caught, end_parking};

use crate::genserver::Envelope;
use crate::observe::CallWait;
use crate::{ExitReason, GenServer, ServerRef};
use deadline::Deadline;

/// The timeout of a call that does not set one: 5 seconds, as in OTP.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);

/// Why a call returned no reply.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallError {
    /// No reply within the timeout. The server still handles the request; its late reply is
    /// dropped.
    #[error("the call timed out")]
    Timeout,
    /// The server was not running when the call was made ([`NoProc`](crate::NoProc)).
    #[error("no such process")]
    NoProc,
    /// A server called itself, which would wait forever; the call fails at once.
    #[error("a server called itself")]
    CallingSelf,
    /// The server exited before replying (even with reason `Normal`).
    #[error("the server exited before replying: {0}")]
    Exited(ExitReason),
    /// The server dropped the call's [`ReplyTo`] without answering.
    #[error("the server dropped the reply without answering")]
    NoReply,
}

/// `?` turns a [`NoProc`](crate::NoProc) into [`CallError::NoProc`].
impl From<crate::NoProc> for CallError {
    fn from(_: crate::NoProc) -> Self {
        CallError::NoProc
    }
}

/// A call on its way: await it for the reply, or set its timeout first.
///
/// The generated client methods return one. It sends nothing until awaited.
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
///
/// struct Echo;
///
/// #[genserver]
/// impl Echo {
///     #[handle_call]
///     fn echo(&mut self, text: String) -> String { text }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), CallError> {
/// let echo = Echo::start(Echo).await.unwrap();
/// assert_eq!(echo.echo("hi".into()).await?, "hi");
/// assert_eq!(echo.echo("hi".into()).timeout(Duration::from_millis(50)).await?, "hi");
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, S: GenServer, R> {
    server: &'a ServerRef<S>,
    message: S::Message,
    reply: oneshot::Receiver<R>,
    timeout: Duration,
}

impl<'a, S: GenServer, R> Call<'a, S, R> {
    #[doc(hidden)]
    pub fn __new(
        server: &'a ServerRef<S>,
        message: S::Message,
        reply: oneshot::Receiver<R>,
    ) -> Self {
        Call {
            server,
            message,
            reply,
            timeout: DEFAULT_CALL_TIMEOUT,
        }
    }

    /// Waits at most `timeout` for the reply instead of the default 5 seconds;
    /// `Duration::MAX` waits as long as it takes (OTP's `:infinity`), as does any timeout too
    /// long to represent.
    ///
    /// The call fails with [`CallError::Timeout`] no sooner than `timeout` after it was first
    /// awaited, at the timer wheel's next tick (tokio's timers have a resolution of 1 ms). On a
    /// thread that makes many calls, a call may take its start from the timer wheel's tick
    /// rather than from a clock reading, and time out up to one tick later (see the
    /// `call::deadline` module).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

impl<'a, S: GenServer, R> IntoFuture for Call<'a, S, R> {
    type Output = Result<R, CallError>;
    type IntoFuture = CallFuture<'a, S, R>;

    fn into_future(self) -> Self::IntoFuture {
        CallFuture {
            server: self.server,
            message: Some(self.message),
            reply: self.reply,
            timeout: self.timeout,
            deadline: None,
            wait: Wait::Unknown,
        }
    }
}

/// The future of an awaited [`Call`].
#[must_use = "a call does nothing until it is awaited"]
pub struct CallFuture<'a, S: GenServer, R> {
    server: &'a ServerRef<S>,
    message: Option<S::Message>,
    reply: oneshot::Receiver<R>,
    timeout: Duration,
    deadline: Option<Deadline>,
    /// The caller's record of the wait, while a process waits (see `observe::deadlocks`).
    wait: Wait,
}

// No field is structurally pinned: the message is moved out, the rest is `Unpin`.
impl<S: GenServer, R> Unpin for CallFuture<'_, S, R> {}

/// What a call's caller records of its wait, for `observe::deadlocks`: decided at the first
/// poll, so a call from outside any process looks no further.
enum Wait {
    /// Not polled yet, or polled from a process and not pending yet.
    Unknown,
    /// Nothing to record: the caller is not a process, or its record is made.
    None,
    /// The record in the calling process, removed when dropped.
    Recorded(#[allow(dead_code)] CallWait),
}

impl Wait {
    /// Records the wait on `server`, once, when the caller is a process; the call's deadline,
    /// if it has one, says since when, read only then.
    #[inline]
    fn record(&mut self, server: u64, deadline: Option<&Deadline>) {
        if let Wait::Unknown = self {
            let began = deadline.and_then(Deadline::began);
            *self = CallWait::begin(server, began).map_or(Wait::None, Wait::Recorded);
        }
    }
}

impl<S: GenServer, R> Future for CallFuture<'_, S, R> {
    type Output = Result<R, CallError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let Some(message) = this.message.take() {
            let caller = crate::current::current_id();
            if caller == Some(this.server.id()) {
                return Poll::Ready(Err(CallError::CallingSelf));
            }
            if caller.is_none() {
                this.wait = Wait::None;
            }
            if !this.server.send_envelope(Envelope::Message(message)) {
                return Poll::Ready(Err(CallError::NoProc));
            }
        }
        match Pin::new(&mut this.reply).poll(cx) {
            Poll::Ready(Ok(value)) => return Poll::Ready(Ok(value)),
            Poll::Ready(Err(_)) => {
                return Poll::Ready(Err(match this.server.pid().exit_reason() {
                    Some(reason) => CallError::Exited(reason),
                    None => CallError::NoReply,
                }));
            }
            Poll::Pending => {}
        }
        if this.timeout == Duration::MAX {
            // `:infinity`: no timer at all.
            this.wait.record(this.server.id(), None);
            return Poll::Pending;
        }
        let deadline = this
            .deadline
            .get_or_insert_with(|| Deadline::new(this.timeout));
        match deadline.poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(CallError::Timeout)),
            Poll::Pending => {
                this.wait.record(this.server.id(), Some(deadline));
                Poll::Pending
            }
        }
    }
}
