//! `SupervisorSpec`: a supervisor's strategy, intensity and children, and its handle.

use std::sync::Arc;
use std::time::Duration;

use super::intensity;
use super::server::{SupervisorServer, SupervisorServerRef, check_specs};
use super::{ChildCounts, ChildInfo, SupervisorError};
use crate::{CallError, Child, ChildSpec, ChildType, ExitReason, Pid, ServerRef, StartError};

/// How a supervisor restarts its children when one exits (`:strategy`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Strategy {
    /// Restart only the child that exited.
    #[default]
    OneForOne,
    /// Stop all the other children (in reverse start order), then restart all in start order.
    OneForAll,
    /// Stop the children started after the one that exited (in reverse order), then restart it
    /// and them in start order.
    RestForOne,
}

/// When a supervisor stops itself because significant children exited (`:auto_shutdown`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum AutoShutdown {
    /// Never (the default).
    #[default]
    Never,
    /// When any significant child exits by itself and is not restarted.
    AnySignificant,
    /// When every significant child has exited by itself and none is restarted.
    AllSignificant,
}

/// A supervisor, before it starts: strategy, restart intensity, children in start order.
///
/// `supervisor!` builds one; so can code:
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{ChildSpec, Strategy, SupervisorSpec};
///
/// #[derive(Clone)]
/// struct Worker;
///
/// #[genserver]
/// impl Worker {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let tree = SupervisorSpec::new(Strategy::OneForOne)
///     .max_restarts(3)
///     .max_seconds(5)
///     .child(ChildSpec::of::<Worker>(Worker).with_id("a"))
///     .child(ChildSpec::of::<Worker>(Worker).with_id("b"));
/// let sup = tree.start_link().await?;
/// assert_eq!(sup.count_children().await?.active, 2);
/// sup.stop(ExitReason::Shutdown).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct SupervisorSpec {
    pub(crate) strategy: Strategy,
    pub(crate) max_restarts: u32,
    pub(crate) max_seconds: u64,
    pub(crate) auto_shutdown: AutoShutdown,
    pub(crate) children: Vec<ChildSpec>,
    pub(crate) name: Option<Arc<str>>,
}

impl SupervisorSpec {
    /// A supervisor with `strategy`, 3 restarts in 5 seconds, no auto-shutdown, no children.
    #[must_use]
    pub fn new(strategy: Strategy) -> Self {
        SupervisorSpec {
            strategy,
            max_restarts: 3,
            max_seconds: 5,
            auto_shutdown: AutoShutdown::Never,
            children: Vec::new(),
            name: None,
        }
    }

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
    /// use otp_core::{Strategy, SupervisorError, SupervisorSpec};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let started = SupervisorSpec::new(Strategy::OneForOne).max_seconds(0).start().await;
    /// assert_eq!(started.err(), Some(SupervisorError::ZeroMaxSeconds));
    /// # }
    /// ```
    #[must_use]
    pub fn max_seconds(mut self, max_seconds: u64) -> Self {
        self.max_seconds = max_seconds;
        self
    }

    /// When significant children stop the supervisor.
    #[must_use]
    pub fn auto_shutdown(mut self, auto_shutdown: AutoShutdown) -> Self {
        self.auto_shutdown = auto_shutdown;
        self
    }

    /// Adds a child, started after those added before it.
    #[must_use]
    pub fn child(mut self, child: ChildSpec) -> Self {
        self.children.push(child);
        self
    }

    /// Registers the supervisor under `name`.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Starts the supervisor linked to the calling process (`Supervisor.start_link/2`): its
    /// children start in order before this returns.
    ///
    /// Fails with the [`SupervisorError`] that stopped it: a child that did not start
    /// (`FailedToStartChild`, the children started before it stopped in reverse order); specs
    /// that do not fit together (`DuplicateChildId`, `SignificantPermanent`,
    /// `SignificantWithoutAutoShutdown`) or `max_seconds(0)` (`ZeroMaxSeconds`), refused before
    /// any child starts; or a taken name (`AlreadyRegistered`).
    pub async fn start_link(self) -> Result<SupervisorRef, SupervisorError> {
        self.start_maybe_linked(true).await
    }

    /// Starts the supervisor without a link; it fails as [`start_link`](Self::start_link) does.
    pub async fn start(self) -> Result<SupervisorRef, SupervisorError> {
        self.start_maybe_linked(false).await
    }

    async fn start_maybe_linked(self, link: bool) -> Result<SupervisorRef, SupervisorError> {
        intensity::check(self.max_seconds)?;
        check_specs(&self.children, self.auto_shutdown)?;
        SupervisorServer::options()
            .maybe_named(self.name.clone().as_ref())
            .start_maybe_linked(self, link)
            .await
            .map(SupervisorRef::new)
            .map_err(SupervisorError::from_own_start)
    }

    /// This supervisor as a child of another, with id `id`.
    #[must_use]
    pub fn into_child_spec(self, id: &'static str) -> ChildSpec {
        Self::child_spec(self).with_id(id)
    }
}

#[diagnostic::do_not_recommend]
impl Child for SupervisorSpec {
    type Args = SupervisorSpec;
    type Handle = SupervisorRef;

    fn handle(pid: &Pid) -> Option<SupervisorRef> {
        SupervisorRef::from_pid(pid)
    }

    fn child_spec(spec: SupervisorSpec) -> ChildSpec {
        ChildSpec::from_fn("Supervisor", move |name| {
            let mut spec = spec.clone();
            if let Some(name) = name {
                spec.name = Some(name);
            }
            async move {
                spec.start_link()
                    .await
                    .map(|sup| sup.pid())
                    .map_err(StartError::from)
            }
        })
        .with_child_type(ChildType::Supervisor)
    }
}

/// A running supervisor: its children, and the runtime API of `Supervisor`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupervisorRef {
    server: SupervisorServerRef,
}

/// Supervisor calls wait as long as it takes, as in OTP (`:infinity`): a child's init may be slow.
const NO_TIMEOUT: Duration = Duration::MAX;

impl SupervisorRef {
    pub(crate) fn new(server: SupervisorServerRef) -> Self {
        SupervisorRef { server }
    }

    /// The handle of the running supervisor registered under `name`.
    #[must_use]
    pub fn whereis(name: &str) -> Option<Self> {
        SupervisorServer::whereis(name).map(SupervisorRef::new)
    }

    /// The handle of the supervisor with this pid.
    #[must_use]
    pub fn from_pid(pid: &Pid) -> Option<Self> {
        ServerRef::<SupervisorServer>::from_pid(pid).map(|server| SupervisorRef::new(server.into()))
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

    /// Stops the supervisor: its children stop in reverse start order, each within its
    /// shutdown, then it exits with `reason`.
    pub async fn stop(&self, reason: ExitReason) -> Result<(), CallError> {
        self.server.stop(reason).await
    }

    /// Adds a child and starts it (`Supervisor.start_child/2`): its pid, or `None` when its
    /// init returned ignore (the spec is kept).
    pub async fn start_child(&self, spec: ChildSpec) -> Result<Option<Pid>, SupervisorError> {
        self.server.start_child(spec).timeout(NO_TIMEOUT).await?
    }

    /// Stops a child and keeps its spec (`Supervisor.terminate_child/2`); a temporary child's
    /// spec goes. A child being restarted is restarted no more.
    pub async fn terminate_child(&self, id: &str) -> Result<(), SupervisorError> {
        self.server
            .terminate_child(id.to_owned())
            .timeout(NO_TIMEOUT)
            .await?
    }

    /// Starts again a child whose spec is kept (`Supervisor.restart_child/2`): its pid, or
    /// `None` when its init returned ignore. `Running` or `Restarting` when it is not stopped.
    pub async fn restart_child(&self, id: &str) -> Result<Option<Pid>, SupervisorError> {
        self.server
            .restart_child(id.to_owned())
            .timeout(NO_TIMEOUT)
            .await?
    }

    /// Removes the spec of a child that is not running (`Supervisor.delete_child/2`);
    /// `Running` or `Restarting` when it is not stopped.
    pub async fn delete_child(&self, id: &str) -> Result<(), SupervisorError> {
        self.server
            .delete_child(id.to_owned())
            .timeout(NO_TIMEOUT)
            .await?
    }

    /// The children, in start order, each running, restarting or not running
    /// (`Supervisor.which_children/1`; see [`ChildState`](crate::ChildState)).
    pub async fn which_children(&self) -> Result<Vec<ChildInfo>, CallError> {
        self.server.which_children().timeout(NO_TIMEOUT).await
    }

    /// The children counted (`Supervisor.count_children/1`): a restarting child in `specs`
    /// but not in `active`.
    pub async fn count_children(&self) -> Result<ChildCounts, CallError> {
        self.server.count_children().timeout(NO_TIMEOUT).await
    }

    /// The typed handle of the running child with this id: a `CacheRef` for a `Cache`
    /// (the handle [`Child::handle`] makes from its pid). `None` when no child has this id,
    /// when it is not running (terminated, restarting), or when it is not a `C`.
    ///
    /// ```
    /// use otp_core::prelude::*;
    /// use otp_core::supervisor;
    ///
    /// struct Cache;
    ///
    /// #[genserver]
    /// impl Cache {
    ///     #[init]
    ///     fn init(_args: ()) -> Self { Cache }
    ///
    ///     #[handle_call]
    ///     fn size(&mut self) -> usize { 0 }
    ///
    ///     #[handle_info(catch_all)]
    ///     fn unexpected(&mut self, _msg: AnyMessage) {}
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let app = supervisor! { strategy: one_for_one, children: [Cache(()) { id = "cache" }] };
    /// let sup = app.start_link().await?;
    /// let cache: CacheRef = sup.child::<Cache>("cache").await?.ok_or("no cache")?;
    /// assert_eq!(cache.size().await?, 0);
    /// assert!(sup.child::<Cache>("nothing").await?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn child<C: Child>(&self, id: &str) -> Result<Option<C::Handle>, CallError> {
        Ok(self.child_pid(id).await?.as_ref().and_then(C::handle))
    }

    /// The pid of the running child with this id.
    pub async fn child_pid(&self, id: &str) -> Result<Option<Pid>, CallError> {
        let children = self.which_children().await?;
        Ok(children
            .into_iter()
            .find(|child| child.id.as_deref() == Some(id))
            .and_then(|child| child.pid().cloned()))
    }
}
