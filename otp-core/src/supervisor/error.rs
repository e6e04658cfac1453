//! What the supervisors answer: their errors and their reports on children.

use crate::{CallError, ExitReason, NoProc, Pid, StartError};

/// Why a supervisor refused a request or failed to start (`{:error, ...}` of `Supervisor`).
///
/// The start of both supervisor kinds ([`SupervisorSpec::start_link`](crate::SupervisorSpec),
/// [`DynamicSupervisor::start_link`](crate::DynamicSupervisor::start_link)) fails with it, so
/// a child that did not start is matched as it is, without looking inside an exit reason:
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::{SupervisorError, supervisor};
///
/// struct Db;
///
/// #[genserver]
/// impl Db {
///     #[init]
///     fn init(_url: String) -> Result<Self, InitError> {
///         Err(InitError::Stop(ExitReason::ShutdownWith("no database".into())))
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let started = supervisor! {
///     strategy: one_for_one,
///     children: [Db("postgres://".to_owned()) { id = "db" }],
/// }
/// .start_link()
/// .await;
/// assert_eq!(
///     started.err(),
///     Some(SupervisorError::FailedToStartChild {
///         id: "db".into(),
///         reason: ExitReason::ShutdownWith("no database".into()),
///     })
/// );
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SupervisorError {
    /// A child failed to start during the supervisor's start-up; the children started before
    /// it were stopped (`{:shutdown, {:failed_to_start_child, id, reason}}`).
    #[error("child `{id}` failed to start: {reason}")]
    FailedToStartChild {
        /// The child's id.
        id: String,
        /// Why its init failed.
        reason: ExitReason,
    },
    /// Two children have the same id.
    #[error("two children have the id `{0}`; give one an `id`")]
    DuplicateChildId(String),
    /// A significant child must be transient or temporary.
    #[error(
        "child `{0}` is significant and permanent; significant children are transient or temporary"
    )]
    SignificantPermanent(String),
    /// A significant child in a supervisor whose `auto_shutdown` is `Never`.
    #[error(
        "child `{0}` is significant but the supervisor's auto_shutdown is never; set auto_shutdown or drop significant"
    )]
    SignificantWithoutAutoShutdown(String),
    /// `max_seconds(0)`: the period of the restart intensity must be at least one second, as
    /// OTP requires (a zero period would let no restart count and turn escalation off).
    #[error("max_seconds is 0; the restart intensity's period is at least 1 second")]
    ZeroMaxSeconds,
    /// The supervisor's own name is held by another live process (`{:already_started, pid}`
    /// of `Supervisor.start_link/2`).
    #[error("a process is already registered under the supervisor's name: {0}")]
    AlreadyRegistered(Pid),
    /// `start_child` with the id of a spec that is kept but not running (`:already_present`).
    #[error("a child `{0}` is already present; restart it or delete it first")]
    AlreadyPresent(String),
    /// `start_child` with the id of a running child (`{:already_started, pid}`).
    #[error("child `{0}` is already started as {1}")]
    AlreadyStarted(String, Pid),
    /// No child has this id (`:not_found`).
    #[error("no child has the id `{0}`")]
    NotFound(String),
    /// `restart_child` or `delete_child` on a running child (`:running`).
    #[error("child `{0}` is running; terminate it first")]
    Running(String),
    /// `restart_child` or `delete_child` on a child whose restart failed and is being tried
    /// again (`:restarting`); `terminate_child` ends the retries.
    #[error("child `{0}` is being restarted; terminate it first")]
    Restarting(String),
    /// `{:error, reason}`: from `start_child` and `restart_child`, the child's init failed or
    /// panicked (the reason is [`ExitReason::Timeout`] when it did not return within the
    /// spec's start timeout); from a supervisor's start, the supervisor's own start-up ended
    /// with this reason (it was killed, say).
    #[error("the child's init failed: {0}")]
    Init(ExitReason),
    /// The supervisor is not running (`:noproc`).
    #[error("no such process")]
    NoProc,
    /// The supervisor exited before it answered.
    #[error("the supervisor did not answer: {0}")]
    Call(CallError),
}

impl From<NoProc> for SupervisorError {
    fn from(NoProc: NoProc) -> Self {
        SupervisorError::NoProc
    }
}

impl From<CallError> for SupervisorError {
    /// `CallError::NoProc` is [`SupervisorError::NoProc`]; any other call error is `Call`.
    fn from(error: CallError) -> Self {
        match error {
            CallError::NoProc => SupervisorError::NoProc,
            other => SupervisorError::Call(other),
        }
    }
}

impl SupervisorError {
    pub(crate) fn from_start(id: &str, error: StartError) -> Self {
        match error {
            StartError::AlreadyStarted(pid) => SupervisorError::AlreadyStarted(id.to_owned(), pid),
            StartError::Init(reason) => SupervisorError::Init(reason),
            StartError::Ignored => SupervisorError::Init(ExitReason::Normal),
            StartError::Timeout => SupervisorError::Init(ExitReason::Timeout),
        }
    }

    /// Why a supervisor's own process did not start: the `SupervisorError` its init stopped
    /// with, as it is; a taken name; or the reason its start-up ended with.
    pub(crate) fn from_own_start(error: StartError) -> Self {
        match error {
            StartError::AlreadyStarted(pid) => SupervisorError::AlreadyRegistered(pid),
            StartError::Init(ExitReason::Error(error)) => {
                match error.downcast_ref::<SupervisorError>() {
                    Some(error) => error.clone(),
                    None => SupervisorError::Init(ExitReason::Error(error)),
                }
            }
            StartError::Init(reason) => SupervisorError::Init(reason),
            StartError::Ignored => SupervisorError::Init(ExitReason::Normal),
            StartError::Timeout => SupervisorError::Init(ExitReason::Timeout),
        }
    }
}

impl From<SupervisorError> for StartError {
    /// A failed supervisor start as the start error of a child, for the supervisor above it (a
    /// [`ChildSpec::from_fn`](crate::ChildSpec::from_fn) that starts a supervisor): a taken
    /// name stays `AlreadyStarted`; anything else becomes the reason the child failed with
    /// (`{:error, reason}`), the `SupervisorError` inside an `ExitReason::Error`.
    ///
    /// ```
    /// use otp_core::prelude::*;
    /// use otp_core::{ChildSpec, Strategy, SupervisorError, SupervisorSpec};
    ///
    /// let sub = SupervisorSpec::new(Strategy::OneForOne);
    /// let spec = ChildSpec::from_fn("sub", move |_name| {
    ///     let sub = sub.clone();
    ///     async move { Ok(sub.start_link().await?.pid()) }
    /// });
    /// # let _ = spec;
    /// let error = StartError::from(SupervisorError::DuplicateChildId("a".into()));
    /// assert!(matches!(error, StartError::Init(ExitReason::Error(_))));
    /// ```
    fn from(error: SupervisorError) -> Self {
        match error {
            SupervisorError::AlreadyRegistered(pid) => StartError::AlreadyStarted(pid),
            SupervisorError::Init(reason) => StartError::Init(reason),
            other => StartError::Init(ExitReason::error(other)),
        }
    }
}

/// One child as [`which_children`](crate::SupervisorRef::which_children) reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildInfo {
    /// The child's id (a dynamic supervisor's children have none: `:undefined`).
    pub id: Option<String>,
    /// Running as a process, being restarted, or kept without a process.
    pub state: ChildState,
    /// Worker or supervisor.
    pub child_type: crate::ChildType,
}

impl ChildInfo {
    /// The child's pid while it runs; `None` while it is restarting or not running.
    ///
    /// ```
    /// use otp_core::{ChildInfo, ChildState, ChildType};
    ///
    /// let info = ChildInfo {
    ///     id: Some("a".into()),
    ///     state: ChildState::Restarting,
    ///     child_type: ChildType::Worker,
    /// };
    /// assert_eq!(info.pid(), None);
    /// ```
    #[must_use]
    pub fn pid(&self) -> Option<&Pid> {
        match &self.state {
            ChildState::Running(pid) => Some(pid),
            ChildState::Restarting | ChildState::NotRunning => None,
        }
    }
}

/// What a child is doing, as [`which_children`](crate::SupervisorRef::which_children) reports
/// it: the `child` of OTP's `{id, child, type, modules}`, which is a pid, `:restarting` or
/// `:undefined`.
///
/// A child is `Restarting` from the moment its restart fails until a retry starts it, the
/// intensity is exceeded, or it is terminated: the supervisor tries again through its mailbox,
/// answering other requests between tries, and meanwhile counts it in `specs` but not in
/// `active`, refuses `restart_child` and `delete_child` with
/// [`SupervisorError::Restarting`], and stops the retries on `terminate_child`.
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicBool, Ordering};
/// use otp_core::prelude::*;
/// use otp_core::{ChildSpec, ChildState, Strategy, SupervisorError, SupervisorSpec};
///
/// struct Db;
///
/// #[genserver]
/// impl Db {
///     #[init]
///     fn init(up: Arc<AtomicBool>) -> Result<Self, InitError> {
///         if up.load(Ordering::SeqCst) { Ok(Db) } else { Err(InitError::Stop(ExitReason::Shutdown)) }
///     }
///
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let up = Arc::new(AtomicBool::new(true));
/// let sup = SupervisorSpec::new(Strategy::OneForOne)
///     .max_restarts(1_000)
///     .child(ChildSpec::of::<Db>(up.clone()).with_id("db"))
///     .start()
///     .await?;
/// let db = sup.child_pid("db").await?.ok_or("db is running")?;
/// up.store(false, Ordering::SeqCst); // from now on, its restarts fail
/// db.kill();
/// db.wait_exit().await;
/// assert_eq!(sup.which_children().await?[0].state, ChildState::Restarting);
/// assert_eq!(sup.delete_child("db").await, Err(SupervisorError::Restarting("db".into())));
/// sup.terminate_child("db").await?; // ends the retries; the spec is kept
/// assert_eq!(sup.which_children().await?[0].state, ChildState::NotRunning);
/// up.store(true, Ordering::SeqCst);
/// assert!(sup.restart_child("db").await?.is_some());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChildState {
    /// Running as this process.
    Running(Pid),
    /// Its restart failed and the supervisor is trying again (`:restarting`).
    Restarting,
    /// Its spec is kept without a process (`:undefined`): it was terminated, it exited and is
    /// not restarted, or its init returned ignore.
    NotRunning,
}

/// The counts [`count_children`](crate::SupervisorRef::count_children) reports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ChildCounts {
    /// All children, running or not.
    pub specs: usize,
    /// Children with a running process.
    pub active: usize,
    /// Children that are supervisors, running or not.
    pub supervisors: usize,
    /// Children that are workers, running or not.
    pub workers: usize,
}
