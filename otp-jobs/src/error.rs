//! What a failed `perform` returns: an error (retry with backoff), a cancel, or a snooze.

use std::fmt;
use std::time::Duration;

/// The unsuccessful outcomes of [`Worker::perform`](crate::Worker::perform), as Oban's
/// `{:error, reason}`, `{:cancel, reason}` and `{:snooze, seconds}`.
///
/// Any error converts into one with `?` (as `anyhow::Error` does, `JobError` is not itself a
/// `std::error::Error`, which is what lets every error type convert into it):
///
/// ```
/// use otp_jobs::JobError;
/// use std::time::Duration;
///
/// fn parse(text: &str) -> Result<u32, JobError> {
///     Ok(text.parse::<u32>()?) // a failed attempt: retried with backoff
/// }
/// assert!(matches!(parse("x").unwrap_err().outcome(), otp_jobs::FailedOutcome::Error(_)));
///
/// let cancel = JobError::cancel("the user was deleted"); // cancelled, never retried
/// let snooze = JobError::snooze(Duration::from_secs(60)); // again in a minute, attempt not spent
/// assert_eq!(cancel.to_string(), "cancelled: the user was deleted");
/// assert_eq!(snooze.to_string(), "snoozed for 60s");
/// ```
pub struct JobError {
    outcome: FailedOutcome,
}

/// What a [`JobError`] asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailedOutcome {
    /// The attempt failed: the job is retried after its backoff, or discarded when its attempts
    /// are used up. The message is kept in the job's errors.
    Error(String),
    /// The job is cancelled and never retried; the reason is kept in the job's errors.
    Cancel(String),
    /// The job runs again after this long; the attempt is not counted.
    Snooze(Duration),
}

impl JobError {
    /// A failed attempt with this message.
    #[must_use]
    pub fn msg(message: impl fmt::Display) -> Self {
        Self {
            outcome: FailedOutcome::Error(message.to_string()),
        }
    }

    /// Cancels the job (Oban's `{:cancel, reason}`).
    #[must_use]
    pub fn cancel(reason: impl fmt::Display) -> Self {
        Self {
            outcome: FailedOutcome::Cancel(reason.to_string()),
        }
    }

    /// Runs the job again after `delay` without counting the attempt (Oban's `{:snooze, s}`).
    #[must_use]
    pub fn snooze(delay: Duration) -> Self {
        Self {
            outcome: FailedOutcome::Snooze(delay),
        }
    }

    /// What this error asks for.
    #[must_use]
    pub fn outcome(&self) -> &FailedOutcome {
        &self.outcome
    }

    /// Consumes the error into what it asks for.
    #[must_use]
    pub fn into_outcome(self) -> FailedOutcome {
        self.outcome
    }
}

impl<E: std::error::Error + Send + Sync + 'static> From<E> for JobError {
    fn from(error: E) -> Self {
        Self::msg(error)
    }
}

impl fmt::Display for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            FailedOutcome::Error(message) => f.write_str(message),
            FailedOutcome::Cancel(reason) => write!(f, "cancelled: {reason}"),
            FailedOutcome::Snooze(delay) => write!(f, "snoozed for {delay:?}"),
        }
    }
}

impl fmt::Debug for JobError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.outcome, f)
    }
}
