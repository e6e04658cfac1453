//! GenServer: the behaviour `#[genserver]` implements, its start, its handle and its context.
//!
//! Users do not implement [`GenServer`] by hand: `#[genserver]` on an `impl` block writes it,
//! with the message enum, the `match` that dispatches it, and the typed client. The mailbox
//! loop is one generic function ([`run_loop`]), monomorphised for each server, so the code that
//! runs per message is the same as a hand-written actor's: one `match`, a oneshot per call.

mod context;
mod handler_result;
mod mailbox;
mod run_loop;
mod server_ref;
mod start;
mod start_error;
mod system;

#[cfg(test)]
mod size_tests;

use std::future::Future;

pub use context::{Context, ContinueWith, HandleInfo};
pub use handler_result::HandlerResult;
pub use server_ref::{Reservation, ServerRef, TryCastError};
pub use start::{StartOptions, ViaRegistration, ViaRegistry};
pub use start_error::StartError;

pub(crate) use server_ref::Envelope;

use crate::{AnyMessage, ExitReason};

/// A server's callbacks, written by `#[genserver]`.
///
/// Each method matches an OTP callback; the macro fills them from the user's annotated methods.
/// See the crate documentation for the user's side.
///
/// # Never block a handler
///
/// A server's task runs on a tokio worker thread; a handler that blocks the thread (a blocking
/// file or database call, a long computation, `std::thread::sleep`) stops every task queued on
/// that worker. And a server woken by a message the handler sent just before blocking goes to
/// that worker's LIFO slot, which the other workers never steal from: it waits out the whole
/// block even while they are idle. Do blocking work in an `async fn` handler, in
/// `tokio::task::spawn_blocking`: awaiting it frees the worker, and other servers answer while
/// it runs.
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Reports;
///
/// #[genserver]
/// impl Reports {
///     #[handle_call]
///     async fn render(&mut self, rows: Vec<u64>) -> u64 {
///         // Long, blocking work: on the blocking pool, not on the worker.
///         tokio::task::spawn_blocking(move || rows.iter().sum())
///             .await
///             .unwrap_or_default()
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let reports = Reports::start(Reports).await?;
/// assert_eq!(reports.render(vec![1, 2, 3]).await?, 6);
/// # Ok(())
/// # }
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a GenServer",
    label = "not a GenServer",
    note = "add `#[genserver]` to an `impl {Self}` block with a `#[handle_info(catch_all)]` handler"
)]
pub trait GenServer: Sized + Send + 'static {
    /// What `start` takes: the argument of `#[init]`, or the state itself without one.
    type Args: Send + 'static;
    /// The generated enum of calls and casts.
    type Message: Send + 'static;
    /// The generated enum of `#[handle_continue]` messages.
    type Continue: Send + 'static;
    /// The generated typed client (`CacheRef` for `Cache`).
    type Ref: From<ServerRef<Self>> + AsRef<ServerRef<Self>> + Clone + Send + Sync + 'static;

    /// A bounded mailbox's capacity, from `#[genserver(mailbox = N)]`: at most `N` casts wait
    /// in the mailbox; then a cast waits for room, and a `try_` cast gives its arguments back
    /// in a [`TryCastError`]. `None`, the default, is unbounded, as in OTP.
    ///
    /// Only casts are counted. A call is not: its caller already waits for the reply, so each
    /// caller has at most one call queued. Info messages, exit signals, monitors' `Down`, timers
    /// and stop requests are never refused or delayed: OTP's sends never block, and a system
    /// message must not wait behind user load. A cast from the server to itself does not wait
    /// either (it would wait for itself): it goes over the bound when the mailbox is full.
    /// A capacity of zero is taken as one; one above `tokio::sync::Semaphore::MAX_PERMITS` as
    /// that.
    ///
    /// ```
    /// use otp_core::prelude::*;
    ///
    /// struct Sink;
    ///
    /// #[genserver(mailbox = 1024)]
    /// impl Sink {
    ///     #[handle_cast]
    ///     fn put(&mut self, _item: u64) {}
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// assert_eq!(Sink::MAILBOX_CAPACITY, Some(1024));
    /// ```
    const MAILBOX_CAPACITY: Option<usize> = None;

    /// `init/1`: builds the state; runs in the new process before `start` returns.
    fn init(
        args: Self::Args,
        ctx: &mut Context<Self>,
    ) -> impl Future<Output = Result<Self, InitError>> + Send;

    /// Dispatches one call or cast to its handler.
    fn handle_message(
        &mut self,
        message: Self::Message,
        ctx: &mut Context<Self>,
    ) -> impl Future<Output = ()> + Send;

    /// Dispatches one info message to its handler, or to the catch-all.
    fn handle_info(
        &mut self,
        message: AnyMessage,
        ctx: &mut Context<Self>,
    ) -> impl Future<Output = ()> + Send;

    /// Dispatches one continue message to its handler.
    fn handle_continue(
        &mut self,
        message: Self::Continue,
        ctx: &mut Context<Self>,
    ) -> impl Future<Output = ()> + Send;

    /// `terminate/2`: runs on every orderly stop and after a panic in a callback.
    fn terminate(
        &mut self,
        reason: &ExitReason,
        ctx: &mut Context<Self>,
    ) -> impl Future<Output = ()> + Send;

    /// The state as text (`{:#?}`), for [`sys::get_state`](crate::sys::get_state); `None`
    /// when the state cannot be printed.
    ///
    /// `#[genserver]` writes it for every server whose type implements `Debug`, with nothing to
    /// opt in to. A generic server (`impl<T> Pool<T>`) answers `None` even when its type
    /// implements `Debug` for the parameters it runs with, since the macro cannot know that
    /// for every `T`: implement `GenServer` for it by hand, or give it a concrete type. A
    /// hand-written `GenServer` impl answers `None` unless it overrides this.
    ///
    /// ```
    /// use otp_core::prelude::*;
    ///
    /// #[derive(Debug)]
    /// struct Counter { count: u64 }
    ///
    /// #[genserver]
    /// impl Counter {
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// struct Opaque;
    ///
    /// #[genserver]
    /// impl Opaque {
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// assert_eq!(Counter { count: 3 }.format_state().as_deref(), Some("Counter {\n    count: 3,\n}"));
    /// assert_eq!(Opaque.format_state(), None);
    /// ```
    fn format_state(&self) -> Option<String> {
        None
    }

    /// The name of the handler a call or cast goes to, for [`sys::trace`](crate::sys::trace):
    /// `#[genserver]` writes it from the handlers' names. A hand-written `GenServer` impl
    /// answers the message type's name unless it overrides this.
    ///
    /// ```
    /// use otp_core::prelude::*;
    ///
    /// struct Counter { count: u64 }
    ///
    /// #[genserver]
    /// impl Counter {
    ///     #[handle_cast]
    ///     fn add(&mut self, n: u64) { self.count += n; }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// // The generated message enum is hidden; a message is only ever seen by the runtime.
    /// fn name_of<S: GenServer>(message: &S::Message) -> &'static str {
    ///     S::message_name(message)
    /// }
    /// # let _ = name_of::<Counter>;
    /// ```
    fn message_name(message: &Self::Message) -> &'static str {
        let _ = message;
        std::any::type_name::<Self::Message>()
    }

    /// Whether a message is a call or a cast, for [`sys::trace`](crate::sys::trace):
    /// `#[genserver]` writes it from the handlers' attributes. A hand-written `GenServer` impl
    /// answers [`MessageKind::Request`](crate::sys::MessageKind::Request) unless it overrides
    /// this.
    ///
    /// ```
    /// use otp_core::prelude::*;
    /// use otp_core::sys::MessageKind;
    ///
    /// struct Counter { count: u64 }
    ///
    /// #[genserver]
    /// impl Counter {
    ///     #[handle_call]
    ///     fn get(&mut self) -> u64 { self.count }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// fn kind_of<S: GenServer>(message: &S::Message) -> MessageKind {
    ///     S::message_kind(message)
    /// }
    /// # let _ = kind_of::<Counter>;
    /// ```
    fn message_kind(message: &Self::Message) -> crate::sys::MessageKind {
        let _ = message;
        crate::sys::MessageKind::Request
    }
}

/// The state of a `#[genserver]` server: it moves to the server's own task, so it must be
/// [`Send`]. `#[genserver]` implements it for the server's type, on the user's type: a state
/// that is not `Send` is one error there, and the rest of the expansion assumes it.
///
/// ```
/// fn state<S: otp_core::__private::StateMustBeSend>() {}
///
/// struct Counter {
///     count: std::sync::Arc<u32>,
/// }
/// impl otp_core::__private::StateMustBeSend for Counter {}
///
/// state::<Counter>();
/// ```
#[doc(hidden)]
#[rustfmt::skip] // rustc shows the bound's line in its error: the comment is the advice.
pub trait StateMustBeSend:
    Send // a server's state moves to the server's task: use `Arc` for `Rc`, `Mutex` or `RwLock` for `RefCell`, atomics for `Cell`
{}

/// An argument of a `#[genserver]` server's call or cast (the `N`th of server `S`'s message
/// and reply types): it moves to the server's task, so it must be [`Send`]. `#[genserver]`
/// implements it for each argument's type, on the type as the user wrote it.
///
/// ```
/// fn message<T: otp_core::__private::MessageMustBeSend<Server, 0>>() {}
///
/// struct Server;
/// impl otp_core::__private::MessageMustBeSend<Server, 0> for String {}
///
/// message::<String>();
/// ```
#[doc(hidden)]
#[rustfmt::skip] // rustc shows the bound's line in its error: the comment is the advice.
pub trait MessageMustBeSend<S, const N: usize>:
    Send // an argument moves to the server's task: use `Arc` for `Rc`, `Mutex` or `RwLock` for `RefCell`, atomics for `Cell`
{}

/// The generated message enum of a `#[genserver]` server: it moves to the server's task, so it
/// must be [`Send`]. `#[genserver]` implements it for the enum where each argument's
/// [`MessageMustBeSend`] and each reply's [`ReplyMustBeSend`] hold, which prove it: an
/// argument or reply that is not `Send` is reported once, on its own type.
///
/// ```
/// fn messages<T: otp_core::__private::MessagesMustBeSend>() {}
///
/// enum Message {
///     Add(u64),
/// }
/// impl otp_core::__private::MessagesMustBeSend for Message {}
///
/// messages::<Message>();
/// ```
#[doc(hidden)]
pub trait MessagesMustBeSend: Send {}

/// A call's reply (the `N`th of server `S`'s message and reply types): it moves back to the
/// caller's task, so it must be [`Send`]. `#[genserver]` implements it for each reply type, on
/// the type as the user wrote it.
///
/// ```
/// fn reply<T: otp_core::__private::ReplyMustBeSend<Server, 0>>() {}
///
/// struct Server;
/// impl otp_core::__private::ReplyMustBeSend<Server, 0> for u64 {}
///
/// reply::<u64>();
/// ```
#[doc(hidden)]
#[rustfmt::skip] // rustc shows the bound's line in its error: the comment is the advice.
pub trait ReplyMustBeSend<S, const N: usize>:
    Send // a reply moves back to the caller's task: use `Arc` for `Rc`, `Mutex` or `RwLock` for `RefCell`, atomics for `Cell`
{}

/// Why `init` did not produce a state.
///
/// Any error converts into `InitError::Stop` with an [`ExitReason::Error`], so `?` works in
/// `init`:
///
/// ```
/// use otp_core::prelude::*;
///
/// struct Config { text: String }
///
/// #[genserver]
/// impl Config {
///     #[init]
///     fn init(path: String) -> Result<Self, InitError> {
///         if path.is_empty() {
///             return Err(InitError::Ignore);
///         }
///         let text = std::fs::read_to_string(&path)?;
///         Ok(Config { text })
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// assert!(matches!(Config::start(String::new()).await, Err(StartError::Ignored)));
/// assert!(matches!(
///     Config::start("/no/such/file".into()).await,
///     Err(StartError::Init(ExitReason::Error(_)))
/// ));
/// # }
/// ```
#[derive(Debug)]
pub enum InitError {
    /// `:ignore`: the process exits normally, `terminate` is not called, and `start` returns
    /// [`StartError::Ignored`].
    Ignore,
    /// `{:stop, reason}`: `start` returns [`StartError::Init`] with the reason.
    Stop(ExitReason),
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for InitError {
    fn from(error: E) -> Self {
        InitError::Stop(ExitReason::error(error))
    }
}

/// What an `#[init]` method may return: `Self`, or `Result<Self, E>` with `E` convertible into
/// an [`InitError`].
#[diagnostic::on_unimplemented(
    message = "`#[init]` must return `Self` or `Result<Self, InitError>`, not `{Self}`",
    label = "this init returns `{Self}`",
    note = "write `-> Result<Self, InitError>` (or `-> Self` when init cannot fail)"
)]
pub trait IntoInitResult<S> {
    /// The state or the init error.
    fn into_init_result(self) -> Result<S, InitError>;
}

impl<S, E: Into<InitError>> IntoInitResult<S> for Result<S, E> {
    fn into_init_result(self) -> Result<S, InitError> {
        self.map_err(Into::into)
    }
}

impl<S: GenServer> IntoInitResult<S> for S {
    fn into_init_result(self) -> Result<S, InitError> {
        Ok(self)
    }
}
