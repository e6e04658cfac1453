//! `ServerRef<S>`: the typed handle of a running server, and the mailbox behind it.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use super::mailbox::Mailbox;
use crate::call::{Call, CallError};
use crate::process::{Process, ProcessCell};
use crate::{AnyMessage, ExitReason, GenServer, Pid};

/// One entry of a server's mailbox. Calls, casts and info messages share the one FIFO queue, so
/// two messages from one sender arrive in the order they were sent.
pub(crate) enum Envelope<S: GenServer> {
    /// A call or a cast, as the generated enum.
    Message(S::Message),
    /// An info message of any type.
    Info(AnyMessage),
    /// `GenServer.stop/2`: run `terminate` with this reason, then exit. Boxed: stops are rare,
    /// and every entry of the mailbox is as large as its largest variant.
    Stop(Box<ExitReason>),
    /// Nothing to handle: the loop wakes to notice an exit signal.
    Wake,
}

/// A server's process: its untyped cell and its mailbox, in one allocation.
pub(crate) struct ServerProcess<S: GenServer> {
    pub(crate) cell: ProcessCell,
    pub(crate) mailbox: Mailbox<Envelope<S>>,
}

impl<S: GenServer> Process for ServerProcess<S> {
    fn cell(&self) -> &ProcessCell {
        &self.cell
    }

    fn deliver_info(&self, message: AnyMessage) {
        let _ = self.mailbox.send(Envelope::Info(message));
    }

    fn wake(&self) {
        let _ = self.mailbox.send(Envelope::Wake);
    }

    fn request_stop(&self, reason: ExitReason) -> bool {
        self.mailbox.send(Envelope::Stop(Box::new(reason))).is_ok()
    }

    fn into_any(self: Arc<Self>) -> Arc<dyn Any + Send + Sync> {
        self
    }
}

/// The typed handle of a running server: its calls and casts, its pid, its stop.
///
/// The generated client (`CacheRef` for `Cache`) wraps one; `server()` gives it. Cheap to
/// clone, `Send` and `Sync`.
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
/// let server: &ServerRef<Idle> = idle.server();
/// assert!(server.is_alive());
/// server.stop(ExitReason::Normal).await?;
/// assert!(!server.is_alive());
/// assert_eq!(server.stop(ExitReason::Normal).await, Err(CallError::NoProc));
/// # Ok(())
/// # }
/// ```
pub struct ServerRef<S: GenServer> {
    process: Arc<ServerProcess<S>>,
}

impl<S: GenServer> ServerRef<S> {
    pub(crate) fn new(process: Arc<ServerProcess<S>>) -> Self {
        ServerRef { process }
    }

    pub(crate) fn process(&self) -> &ServerProcess<S> {
        &self.process
    }

    pub(crate) fn id(&self) -> u64 {
        self.process.cell.id()
    }

    /// The server's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        Pid::new(self.process.clone())
    }

    /// Whether the server is still running.
    #[must_use]
    pub fn is_alive(&self) -> bool {
        self.process.cell.is_alive()
    }

    /// Stops the server (`GenServer.stop/2`): it finishes the message in hand, runs
    /// `terminate` with `reason`, and exits; this waits for all of it. `NoProc` when the server
    /// was not running; `Exited` when it ended with another reason first.
    pub async fn stop(&self, reason: ExitReason) -> Result<(), CallError> {
        if crate::current::current_id() == Some(self.id()) {
            return Err(CallError::CallingSelf);
        }
        if !self.send_envelope(Envelope::Stop(Box::new(reason.clone()))) {
            return Err(CallError::NoProc);
        }
        let exited = self.pid().wait_exit().await;
        if exited == reason {
            Ok(())
        } else {
            Err(CallError::Exited(exited))
        }
    }

    /// Recovers the typed handle from a pid, when the pid is a server of type `S`.
    #[must_use]
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        pid.process()
            .clone()
            .into_any()
            .downcast::<ServerProcess<S>>()
            .ok()
            .map(ServerRef::new)
    }

    pub(crate) fn send_envelope(&self, envelope: Envelope<S>) -> bool {
        self.process.mailbox.send(envelope).is_ok()
    }

    #[doc(hidden)]
    pub fn __call<R>(
        &self,
        message: S::Message,
        reply: tokio::sync::oneshot::Receiver<R>,
    ) -> Call<'_, S, R> {
        Call::__new(self, message, reply)
    }

    #[doc(hidden)]
    pub fn __cast(&self, message: S::Message) {
        // A cast to a dead server is dropped, as in OTP: it never fails the caller.
        let _ = self.send_envelope(Envelope::Message(message));
    }
}

impl<S: GenServer> Clone for ServerRef<S> {
    fn clone(&self) -> Self {
        ServerRef {
            process: self.process.clone(),
        }
    }
}

impl<S: GenServer> fmt::Debug for ServerRef<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ServerRef<{}>({})",
            self.process.cell.type_name(),
            self.pid()
        )
    }
}

impl<S: GenServer> PartialEq for ServerRef<S> {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl<S: GenServer> Eq for ServerRef<S> {}

impl<S: GenServer> AsRef<ServerRef<S>> for ServerRef<S> {
    fn as_ref(&self) -> &ServerRef<S> {
        self
    }
}
