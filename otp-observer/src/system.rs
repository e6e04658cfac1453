//! Everything the observer asks of a process beyond `observe`'s snapshot: the supervision
//! trees, a process's state, suspending, resuming and tracing it. Kept in one module: the one
//! place that knows how otp-core answers these (`observe::supervision_trees`, `sys`).

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::http::StatusCode;
use otp_core::observe::{
    self, ProcessInfo, SupervisedChild, SupervisedState, SupervisionTree, SupervisorKind,
};
use otp_core::sys::{self, SysError};
use otp_core::{ChildState, ChildType, Pid, Restart, SupervisorRef};

use crate::ApiError;
use crate::model::{TreeNode, epoch_millis, short_type};

/// How long a process may take to answer a system request from the page: a server busy in a
/// callback (blocked in a call, say) answers only once it returns, and the page should not
/// wait that long.
const SYS_TIMEOUT: Duration = Duration::from_secs(1);

/// How long the supervisors may take, together, to list their children for one overview.
const TREES_TIMEOUT: Duration = Duration::from_secs(2);

/// How long one supervisor may take to list its children when the trees are drawn from parent
/// links.
const ASK_TIMEOUT: Duration = Duration::from_secs(1);

/// How many messages a trace turned on from the page logs before it stops by itself.
pub(crate) const TRACE_MESSAGES: u32 = 1000;

/// Every supervision tree whose root has no supervisor above it, each child with its id,
/// restart type, restart count and last restart; drawn from parent links instead when the
/// supervisors do not answer within [`TREES_TIMEOUT`].
pub(crate) async fn supervision_trees(
    snapshot: &[ProcessInfo],
    deadlocked: &HashSet<u64>,
) -> Vec<TreeNode> {
    let by_id: HashMap<u64, &ProcessInfo> =
        snapshot.iter().map(|info| (info.pid.id(), info)).collect();
    let nodes = Nodes {
        by_id: &by_id,
        deadlocked,
    };
    match tokio::time::timeout(TREES_TIMEOUT, observe::supervision_trees()).await {
        Ok(trees) => trees
            .iter()
            .map(|tree| nodes.supervisor(tree, None))
            .collect(),
        Err(_) => trees_from_parents(snapshot, deadlocked).await,
    }
}

/// The trees drawn from parent links when the supervisors do not all answer in time: each
/// process without a live parent that has children, with its descendants; a supervisor's
/// children in its own order with their ids when it answers `which_children`.
async fn trees_from_parents(snapshot: &[ProcessInfo], deadlocked: &HashSet<u64>) -> Vec<TreeNode> {
    let by_id: HashMap<u64, &ProcessInfo> =
        snapshot.iter().map(|info| (info.pid.id(), info)).collect();
    let mut children: HashMap<u64, Vec<&ProcessInfo>> = HashMap::new();
    for info in snapshot {
        if let Some(parent) = &info.parent {
            children.entry(parent.id()).or_default().push(info);
        }
    }
    for list in children.values_mut() {
        list.sort_by_key(|info| info.pid.id());
    }
    let mut roots: Vec<&ProcessInfo> = snapshot
        .iter()
        .filter(|info| {
            info.parent
                .as_ref()
                .is_none_or(|parent| !by_id.contains_key(&parent.id()))
                && children.contains_key(&info.pid.id())
        })
        .collect();
    roots.sort_by_key(|info| info.pid.id());
    let tree = Tree {
        children: &children,
        deadlocked,
    };
    let mut trees = Vec::with_capacity(roots.len());
    for root in roots {
        trees.push(tree.node(root, None).await);
    }
    trees
}

struct Tree<'a> {
    children: &'a HashMap<u64, Vec<&'a ProcessInfo>>,
    deadlocked: &'a HashSet<u64>,
}

impl Tree<'_> {
    fn node<'s>(
        &'s self,
        info: &'s ProcessInfo,
        id: Option<String>,
    ) -> std::pin::Pin<Box<dyn Future<Output = TreeNode> + Send + 's>> {
        Box::pin(async move {
            let linked = self.children.get(&info.pid.id());
            let supervisor = SupervisorRef::from_pid(&info.pid);
            let listed = match &supervisor {
                Some(supervisor) => tokio::time::timeout(ASK_TIMEOUT, supervisor.which_children())
                    .await
                    .ok()
                    .and_then(Result::ok),
                None => None,
            };
            let mut nodes = Vec::new();
            if let Some(listed) = listed {
                for child in listed {
                    match &child.state {
                        ChildState::Running(pid) => {
                            let found =
                                linked.and_then(|list| list.iter().find(|other| other.pid == *pid));
                            if let Some(found) = found {
                                let mut node = self.node(found, child.id.clone()).await;
                                node.kind = kind_word(child.child_type);
                                nodes.push(node);
                            }
                        }
                        ChildState::Restarting | ChildState::NotRunning => {
                            nodes.push(TreeNode {
                                id: child.id.clone(),
                                kind: kind_word(child.child_type),
                                state: if child.state == ChildState::Restarting {
                                    "restarting"
                                } else {
                                    "not_running"
                                },
                                ..TreeNode::default()
                            });
                        }
                    }
                }
            } else if let Some(linked) = linked {
                for child in linked {
                    nodes.push(self.node(child, None).await);
                }
            }
            let is_supervisor = supervisor.is_some() || info.server.contains("Supervisor");
            TreeNode {
                id,
                pid: Some(info.pid.to_string()),
                name: info.name.as_deref().map(str::to_owned),
                server: short_type(info.server),
                kind: if is_supervisor {
                    "supervisor"
                } else {
                    "worker"
                },
                state: "running",
                restart: None,
                restarts: None,
                last_restart: None,
                deadlocked: self.deadlocked.contains(&info.pid.id()),
                children: nodes,
            }
        })
    }
}

struct Nodes<'a> {
    by_id: &'a HashMap<u64, &'a ProcessInfo>,
    deadlocked: &'a HashSet<u64>,
}

impl Nodes<'_> {
    fn supervisor(&self, tree: &SupervisionTree, id: Option<String>) -> TreeNode {
        TreeNode {
            id,
            pid: Some(tree.pid.to_string()),
            name: tree.name.as_deref().map(str::to_owned),
            server: supervisor_word(tree.kind).to_owned(),
            kind: "supervisor",
            state: "running",
            restart: None,
            restarts: None,
            last_restart: None,
            deadlocked: self.deadlocked.contains(&tree.pid.id()),
            children: self.children(tree),
        }
    }

    /// A supervisor's children in start order; a dynamic or task supervisor's, which come in
    /// no particular order, by pid, so that the page draws them in the same order each time.
    fn children(&self, tree: &SupervisionTree) -> Vec<TreeNode> {
        let mut children: Vec<&SupervisedChild> = tree.children.iter().collect();
        if tree.kind != SupervisorKind::Supervisor {
            children.sort_by_key(|child| child.pid.as_ref().map(Pid::id));
        }
        children
            .into_iter()
            .map(|child| self.child(child))
            .collect()
    }

    fn child(&self, child: &SupervisedChild) -> TreeNode {
        let mut node = if let Some(subtree) = &child.subtree {
            self.supervisor(subtree, child.id.clone())
        } else {
            let info = child.pid.as_ref().and_then(|pid| self.by_id.get(&pid.id()));
            TreeNode {
                id: child.id.clone(),
                pid: child.pid.as_ref().map(Pid::to_string),
                name: info.and_then(|info| info.name.as_deref().map(str::to_owned)),
                server: info.map_or_else(
                    || {
                        if child.pid.is_none() && child.state == SupervisedState::Running {
                            "Task".to_owned()
                        } else {
                            String::new()
                        }
                    },
                    |info| short_type(info.server),
                ),
                kind: kind_word(child.child_type),
                deadlocked: child
                    .pid
                    .as_ref()
                    .is_some_and(|pid| self.deadlocked.contains(&pid.id())),
                ..TreeNode::default()
            }
        };
        node.state = state_word(child.state);
        node.restart = Some(restart_word(child.restart));
        node.restarts = Some(u64::from(child.restarts));
        node.last_restart = child.last_restart.map(epoch_millis);
        node
    }
}

fn supervisor_word(kind: SupervisorKind) -> &'static str {
    match kind {
        SupervisorKind::DynamicSupervisor => "DynamicSupervisor",
        SupervisorKind::TaskSupervisor => "TaskSupervisor",
        _ => "Supervisor",
    }
}

fn kind_word(kind: ChildType) -> &'static str {
    match kind {
        ChildType::Supervisor => "supervisor",
        ChildType::Worker => "worker",
    }
}

fn state_word(state: SupervisedState) -> &'static str {
    match state {
        SupervisedState::Running => "running",
        SupervisedState::Restarting => "restarting",
        _ => "not_running",
    }
}

fn restart_word(restart: Restart) -> &'static str {
    match restart {
        Restart::Permanent => "permanent",
        Restart::Transient => "transient",
        Restart::Temporary => "temporary",
    }
}

/// A system request's failure as the page shows it.
fn sys_error(pid: &Pid, what: &str, error: &SysError) -> ApiError {
    match error {
        SysError::NoProc => ApiError::no_process(&pid.to_string()),
        SysError::Timeout => ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "timeout",
            format!(
                "{pid} did not answer the {what} within {} s: it is busy in a callback (or \
                 stuck in one); the request stays queued and is carried out when it gets to it",
                SYS_TIMEOUT.as_secs()
            ),
        ),
        other => ApiError::new(
            StatusCode::CONFLICT,
            "sys_error",
            format!("the {what} of {pid} failed: {other}"),
        ),
    }
}

/// The process's state as text (`:sys.get_state/1`), through its `Debug`.
pub(crate) async fn get_state(pid: &Pid) -> Result<String, ApiError> {
    sys::get_state_timeout(pid, SYS_TIMEOUT)
        .await
        .map_err(|error| sys_error(pid, "state request", &error))
}

/// Suspends the process (`:sys.suspend/1`): it queues messages and handles only system
/// requests until resumed.
pub(crate) async fn suspend(pid: &Pid) -> Result<(), ApiError> {
    sys::suspend_timeout(pid, SYS_TIMEOUT)
        .await
        .map_err(|error| sys_error(pid, "suspend", &error))
}

/// Resumes a suspended process (`:sys.resume/1`).
pub(crate) async fn resume(pid: &Pid) -> Result<(), ApiError> {
    sys::resume_timeout(pid, SYS_TIMEOUT)
        .await
        .map_err(|error| sys_error(pid, "resume", &error))
}

/// Logs the process's next [`TRACE_MESSAGES`] messages (their kind and handler, never their
/// contents) as `tracing` events, or stops (`:sys.trace/2`).
pub(crate) async fn trace(pid: &Pid, on: bool) -> Result<(), ApiError> {
    let messages = if on { TRACE_MESSAGES } else { 0 };
    sys::trace_timeout(pid, messages, SYS_TIMEOUT)
        .await
        .map_err(|error| sys_error(pid, "trace request", &error))
}
