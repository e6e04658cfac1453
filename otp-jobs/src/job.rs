//! A job as stored: its state machine and its row.

use chrono::{DateTime, Utc};
use std::fmt;
use std::str::FromStr;

/// The seven states of a job, as Oban names them.
///
/// ```text
/// insert ──> available ──fetch──> executing ──ok──────────────> completed
///   │            ^                    │ ──error/panic/timeout──> retryable ──stager──> available
///   │            │                    │    (attempts used up) ──> discarded
///   └─(later)─> scheduled ──stager────┘ ──cancel──────────────> cancelled
///                    ^────────────────────snooze
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum JobState {
    /// Waiting for its `scheduled_at`; the stager makes it available when due.
    Scheduled,
    /// Ready to be fetched by a queue.
    Available,
    /// Running on a node.
    Executing,
    /// Failed an attempt; available again at its `scheduled_at` (now + backoff).
    Retryable,
    /// Performed successfully.
    Completed,
    /// Failed its last attempt.
    Discarded,
    /// Cancelled by its worker or by [`Jobs::cancel`](crate::Jobs::cancel).
    Cancelled,
}

impl JobState {
    /// Every state, in the order of the enum.
    pub const ALL: [JobState; 7] = [
        JobState::Scheduled,
        JobState::Available,
        JobState::Executing,
        JobState::Retryable,
        JobState::Completed,
        JobState::Discarded,
        JobState::Cancelled,
    ];

    /// The state's name as stored in the database (`"available"`).
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            JobState::Scheduled => "scheduled",
            JobState::Available => "available",
            JobState::Executing => "executing",
            JobState::Retryable => "retryable",
            JobState::Completed => "completed",
            JobState::Discarded => "discarded",
            JobState::Cancelled => "cancelled",
        }
    }

    /// Whether a job in this state is finished (completed, discarded or cancelled).
    #[must_use]
    pub const fn is_finished(self) -> bool {
        matches!(
            self,
            JobState::Completed | JobState::Discarded | JobState::Cancelled
        )
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored state name that is not one of the seven.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a job state (expected one of scheduled, available, executing, retryable, completed, discarded, cancelled)"
)]
pub struct UnknownJobState(pub String);

impl FromStr for JobState {
    type Err = UnknownJobState;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        JobState::ALL
            .into_iter()
            .find(|state| state.as_str() == text)
            .ok_or_else(|| UnknownJobState(text.to_owned()))
    }
}

/// One attempt's error, kept on the job row (Oban's `errors` list).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AttemptError {
    /// The attempt that failed (1 for the first).
    pub attempt: u32,
    /// When it failed.
    pub at: DateTime<Utc>,
    /// The error's message, the panic's message, or the timeout.
    pub error: String,
}

/// A job as stored: what `perform` receives beside its arguments, and what inserts and queries
/// return.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Job {
    /// The job's id, unique in its database.
    pub id: i64,
    /// Its state.
    pub state: JobState,
    /// The queue it runs in.
    pub queue: String,
    /// The name of the worker that performs it ([`Worker::NAME`](crate::Worker::NAME)).
    pub worker: String,
    /// Its arguments: the worker's value as JSON.
    pub args: serde_json::Value,
    /// Free-form metadata given at insert.
    pub meta: serde_json::Value,
    /// The attempts started so far (the running one included).
    pub attempt: u32,
    /// The attempts it may take before it is discarded.
    pub max_attempts: u32,
    /// 0 (first) to 9 (last).
    pub priority: u8,
    /// One entry per failed attempt, oldest first.
    pub errors: Vec<AttemptError>,
    /// When it was inserted.
    pub inserted_at: DateTime<Utc>,
    /// When it is (or was) due.
    pub scheduled_at: DateTime<Utc>,
    /// When its last attempt started.
    pub attempted_at: Option<DateTime<Utc>>,
    /// The node that ran its last attempt.
    pub attempted_by: Option<String>,
    /// When it reached completed, discarded or cancelled.
    pub finished_at: Option<DateTime<Utc>>,
    /// On an insert of a unique job: true when an existing job was returned instead of a new one
    /// (Oban's `conflict?`).
    pub conflict: bool,
}
