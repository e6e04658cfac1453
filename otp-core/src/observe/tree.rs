//! The supervision tree: every supervisor's children, and theirs, down to the workers (the
//! application tree of OTP's observer).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::sys::DEFAULT_SYS_TIMEOUT;
use crate::{CallError, ChildType, Pid, Restart};

/// What kind of supervisor a [`SupervisionTree`] is rooted at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SupervisorKind {
    /// A [`Supervisor`](crate::SupervisorSpec) with its specs, by id.
    Supervisor,
    /// A [`DynamicSupervisor`](crate::DynamicSupervisor): children started on demand.
    DynamicSupervisor,
    /// A [`TaskSupervisor`](crate::TaskSupervisor): its children are tasks, not processes.
    TaskSupervisor,
}

/// Whether a child runs, as the tree shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SupervisedState {
    /// Running (as its [`SupervisedChild::pid`], for a process).
    Running,
    /// Its restart failed and its supervisor is trying again (see
    /// [`ChildState::Restarting`](crate::ChildState::Restarting)).
    Restarting,
    /// Not running: terminated, exited and not restarted, ignored at init, or exited while the
    /// tree was walked.
    NotRunning,
}

/// One child of a supervisor, at the moment the tree was walked.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SupervisedChild {
    /// Its id in its supervisor's specs; `None` for a dynamic supervisor's children and for
    /// tasks (OTP's `:undefined`).
    pub id: Option<String>,
    /// Its process while it runs; `None` otherwise, and for tasks, which are not processes.
    pub pid: Option<Pid>,
    /// Running, restarting, or not running.
    pub state: SupervisedState,
    /// Worker or supervisor.
    pub child_type: ChildType,
    /// When its supervisor restarts it.
    pub restart: Restart,
    /// How many times its supervisor started it again after its first start: restarts after an
    /// exit (its own or, by the strategy, a sibling's) and `restart_child`. A dynamic
    /// supervisor's child keeps its count across restarts of its spec.
    pub restarts: u32,
    /// When it was last started again; `None` if never.
    pub last_restart: Option<SystemTime>,
    /// For a running child that is a supervisor of this crate: its own tree.
    pub subtree: Option<SupervisionTree>,
}

/// A supervisor and everything under it (see [`supervision_tree`]).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct SupervisionTree {
    /// The supervisor.
    pub pid: Pid,
    /// The name it is registered under, if any.
    pub name: Option<Arc<str>>,
    /// Static, dynamic or task supervisor.
    pub kind: SupervisorKind,
    /// Its children: a supervisor's in start order, a dynamic supervisor's in no particular
    /// order.
    pub children: Vec<SupervisedChild>,
}

impl SupervisionTree {
    /// Every process of the tree, this supervisor first, then each child and its subtree in
    /// order.
    ///
    /// ```
    /// use otp_core::{Strategy, SupervisorSpec, observe};
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let inner = SupervisorSpec::new(Strategy::OneForOne).into_child_spec("inner");
    /// let outer = SupervisorSpec::new(Strategy::OneForOne).child(inner).start().await?;
    /// let tree = observe::supervision_tree(&outer.pid()).await?;
    /// assert_eq!(tree.pids().len(), 2);
    /// assert_eq!(tree.pids()[0], outer.pid());
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn pids(&self) -> Vec<Pid> {
        let mut pids = vec![self.pid.clone()];
        for child in &self.children {
            match &child.subtree {
                Some(subtree) => pids.extend(subtree.pids()),
                None => pids.extend(child.pid.clone()),
            }
        }
        pids
    }
}

/// Why a supervision tree could not be walked.
///
/// ```
/// use otp_core::observe::TreeError;
///
/// assert_eq!(TreeError::NotASupervisor.to_string(), "the process is not a supervisor");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TreeError {
    /// The pid is a process, but not a supervisor, dynamic supervisor or task supervisor.
    #[error("the process is not a supervisor")]
    NotASupervisor,
    /// The supervisor was not running (a child supervisor that exits during the walk is shown as
    /// not running instead).
    #[error("no such process")]
    NoProc,
    /// A supervisor did not answer in time: it is busy, starting or stopping a child.
    #[error("a supervisor did not answer in time")]
    Timeout,
}

impl From<CallError> for TreeError {
    fn from(error: CallError) -> Self {
        match error {
            CallError::Timeout => TreeError::Timeout,
            _ => TreeError::NoProc,
        }
    }
}

/// The tree under the supervisor `pid`, walked down through every child that is a supervisor
/// (`:supervisor.which_children/1` all the way down): each child's id, pid, state, type,
/// restart type, restarts and last restart. A supervisor answers between two of its callbacks,
/// so each is asked in turn, [`DEFAULT_SYS_TIMEOUT`] each.
///
/// A child that exits while the tree is walked shows as not running, never as an error. A child
/// declared a supervisor that is not one of this crate's (a worker started with
/// `ChildType::Supervisor`) shows without a subtree.
///
/// ```
/// use otp_core::prelude::*;
/// use otp_core::observe::{self, SupervisedState, SupervisorKind, TreeError};
/// use otp_core::{ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Restart};
/// use otp_core::{Strategy, SupervisorSpec};
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
/// let app = SupervisorSpec::new(Strategy::OneForOne)
///     .child(ChildSpec::of::<Worker>(Worker).with_id("worker"))
///     .child(ChildSpec::of::<DynamicSupervisor>(DynamicSupervisorOptions::default()).with_id("rooms"))
///     .start()
///     .await?;
/// let tree = observe::supervision_tree(&app.pid()).await?;
/// assert_eq!(tree.kind, SupervisorKind::Supervisor);
/// assert_eq!(tree.children[0].id.as_deref(), Some("worker"));
/// assert_eq!(tree.children[0].state, SupervisedState::Running);
/// assert_eq!(tree.children[0].restart, Restart::Permanent);
/// assert_eq!(tree.children[0].restarts, 0);
/// let rooms = tree.children[1].subtree.as_ref().expect("a supervisor");
/// assert_eq!(rooms.kind, SupervisorKind::DynamicSupervisor);
///
/// let worker = tree.children[0].pid.clone().expect("running");
/// assert_eq!(observe::supervision_tree(&worker).await.unwrap_err(), TreeError::NotASupervisor);
/// # Ok(())
/// # }
/// ```
pub async fn supervision_tree(pid: &Pid) -> Result<SupervisionTree, TreeError> {
    supervision_tree_timeout(pid, DEFAULT_SYS_TIMEOUT).await
}

/// [`supervision_tree`], each supervisor given `timeout` to answer.
///
/// ```
/// use std::time::Duration;
/// use otp_core::{Strategy, SupervisorSpec, observe};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let sup = SupervisorSpec::new(Strategy::OneForAll).start().await?;
/// let tree = observe::supervision_tree_timeout(&sup.pid(), Duration::from_secs(1)).await?;
/// assert!(tree.children.is_empty());
/// # Ok(())
/// # }
/// ```
pub async fn supervision_tree_timeout(
    pid: &Pid,
    timeout: Duration,
) -> Result<SupervisionTree, TreeError> {
    let (kind, mut children) = crate::supervisor::children_report(pid, timeout)
        .await
        .ok_or(TreeError::NotASupervisor)??;
    for child in &mut children {
        let Some(child_pid) = child.pid.clone() else {
            continue;
        };
        if !child_pid.is_alive() {
            // Exited, and its supervisor has not handled the exit yet.
            child.pid = None;
            child.state = SupervisedState::NotRunning;
            continue;
        }
        if child.child_type != ChildType::Supervisor {
            continue;
        }
        match Box::pin(supervision_tree_timeout(&child_pid, timeout)).await {
            Ok(subtree) => child.subtree = Some(subtree),
            Err(TreeError::NotASupervisor) => {}
            Err(TreeError::NoProc) => {
                child.pid = None;
                child.state = SupervisedState::NotRunning;
            }
            Err(TreeError::Timeout) => return Err(TreeError::Timeout),
        }
    }
    Ok(SupervisionTree {
        pid: pid.clone(),
        name: pid.name(),
        kind,
        children,
    })
}

/// The tree of every top-level supervisor: each supervisor without a parent supervisor (see
/// [`ProcessInfo::parent`](crate::observe::ProcessInfo::parent)), in the order they were
/// started. A supervisor that exits meanwhile is left out; one that does not answer in time
/// too.
///
/// ```
/// use otp_core::{Strategy, SupervisorSpec, observe};
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let inner = SupervisorSpec::new(Strategy::OneForOne).into_child_spec("inner");
/// let app = SupervisorSpec::new(Strategy::OneForOne).child(inner).start().await?;
/// let trees = observe::supervision_trees().await;
/// let roots: Vec<_> = trees.iter().map(|tree| tree.pid.clone()).collect();
/// assert!(roots.contains(&app.pid()));
/// let inner = app.child_pid("inner").await?.expect("running");
/// assert!(!roots.contains(&inner), "not top-level: its parent is a supervisor");
/// # Ok(())
/// # }
/// ```
pub async fn supervision_trees() -> Vec<SupervisionTree> {
    let mut roots: Vec<Pid> = super::processes()
        .into_iter()
        .filter(crate::supervisor::is_supervisor)
        .filter(|pid| {
            pid.info()
                .and_then(|info| info.parent)
                .is_none_or(|parent| !crate::supervisor::is_supervisor(&parent))
        })
        .collect();
    roots.sort_by_key(Pid::id);
    let mut trees = Vec::with_capacity(roots.len());
    for root in roots {
        if let Ok(tree) = supervision_tree(&root).await {
            trees.push(tree);
        }
    }
    trees
}
