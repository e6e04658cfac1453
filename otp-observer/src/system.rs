//! Everything the observer asks of a process beyond `observe`'s snapshot: its supervision tree,
//! its state, suspending, resuming and tracing it. Kept in one module: the one place that knows
//! how otp-core answers these.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use axum::http::StatusCode;
use otp_core::observe::ProcessInfo;
use otp_core::{ChildState, ChildType, Pid, SupervisorRef};

use crate::ApiError;
use crate::model::{TreeNode, short_type};

/// How long a supervisor may take to list its children before the tree is drawn from parent
/// links alone.
const ASK_TIMEOUT: Duration = Duration::from_secs(1);

/// Every supervision tree: each process without a live parent that has children, with its
/// descendants. A supervisor's children come in its own order, with their ids, and children
/// being restarted show without a pid; any other process's children come from parent links.
pub(crate) async fn supervision_trees(
    snapshot: &[ProcessInfo],
    deadlocked: &HashSet<u64>,
) -> Vec<TreeNode> {
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

fn kind_word(kind: ChildType) -> &'static str {
    match kind {
        ChildType::Supervisor => "supervisor",
        ChildType::Worker => "worker",
    }
}

fn not_available(what: &str) -> ApiError {
    ApiError::new(
        StatusCode::NOT_IMPLEMENTED,
        "not_available",
        format!("{what} is not available in this build of otp-core"),
    )
}

/// The process's state as text (`:sys.get_state/1`).
#[allow(clippy::unused_async)]
pub(crate) async fn get_state(pid: &Pid) -> Result<String, ApiError> {
    let _ = pid;
    Err(not_available("reading a process's state"))
}

/// Suspends the process (`:sys.suspend/1`).
#[allow(clippy::unused_async)]
pub(crate) async fn suspend(pid: &Pid) -> Result<(), ApiError> {
    let _ = pid;
    Err(not_available("suspend"))
}

/// Resumes a suspended process (`:sys.resume/1`).
#[allow(clippy::unused_async)]
pub(crate) async fn resume(pid: &Pid) -> Result<(), ApiError> {
    let _ = pid;
    Err(not_available("resume"))
}

/// Turns tracing of the process's messages on or off (`:sys.trace/2`).
#[allow(clippy::unused_async)]
pub(crate) async fn trace(pid: &Pid, on: bool) -> Result<(), ApiError> {
    let _ = (pid, on);
    Err(not_available("trace"))
}
