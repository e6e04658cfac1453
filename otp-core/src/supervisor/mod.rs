//! Supervisors: `Supervisor` and `DynamicSupervisor`, with OTP's strategies, restart types,
//! restart intensity and ordered shutdown.
//!
//! A supervisor is a process that traps exits and starts its children linked to itself. When a
//! child exits, the supervisor restarts it, and the siblings its strategy names, as the child's
//! restart type says; more than `max_restarts` restarts within `max_seconds` and it stops all its
//! children, in reverse start order, and exits with `Shutdown`, for its own supervisor to
//! handle.
//!
//! A restart that fails is tried again through the supervisor's mailbox (OTP's
//! `try_again_restart`), each try counting toward the intensity; meanwhile the child is
//! [`ChildState::Restarting`], and requests are answered between two tries.
//!
//! Where Rust asks for another shape than OTP: a child asked to stop runs its `terminate`
//! whether or not it traps exits (OTP runs it only in a child that traps exits), since
//! `#[terminate]` here runs on every orderly stop; a spec's start is a function that starts the
//! child linked to the supervisor and returns its pid; and before each retry of a failed
//! restart the supervisor yields to tokio's scheduler, which does not preempt a task as OTP's
//! preempts a process, so a start that fails at once cannot keep callers' requests out of the
//! mailbox until the intensity is spent.

mod child_spec;
mod dynamic;
#[allow(unreachable_pub, missing_docs)]
mod dynamic_server;
mod error;
mod intensity;
mod server;
mod shutdown;
mod spec;

pub(crate) use child_spec::start_timeout_in_scope;
pub use child_spec::{
    Child, ChildDefaults, ChildSpec, ChildType, Restart, Shutdown, genserver_child_handle,
    genserver_child_spec,
};
pub use dynamic::{
    DynamicSupervisor, DynamicSupervisorOptions, DynamicSupervisorRef, StartChildError,
};
pub use error::{ChildCounts, ChildInfo, ChildState, SupervisorError};
pub use spec::{AutoShutdown, Strategy, SupervisorRef, SupervisorSpec};

use std::time::Duration;

use crate::observe::{SupervisedChild, SupervisorKind};
use crate::{CallError, Pid, ServerRef, TaskSupervisorRef};

/// Whether `pid` is a supervisor, a dynamic supervisor or a task supervisor: its type alone,
/// no message.
pub(crate) fn is_supervisor(pid: &Pid) -> bool {
    ServerRef::<server::SupervisorServer>::from_pid(pid).is_some()
        || ServerRef::<dynamic_server::DynamicServer>::from_pid(pid).is_some()
        || TaskSupervisorRef::from_pid(pid).is_some()
}

/// The children of the supervisor `pid` as the supervision tree shows them, asked within
/// `timeout`; `None` when `pid` is a live process that is not a supervisor.
pub(crate) async fn children_report(
    pid: &Pid,
    timeout: Duration,
) -> Option<Result<(SupervisorKind, Vec<SupervisedChild>), CallError>> {
    if !pid.is_alive() {
        return Some(Err(CallError::NoProc));
    }
    if let Some(server) = ServerRef::<server::SupervisorServer>::from_pid(pid) {
        let server: server::SupervisorServerRef = server.into();
        let children = server.tree_children().timeout(timeout).await;
        return Some(children.map(|children| (SupervisorKind::Supervisor, children)));
    }
    if let Some(server) = ServerRef::<dynamic_server::DynamicServer>::from_pid(pid) {
        let server: dynamic_server::DynamicServerRef = server.into();
        let children = server.tree_children().timeout(timeout).await;
        return Some(children.map(|children| (SupervisorKind::DynamicSupervisor, children)));
    }
    let tasks = TaskSupervisorRef::from_pid(pid)?;
    Some(Ok((SupervisorKind::TaskSupervisor, tasks.tree_children())))
}
