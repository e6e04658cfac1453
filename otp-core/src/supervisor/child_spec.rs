//! Child specs: how a supervisor starts, restarts and stops one child.

use std::any::TypeId;
use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::{GenServer, Pid, StartError};

/// When a supervisor restarts a child that exited (`:restart`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Restart {
    /// Always restarted (the default).
    #[default]
    Permanent,
    /// Restarted only after an abnormal exit: not after `Normal`, `Shutdown` or `ShutdownWith`.
    Transient,
    /// Never restarted; its spec is removed when it exits.
    Temporary,
}

impl Restart {
    /// Whether a child with this restart type is restarted after exiting with `reason`.
    ///
    /// ```
    /// use otp_core::{ExitReason, Restart};
    ///
    /// assert!(Restart::Permanent.restarts_after(&ExitReason::Normal));
    /// assert!(!Restart::Transient.restarts_after(&ExitReason::Shutdown));
    /// assert!(Restart::Transient.restarts_after(&ExitReason::Killed));
    /// assert!(!Restart::Temporary.restarts_after(&ExitReason::Killed));
    /// ```
    #[must_use]
    pub fn restarts_after(self, reason: &crate::ExitReason) -> bool {
        match self {
            Restart::Permanent => true,
            Restart::Transient => !reason.is_quiet(),
            Restart::Temporary => false,
        }
    }
}

/// How a supervisor stops a child (`:shutdown`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shutdown {
    /// Kill it at once, without `terminate` (`:brutal_kill`).
    BrutalKill,
    /// Ask it to stop (its `terminate` runs), wait this long, then kill it.
    Timeout(Duration),
    /// Ask it to stop and wait as long as it takes (`:infinity`, the default for supervisors).
    Infinity,
}

impl Shutdown {
    /// The default for workers: 5 seconds.
    pub const WORKER_DEFAULT: Shutdown = Shutdown::Timeout(Duration::from_secs(5));
}

/// Whether a child is a worker or a supervisor (`:type`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ChildType {
    /// A worker: a GenServer, an agent, a task.
    #[default]
    Worker,
    /// A supervisor: its shutdown defaults to `Infinity`.
    Supervisor,
}

/// What starting a child gives back.
pub(crate) type StartResult = Result<Pid, StartError>;
type StartFuture = Pin<Box<dyn Future<Output = StartResult> + Send>>;
/// Starts the child linked to the calling process, under the name if one is given.
type StartFn = Arc<dyn Fn(Option<Arc<str>>) -> StartFuture + Send + Sync>;

/// How to start, restart and stop one child of a supervisor (`Supervisor.child_spec/2`).
///
/// Made by [`ChildSpec::of`] from a child type and its start argument, with the defaults the
/// type declares (`#[child_spec(...)]` on a `#[genserver]`), then adjusted where it is listed:
///
/// ```
/// use std::time::Duration;
/// use otp_core::prelude::*;
/// use otp_core::{ChildSpec, Restart, Shutdown};
///
/// struct Worker;
///
/// #[genserver]
/// impl Worker {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # impl Clone for Worker { fn clone(&self) -> Self { Worker } }
/// let spec = ChildSpec::of::<Worker>(Worker)
///     .with_id("worker-1")
///     .with_restart(Restart::Transient)
///     .with_shutdown(Shutdown::Timeout(Duration::from_secs(10)));
/// assert_eq!(spec.id(), "worker-1");
/// assert_eq!(spec.restart(), Restart::Transient);
/// ```
#[derive(Clone)]
pub struct ChildSpec {
    pub(crate) id: Cow<'static, str>,
    pub(crate) start: StartFn,
    pub(crate) restart: Restart,
    pub(crate) shutdown: Shutdown,
    pub(crate) kind: ChildType,
    pub(crate) significant: bool,
    pub(crate) name: Option<Arc<str>>,
    pub(crate) start_timeout: Option<Duration>,
    /// The child type `C` of a spec made by [`ChildSpec::of::<C>`](ChildSpec::of), so that a
    /// typed start can refuse a spec of another type before starting it.
    pub(crate) of: Option<TypeId>,
}

impl ChildSpec {
    /// The spec of a child of type `C` started with `args`, with `C`'s defaults.
    pub fn of<C: Child>(args: C::Args) -> Self {
        ChildSpec {
            of: Some(TypeId::of::<C>()),
            ..C::child_spec(args)
        }
    }

    /// [`of`](Self::of) as `supervisor!` writes it: the argument's type is read from the
    /// argument, so that a type that cannot be a child gives one error, on the type, and not a
    /// second one on its argument.
    #[doc(hidden)]
    pub fn of_listed<C, A>(args: A) -> Self
    where
        C: Child<Args = A>,
    {
        Self::of::<C>(args)
    }

    /// [`of`](Self::of) for a child `supervisor!` lists as `Type(option = value, ...)`: its
    /// default argument, set by `options`.
    #[doc(hidden)]
    pub fn of_options<C, A>(options: impl FnOnce(A) -> A) -> Self
    where
        C: Child<Args = A>,
        A: Default,
    {
        Self::of::<C>(options(A::default()))
    }

    /// Whether this spec may start a `C`: made by `of::<C>`, or by a start function, whose
    /// child's type is known only once it runs.
    pub(crate) fn may_start<C: Child>(&self) -> bool {
        self.of.is_none_or(|of| of == TypeId::of::<C>())
    }

    /// A spec from a start function: it must start the child linked to the calling process
    /// (the supervisor), registered under the name it is given if any, and return its pid. The
    /// defaults: permanent, a 5 s shutdown, a worker.
    pub fn from_fn<F, Fut>(id: impl Into<Cow<'static, str>>, start: F) -> Self
    where
        F: Fn(Option<Arc<str>>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Pid, StartError>> + Send + 'static,
    {
        ChildSpec {
            id: id.into(),
            start: Arc::new(move |name| Box::pin(start(name))),
            restart: Restart::Permanent,
            shutdown: Shutdown::WORKER_DEFAULT,
            kind: ChildType::Worker,
            significant: false,
            name: None,
            start_timeout: None,
            of: None,
        }
    }

    /// Registers the child under `name` at each start, so it is found under that name again
    /// after a restart.
    #[must_use]
    pub fn with_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The name the child is registered under, if any.
    #[must_use]
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// The child's id, unique in its supervisor.
    #[must_use]
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The restart type.
    #[must_use]
    pub fn restart(&self) -> Restart {
        self.restart
    }

    /// The shutdown.
    #[must_use]
    pub fn shutdown(&self) -> Shutdown {
        self.shutdown
    }

    /// Worker or supervisor.
    #[must_use]
    pub fn child_type(&self) -> ChildType {
        self.kind
    }

    /// Whether the child is significant for `auto_shutdown`.
    #[must_use]
    pub fn is_significant(&self) -> bool {
        self.significant
    }

    /// The start timeout, or `None` to wait as long as the child's init takes.
    #[must_use]
    pub fn start_timeout(&self) -> Option<Duration> {
        self.start_timeout
    }

    /// Sets the id.
    #[must_use]
    pub fn with_id(mut self, id: impl Into<Cow<'static, str>>) -> Self {
        self.id = id.into();
        self
    }

    /// Sets the restart type.
    #[must_use]
    pub fn with_restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// Sets the shutdown.
    #[must_use]
    pub fn with_shutdown(mut self, shutdown: Shutdown) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// Sets worker or supervisor; a supervisor's shutdown becomes `Infinity` unless set after.
    #[must_use]
    pub fn with_child_type(mut self, kind: ChildType) -> Self {
        self.kind = kind;
        if kind == ChildType::Supervisor {
            self.shutdown = Shutdown::Infinity;
        }
        self
    }

    /// Marks the child significant for `auto_shutdown` (only transient or temporary children
    /// may be: the supervisor refuses a significant permanent child).
    #[must_use]
    pub fn with_significant(mut self, significant: bool) -> Self {
        self.significant = significant;
        self
    }

    /// Waits at most `timeout` for the child's init at each start and restart, as a start
    /// function passing `timeout:` to `GenServer.start_link` does in OTP; the default waits as
    /// long as it takes. Past it the child is killed and its start fails with
    /// [`StartError::Timeout`]: at the supervisor's start-up that fails the supervisor
    /// (`FailedToStartChild` with reason `Timeout`, the children started before it stopped);
    /// at a restart it counts toward the restart intensity and is tried again.
    ///
    /// It applies to each server the start function starts without a timeout of its own
    /// ([`StartOptions::timeout`](crate::StartOptions::timeout)): every spec made by
    /// [`ChildSpec::of`], and a [`from_fn`](ChildSpec::from_fn) start that starts a server.
    ///
    /// ```
    /// use std::time::Duration;
    /// use otp_core::prelude::*;
    /// use otp_core::{ChildSpec, Strategy, SupervisorError, SupervisorSpec};
    ///
    /// #[derive(Clone)]
    /// struct Stuck;
    ///
    /// #[genserver]
    /// impl Stuck {
    ///     #[init]
    ///     async fn init(_args: Stuck) -> Self {
    ///         std::future::pending::<()>().await;
    ///         Stuck
    ///     }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread", start_paused = true)]
    /// # async fn main() {
    /// let spec = ChildSpec::of::<Stuck>(Stuck).with_start_timeout(Duration::from_secs(5));
    /// assert_eq!(spec.start_timeout(), Some(Duration::from_secs(5)));
    /// let started = SupervisorSpec::new(Strategy::OneForOne).child(spec).start().await;
    /// assert_eq!(
    ///     started.err(),
    ///     Some(SupervisorError::FailedToStartChild {
    ///         id: "Stuck".into(),
    ///         reason: ExitReason::Timeout,
    ///     })
    /// );
    /// # }
    /// ```
    #[must_use]
    pub fn with_start_timeout(mut self, timeout: Duration) -> Self {
        self.start_timeout = Some(timeout);
        self
    }

    pub(crate) fn start_child(&self) -> StartFuture {
        let start = (self.start)(self.name.clone());
        // The start function is a closure the spec does not see into (`from_fn`): the
        // timeout reaches the servers it starts through the scope of its future, which is
        // polled in the supervisor's task; the servers' inits run in their own tasks, and
        // whatever they start is out of the scope. Without a timeout there is nothing to scope,
        // and the start future is not boxed a second time.
        match self.start_timeout {
            None => start,
            Some(timeout) => Box::pin(START_TIMEOUT.scope(Some(timeout), start)),
        }
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("id", &self.id)
            .field("restart", &self.restart)
            .field("shutdown", &self.shutdown)
            .field("type", &self.kind)
            .field("significant", &self.significant)
            .field("name", &self.name)
            .field("start_timeout", &self.start_timeout)
            .finish_non_exhaustive()
    }
}

tokio::task_local! {
    /// The start timeout of the child spec whose start function is running.
    static START_TIMEOUT: Option<Duration>;
}

/// The start timeout of the child spec being started in this task, if any.
pub(crate) fn start_timeout_in_scope() -> Option<Duration> {
    START_TIMEOUT.try_with(|timeout| *timeout).ok().flatten()
}

/// A type a supervisor can start: every `#[genserver]` whose start argument is `Clone` (the
/// macro writes the impl),
/// [`SupervisorSpec`](crate::SupervisorSpec), [`DynamicSupervisor`](crate::DynamicSupervisor).
// Its impls are `do_not_recommend`: the error for a type that is no child names that type and
// says what a child is, without a list of the types that are.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a supervised child",
    label = "not a child",
    note = "a child is a `supervisor!`, a `DynamicSupervisor`, or a `#[genserver]` type whose start argument is `Clone + Sync` (each restart starts from a clone of it)"
)]
pub trait Child: Send + 'static {
    /// What the child is started with; cloned for each restart.
    type Args: Clone + Send + Sync + 'static;
    /// The typed handle of a running child (`CacheRef` for `Cache`).
    type Handle: Send + 'static;

    /// The child's spec with its defaults.
    fn child_spec(args: Self::Args) -> ChildSpec;

    /// The handle of the running child with this pid.
    fn handle(pid: &Pid) -> Option<Self::Handle>;
}

/// The child-spec defaults a `#[genserver]` type declares with `#[child_spec(...)]`; written
/// by `#[genserver]`.
pub trait ChildDefaults {
    /// The default id: the type's name unless `#[child_spec(id = "...")]` says otherwise.
    const ID: &'static str;
    /// The default restart type.
    const RESTART: Restart = Restart::Permanent;
    /// The default shutdown.
    const SHUTDOWN: Shutdown = Shutdown::WORKER_DEFAULT;
    /// Whether the child is significant.
    const SIGNIFICANT: bool = false;
    /// The start timeout; `None` waits as long as init takes.
    const START_TIMEOUT: Option<Duration> = None;
}

/// The spec of a `#[genserver]` child: the `Child` impl that `#[genserver]` writes calls it.
#[doc(hidden)]
pub fn genserver_child_spec<S>(args: S::Args) -> ChildSpec
where
    S: GenServer + ChildDefaults,
    S::Args: Clone + Sync,
{
    ChildSpec {
        id: Cow::Borrowed(S::ID),
        start: Arc::new(move |name: Option<Arc<str>>| {
            let args = args.clone();
            Box::pin(async move {
                let mut options = crate::StartOptions::<S>::default();
                if let Some(name) = name {
                    options = options.name(&*name);
                }
                let server = options.start_link(args).await?;
                Ok(AsRef::<crate::ServerRef<S>>::as_ref(&server).pid())
            })
        }),
        restart: S::RESTART,
        shutdown: S::SHUTDOWN,
        kind: ChildType::Worker,
        significant: S::SIGNIFICANT,
        name: None,
        start_timeout: S::START_TIMEOUT,
        of: None,
    }
}

/// The typed handle of a `#[genserver]` child from its pid.
#[doc(hidden)]
#[must_use]
pub fn genserver_child_handle<S: GenServer>(pid: &Pid) -> Option<S::Ref> {
    crate::ServerRef::<S>::from_pid(pid).map(S::Ref::from)
}
