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
