//! `DynamicSupervisor`: children started on demand, all one_for_one.

use std::any::Any;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::dynamic_server::{DynamicServer, DynamicServerRef, SpecBuilder};
use super::intensity;
use super::{ChildCounts, ChildInfo, SupervisorError};
use crate::prelude::*;
use crate::{Child, ChildSpec, ChildType};

/// A supervisor of children started on demand (`DynamicSupervisor`): one_for_one, no child at
/// start, `start_child` waits for the child's init and returns its typed handle.
///
/// The Elixir OTP guide's rooms: a `DynamicSupervisor` of `Room` servers, started on demand.
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{DynamicSupervisor, DynamicSupervisorOptions};
///
/// struct Room { name: String }
///
/// #[genserver]
/// impl Room {
///     #[init]
///     fn init(name: String) -> Self { Room { name } }
///
///     #[handle_call]
///     fn name(&mut self) -> String { self.name.clone() }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let rooms = DynamicSupervisor::start_link(DynamicSupervisorOptions::default()).await?;
/// let lobby: RoomRef = rooms.start_child::<Room>("lobby".into()).await?;
/// assert_eq!(lobby.name().await?, "lobby");
/// assert_eq!(rooms.count_children().await?.active, 1);
/// rooms.terminate_child(&lobby.pid()).await?;
/// assert_eq!(rooms.count_children().await?.active, 0);
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DynamicSupervisor;

/// The options of a [`DynamicSupervisor`]: intensity, a child limit, extra start arguments,
/// a name.
#[derive(Clone)]
pub struct DynamicSupervisorOptions {
    pub(super) max_restarts: u32,
    pub(super) max_seconds: u64,
    pub(super) max_children: Option<usize>,
    pub(super) extra_arguments: Option<Arc<dyn Any + Send + Sync>>,
    name: Option<Arc<str>>,
}

impl Default for DynamicSupervisorOptions {
    /// 3 restarts in 5 seconds, no child limit, no extra arguments, no name.
    fn default() -> Self {
        DynamicSupervisorOptions {
            max_restarts: 3,
            max_seconds: 5,
            max_children: None,
            extra_arguments: None,
            name: None,
        }
    }
}

impl fmt::Debug for DynamicSupervisorOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynamicSupervisorOptions")
            .field("max_restarts", &self.max_restarts)
            .field("max_seconds", &self.max_seconds)
            .field("max_children", &self.max_children)
            .field("extra_arguments", &self.extra_arguments.is_some())
            .field("name", &self.name)
            .finish()
    }
}

impl DynamicSupervisorOptions {
    /// At most this many restarts within `max_seconds` (default 3); one more and the
    /// supervisor stops its children and exits with `Shutdown`. 0 allows none: the first
    /// child exit that calls for a restart takes the supervisor down.
    #[must_use]
    pub fn max_restarts(mut self, max_restarts: u32) -> Self {
        self.max_restarts = max_restarts;
        self
    }

    /// The period of the restart intensity, in seconds (default 5). It must be at least 1, as
    /// in OTP: `max_seconds(0)` makes the start fail with [`SupervisorError::ZeroMaxSeconds`].
    ///
    /// ```
    /// use otp_core::{DynamicSupervisor, DynamicSupervisorOptions, SupervisorError};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let options = DynamicSupervisorOptions::default().max_restarts(10).max_seconds(0);
    /// let started = DynamicSupervisor::start(options).await;
    /// assert_eq!(started.err(), Some(SupervisorError::ZeroMaxSeconds));
    /// # }
    /// ```
    #[must_use]
    pub fn max_seconds(mut self, max_seconds: u64) -> Self {
        self.max_seconds = max_seconds;
        self
    }

    /// At most this many children at once; `start_child` beyond it gives `MaxChildren`.
    #[must_use]
    pub fn max_children(mut self, max_children: usize) -> Self {
        self.max_children = Some(max_children);
        self
    }

    /// A value put in front of every child's start argument: children started with
    /// [`start_child_with_extra`](DynamicSupervisorRef::start_child_with_extra) receive
    /// `(extra, args)`.
    #[must_use]
    pub fn extra_arguments<E: Clone + Send + Sync + 'static>(mut self, extra: E) -> Self {
        self.extra_arguments = Some(Arc::new(extra));
        self
    }

    /// Registers the supervisor under `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }
}

impl DynamicSupervisor {
    /// Starts a dynamic supervisor linked to the calling process
    /// (`DynamicSupervisor.start_link/1`); fails with a [`SupervisorError`]: `ZeroMaxSeconds`
    /// for `max_seconds(0)`, `AlreadyRegistered` when its name is taken.
    pub async fn start_link(
        options: DynamicSupervisorOptions,
    ) -> Result<DynamicSupervisorRef, SupervisorError> {
        Self::start_maybe_linked(options, true).await
    }

    /// Starts a dynamic supervisor without a link; it fails as
    /// [`start_link`](Self::start_link) does.
    pub async fn start(
        options: DynamicSupervisorOptions,
    ) -> Result<DynamicSupervisorRef, SupervisorError> {
        Self::start_maybe_linked(options, false).await
    }

    async fn start_maybe_linked(
        options: DynamicSupervisorOptions,
        link: bool,
    ) -> Result<DynamicSupervisorRef, SupervisorError> {
        intensity::check(options.max_seconds)?;
        DynamicServer::options()
            .maybe_named(options.name.clone().as_ref())
            .start_maybe_linked(options, link)
            .await
            .map(DynamicSupervisorRef::new)
            .map_err(SupervisorError::from_own_start)
    }
}

#[diagnostic::do_not_recommend]
impl Child for DynamicSupervisor {
    type Args = DynamicSupervisorOptions;
    type Handle = DynamicSupervisorRef;

    fn child_spec(options: DynamicSupervisorOptions) -> ChildSpec {
        ChildSpec::from_fn("DynamicSupervisor", move |name| {
            let mut options = options.clone();
            if let Some(name) = name {
                options.name = Some(name);
            }
            async move {
                DynamicSupervisor::start_link(options)
                    .await
                    .map(|sup| sup.pid())
                    .map_err(StartError::from)
            }
        })
        .with_child_type(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<DynamicSupervisorRef> {
        ServerRef::<DynamicServer>::from_pid(pid)
            .map(|server| DynamicSupervisorRef::new(server.into()))
    }
}

/// Why a dynamic supervisor did not start a child.
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{DynamicSupervisor, DynamicSupervisorOptions, StartChildError};
///
/// #[derive(Clone)]
/// struct Room;
///
/// #[genserver]
/// impl Room {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let rooms =
///     DynamicSupervisor::start(DynamicSupervisorOptions::default().max_children(1)).await?;
/// rooms.start_child::<Room>(Room).await?;
/// let refused = rooms.start_child::<Room>(Room).await;
/// assert_eq!(refused.err(), Some(StartChildError::MaxChildren));
/// rooms.stop(ExitReason::Shutdown).await?;
/// let gone = rooms.start_child::<Room>(Room).await;
/// assert_eq!(gone.err(), Some(StartChildError::NoProc));
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartChildError {
    /// The child's init returned ignore (`:ignore`); nothing is kept.
    #[error("the child's init returned ignore")]
    Ignored,
    /// The supervisor has `max_children` children already (`{:error, :max_children}`).
    #[error("the supervisor has its maximum number of children")]
    MaxChildren,
    /// The child's init failed or panicked.
    #[error("the child's init failed: {0}")]
    Init(ExitReason),
    /// The child's name is taken.
    #[error("a process is already registered under the child's name: {0}")]
    AlreadyStarted(Pid),
    /// The child's init did not return within its spec's start timeout
    /// ([`ChildSpec::start_timeout`]); it was killed (`{:error, :timeout}`).
    #[error("the child's init did not return within its start timeout")]
    Timeout,
    /// `start_child_spec::<C>` with a spec that does not start a `C` (the type named): nothing
    /// is left running.
    #[error("the child spec does not start a `{0}`")]
    NotOfType(&'static str),
    /// `start_child_with_extra` on a supervisor whose extra arguments are of another type.
    #[error("the supervisor's extra arguments are not of the type the child takes")]
    ExtraArguments,
    /// The supervisor is not running (`:noproc`).
    #[error("no such process")]
    NoProc,
    /// The supervisor exited before it answered.
    #[error("the supervisor did not answer: {0}")]
    Call(CallError),
}

impl From<NoProc> for StartChildError {
    fn from(NoProc: NoProc) -> Self {
        StartChildError::NoProc
    }
}

impl From<CallError> for StartChildError {
    /// `CallError::NoProc` is [`StartChildError::NoProc`]; any other call error is `Call`.
    fn from(error: CallError) -> Self {
        match error {
            CallError::NoProc => StartChildError::NoProc,
            other => StartChildError::Call(other),
        }
    }
}

/// A running [`DynamicSupervisor`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicSupervisorRef {
    server: DynamicServerRef,
}

const NO_TIMEOUT: Duration = Duration::MAX;

impl DynamicSupervisorRef {
    fn new(server: DynamicServerRef) -> Self {
        DynamicSupervisorRef { server }
    }

    /// The running dynamic supervisor registered under `name`.
    #[must_use]
    pub fn whereis(name: &str) -> Option<Self> {
        DynamicServer::whereis(name).map(DynamicSupervisorRef::new)
    }

    /// The supervisor's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// Whether the supervisor is running.
    #[must_use]
    pub fn is_alive(&self) -> bool {
        self.server.is_alive()
    }

    /// Stops the supervisor: its children stop concurrently, each within its shutdown.
    pub async fn stop(&self, reason: ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }

    /// Starts a child of type `C` with `args` and waits for its init
    /// (`DynamicSupervisor.start_child/2`).
    pub async fn start_child<C: Child>(&self, args: C::Args) -> Result<C::Handle, StartChildError> {
        let build: SpecBuilder = Box::new(move |_| Some(C::child_spec(args)));
        self.start_built::<C>(build).await
    }

    /// Starts a child of type `C` from a spec, for overrides (`restart`, `shutdown`, `name`,
    /// `start_timeout`), and returns its typed handle as [`start_child`](Self::start_child)
    /// does (`DynamicSupervisor.start_child/2` with a child spec).
    ///
    /// The spec must start a `C`: one made by [`ChildSpec::of::<C>`](ChildSpec::of) does, and a
    /// spec of another type is refused with [`StartChildError::NotOfType`] before anything
    /// starts. A [`ChildSpec::from_fn`] start is checked once it has run: a child of another
    /// type is stopped and forgotten, and the start fails the same way.
    ///
    /// ```
    /// use otp_core::prelude::*;
    /// use otp_core::{ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Restart};
    ///
    /// struct Room { name: String }
    ///
    /// #[genserver]
    /// impl Room {
    ///     #[init]
    ///     fn init(name: String) -> Self { Room { name } }
    ///
    ///     #[handle_call]
    ///     fn name(&mut self) -> String { self.name.clone() }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let rooms = DynamicSupervisor::start_link(DynamicSupervisorOptions::default()).await?;
    /// let spec = ChildSpec::of::<Room>("lobby".into()).with_restart(Restart::Temporary);
    /// let lobby: RoomRef = rooms.start_child_spec::<Room>(spec).await?;
    /// assert_eq!(lobby.name().await?, "lobby");
    /// # Ok(())
    /// # }
    /// ```
    pub async fn start_child_spec<C: Child>(
        &self,
        spec: ChildSpec,
    ) -> Result<C::Handle, StartChildError> {
        if !spec.may_start::<C>() {
            return Err(StartChildError::NotOfType(std::any::type_name::<C>()));
        }
        let build: SpecBuilder = Box::new(move |_| Some(spec));
        self.start_built::<C>(build).await
    }

    /// Starts a child of type `C` whose start argument is `(extra, args)`, `extra` being the
    /// supervisor's [`extra_arguments`](DynamicSupervisorOptions::extra_arguments).
    pub async fn start_child_with_extra<C, E, A>(
        &self,
        args: A,
    ) -> Result<C::Handle, StartChildError>
    where
        C: Child<Args = (E, A)>,
        E: Clone + Send + Sync + 'static,
        A: Clone + Send + Sync + 'static,
    {
        let build: SpecBuilder = Box::new(move |extra| {
            let extra = extra?.downcast_ref::<E>()?.clone();
            Some(C::child_spec((extra, args)))
        });
        self.start_built::<C>(build).await
    }

    async fn start_built<C: Child>(
        &self,
        build: SpecBuilder,
    ) -> Result<C::Handle, StartChildError> {
        let pid = self.server.start_child(build).timeout(NO_TIMEOUT).await??;
        // A handle is made from a pid whether or not the process still runs (it then answers
        // `NoProc`): `None` means a child of another type, which no one asked for.
        if let Some(handle) = C::handle(&pid) {
            return Ok(handle);
        }
        self.terminate_child(&pid).await?;
        Err(StartChildError::NotOfType(std::any::type_name::<C>()))
    }

    /// Stops the child `pid` and forgets it (`DynamicSupervisor.terminate_child/2`); `false`
    /// when it is not a child of this supervisor. A child whose restart failed and is being
    /// tried again is found by the pid it had: terminating it ends the retries.
    pub async fn terminate_child(&self, pid: &Pid) -> Result<bool, CallError> {
        self.server
            .terminate_child(pid.clone())
            .timeout(NO_TIMEOUT)
            .await
    }

    /// The children, in no set order, with no id: each running, or restarting after a failed
    /// restart ([`ChildState`](crate::ChildState)).
    pub async fn which_children(&self) -> Result<Vec<ChildInfo>, CallError> {
        self.server.which_children().timeout(NO_TIMEOUT).await
    }

    /// The children counted: restarting ones in `specs` but not in `active` (they count
    /// toward `max_children` too).
    pub async fn count_children(&self) -> Result<ChildCounts, CallError> {
        self.server.count_children().timeout(NO_TIMEOUT).await
    }
}
