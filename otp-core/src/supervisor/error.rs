//! What the supervisors answer: their errors and their reports on children.

use crate::{CallError, ExitReason, Pid, StartError};

/// Why a supervisor refused a request or failed to start (`{:error, ...}` of `Supervisor`).
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
    /// The child's init failed or panicked (`{:error, reason}`); the reason is
    /// [`ExitReason::Timeout`] when it did not return within the spec's start timeout.
    #[error("the child's init failed: {0}")]
    Init(ExitReason),
    /// The supervisor could not be reached.
    #[error("the supervisor did not answer: {0}")]
    Call(#[from] CallError),
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
}

/// One child as [`which_children`](crate::SupervisorRef::which_children) reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChildInfo {
    /// The child's id (a dynamic supervisor's children have none: `:undefined`).
    pub id: Option<String>,
    /// Its pid, or `None` when its spec is kept without a process (`:undefined`).
    pub pid: Option<Pid>,
    /// Worker or supervisor.
    pub child_type: crate::ChildType,
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
