//! Reading how a tokio task ended.

use tokio::task::JoinError;

use crate::ExitReason;

/// The exit of a task that gave no value: its panic, or `Killed` when it was stopped.
pub(super) fn exit_of(error: JoinError) -> ExitReason {
    if error.is_panic() {
        ExitReason::from_panic(&*error.into_panic())
    } else {
        ExitReason::Killed
    }
}
