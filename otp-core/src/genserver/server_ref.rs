//! `ServerRef<S>`: the typed handle of a running server, and the mailbox behind it.

use std::any::Any;
use std::fmt;
use std::sync::Arc;

use tokio::sync::{Semaphore, SemaphorePermit, TryAcquireError};

use super::mailbox::Mailbox;
use crate::call::{Call, CallError};
use crate::process::{Process, ProcessCell};
use crate::sys::SystemRequest;
use crate::{AnyMessage, ExitReason, GenServer, Pid};

/// One entry of a server's mailbox. Calls, casts and info messages share the one FIFO queue, so
/// two messages from one sender arrive in the order they were sent.
pub(crate) enum Envelope<S: GenServer> {
    /// A call or a cast, as the generated enum.
    Message(S::Message),
    /// A cast that took one of a bounded mailbox's permits: the run loop gives it back when it
    /// takes the cast out of the mailbox, then dispatches it as a `Message`.
    BoundedCast(S::Message),
    /// An info message of any type.
    Info(AnyMessage),
    /// `GenServer.stop/2`: run `terminate` with this reason, then exit. Boxed: stops are rare,
    /// and every entry of the mailbox is as large as its largest variant.
    Stop(Box<ExitReason>),
    /// Nothing to handle: the loop wakes to notice an exit signal.
    Wake,
    /// A request of [`sys`](crate::sys), answered by the loop itself. Boxed, as `Stop`'s
    /// reason is.
    System(Box<SystemRequest>),
}

/// A server's process: its untyped cell and its mailbox, in one allocation.
pub(crate) struct ServerProcess<S: GenServer> {
    pub(crate) cell: ProcessCell,
    pub(crate) mailbox: Mailbox<Envelope<S>>,
    /// A bounded mailbox's room for casts (`GenServer::MAILBOX_CAPACITY`): one permit per cast
    /// that may still be queued. Boxed and optional, so an unbounded server pays one pointer.
    room: Option<Box<Semaphore>>,
}

impl<S: GenServer> ServerProcess<S> {
    pub(crate) fn new(cell: ProcessCell) -> Self {
        // Clamped rather than trusted: tokio panics above `MAX_PERMITS`, and no permit at all
        // would make every cast wait forever.
        let room = S::MAILBOX_CAPACITY
            .map(|capacity| Box::new(Semaphore::new(capacity.clamp(1, Semaphore::MAX_PERMITS))));
        ServerProcess {
            cell,
            mailbox: Mailbox::new(),
            room,
        }
    }

    /// The run loop took a `BoundedCast` out of the mailbox: its room is free again.
    pub(crate) fn cast_taken(&self) {
        if let Some(room) = &self.room {
            room.add_permits(1);
        }
    }

    /// The process has exited: the casts waiting for room return, their messages dropped.
    pub(crate) fn close_room(&self) {
        if let Some(room) = &self.room {
            room.close();
        }
    }
}

impl<S: GenServer> Process for ServerProcess<S> {
    fn cell(&self) -> &ProcessCell {
        &self.cell
    }

    fn type_name(&self) -> &'static str {
        std::any::type_name::<S>()
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

    fn system(&self, request: SystemRequest) -> bool {
        self.mailbox
            .send(Envelope::System(Box::new(request)))
            .is_ok()
    }

    fn mailbox_len(&self) -> usize {
        self.mailbox.backlog().0 + self.cell.in_hand()
    }

    fn memory(&self) -> usize {
        let in_hand = self.cell.in_hand() * size_of::<Envelope<S>>();
        size_of::<Self>() + self.cell.task_size() + self.mailbox.backlog().1 + in_hand
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

    /// A cast to a bounded mailbox: waits for room, then queues the message. Dropping the
    /// future before it completes sends nothing.
    #[doc(hidden)]
    pub async fn __cast_bounded(&self, message: S::Message) {
        let Some(room) = self.process.room.as_deref() else {
            return self.__cast(message);
        };
        if crate::current::current_id() == Some(self.id()) {
            // A server casting to itself would wait for itself: over the bound rather than a
            // deadlock, as OTP's casts never block.
            return match self.__try_reserve() {
                Ok(reservation) => reservation.send(message),
                Err(_) => self.__cast(message),
            };
        }
        // Closed: the server has exited, and a cast to a dead server is dropped, as in OTP.
        if let Ok(permit) = room.acquire().await {
            permit.forget();
            let _ = self.send_envelope(Envelope::BoundedCast(message));
        }
    }

    /// Room for one cast in a bounded mailbox, taken before the message is built so that a
    /// full mailbox, or a server that has exited (its room is closed at exit), gives the caller
    /// its arguments back. Always room in an unbounded mailbox.
    #[doc(hidden)]
    pub fn __try_reserve(&self) -> Result<Reservation<'_, S>, TryCastError<()>> {
        let permit = match self.process.room.as_deref().map(Semaphore::try_acquire) {
            Some(Ok(permit)) => Some(permit),
            Some(Err(TryAcquireError::NoPermits)) => return Err(TryCastError::Full(())),
            Some(Err(TryAcquireError::Closed)) => return Err(TryCastError::NoProc(())),
            None => None,
        };
        Ok(Reservation {
            server: self,
            permit,
        })
    }
}

/// Room for one cast, from [`ServerRef::__try_reserve`]; dropped unused, the room is freed.
#[doc(hidden)]
pub struct Reservation<'a, S: GenServer> {
    server: &'a ServerRef<S>,
    /// `None` when the mailbox is unbounded or closed.
    permit: Option<SemaphorePermit<'a>>,
}

impl<S: GenServer> Reservation<'_, S> {
    /// Queues the cast in the room reserved for it.
    pub fn send(self, message: S::Message) {
        match self.permit {
            Some(permit) => {
                permit.forget();
                let _ = self.server.send_envelope(Envelope::BoundedCast(message));
            }
            None => self.server.__cast(message),
        }
    }
}

/// Why a `try_` cast did not queue its message: the cast's arguments, given back.
///
/// `#[genserver(mailbox = N)]` gives each cast `put(k, v)` of the client a `try_put(k, v)` that
/// never waits. It returns `Full((k, v))` while `N` casts are queued, and `NoProc((k, v))` once
/// the server has exited (a single argument comes back as itself, none as `()`). The waiting
/// form `put(k, v).await` is a cast as OTP's: to a server that has exited it is dropped, and
/// it returns at once.
///
/// A `try_` cast that races the server's exit may still be accepted: its message is then
/// dropped with the rest of the mailbox, as is any message queued before an exit.
///
/// ```
/// use otp_core::prelude::*;
///
/// #[derive(Default)]
/// struct Log { lines: Vec<String> }
///
/// #[genserver(mailbox = 2)]
/// impl Log {
///     #[handle_cast]
///     fn write(&mut self, line: String) {
///         self.lines.push(line);
///     }
///
///     #[handle_call]
///     fn count(&mut self) -> usize {
///         self.lines.len()
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let log = Log::start(Log::default()).await?;
/// // On this one thread the server does not run until the caller awaits: the casts queue up.
/// log.try_write("one".into())?;
/// log.write("two".into()).await;
/// let full = log.try_write("three".into());
/// assert_eq!(full, Err(TryCastError::Full("three".to_owned())));
/// assert_eq!(full.unwrap_err().into_inner(), "three");
/// // The call waits for the server, which empties its mailbox on the way.
/// assert_eq!(log.count().await?, 2);
/// log.try_write("three".into())?;
///
/// log.stop(ExitReason::Normal).await?;
/// let gone = log.try_write("four".into());
/// assert_eq!(gone, Err(TryCastError::NoProc("four".to_owned())));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TryCastError<T> {
    /// The server's bounded mailbox is full: try again later, or elsewhere.
    #[error("the server's mailbox is full")]
    Full(T),
    /// The server has exited ([`NoProc`](crate::NoProc)).
    #[error("no such process")]
    NoProc(T),
}

impl<T> TryCastError<T> {
    /// The cast's arguments, to send again later or elsewhere.
    ///
    /// ```
    /// use otp_core::TryCastError;
    ///
    /// assert_eq!(TryCastError::Full(7).into_inner(), 7);
    /// assert_eq!(TryCastError::NoProc("job").into_inner(), "job");
    /// ```
    #[must_use]
    pub fn into_inner(self) -> T {
        match self {
            TryCastError::Full(args) | TryCastError::NoProc(args) => args,
        }
    }

    /// The same error around other arguments (what the generated `try_` casts use to give the
    /// arguments back).
    ///
    /// ```
    /// use otp_core::TryCastError;
    ///
    /// let refused: TryCastError<()> = TryCastError::NoProc(());
    /// assert_eq!(refused.map(|()| "job"), TryCastError::NoProc("job"));
    /// ```
    #[must_use]
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> TryCastError<U> {
        match self {
            TryCastError::Full(args) => TryCastError::Full(f(args)),
            TryCastError::NoProc(args) => TryCastError::NoProc(f(args)),
        }
    }
}

/// Without `T: Debug`, as tokio's `TrySendError`: the arguments need not be printable.
impl<T> fmt::Debug for TryCastError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TryCastError::Full(_) => "Full(..)",
            TryCastError::NoProc(_) => "NoProc(..)",
        })
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
            std::any::type_name::<S>(),
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
