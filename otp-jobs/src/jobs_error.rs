//! `JobsError`: what inserting, querying or starting the jobs runtime can fail with.

use crate::StoreError;

/// An error of the jobs API (not of a job: a job's failures are [`JobError`](crate::JobError)s
/// kept on its row).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobsError {
    /// The database refused, could not be reached, or returned a row that does not read back.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A worker's value does not serialize to JSON.
    #[error("the arguments of a `{worker}` job do not serialize to JSON: {reason}")]
    Args {
        /// The worker's name.
        worker: String,
        /// The serializer's message.
        reason: String,
    },
    /// An option out of range, an invalid cron expression, an unknown engine.
    #[error("invalid jobs configuration: {0}")]
    Config(String),
    /// No queue of that name runs on this node.
    #[error("no queue `{0}` runs on this node")]
    UnknownQueue(String),
    /// The runtime (or the queue asked) is not running.
    #[error("the jobs runtime is not running: {0}")]
    NotRunning(String),
}

impl From<otp_core::SupervisorError> for JobsError {
    fn from(error: otp_core::SupervisorError) -> Self {
        JobsError::NotRunning(error.to_string())
    }
}
