//! The seam between the runtime (queues, stager, lifeline, pruner, cron) and a database engine.
//!
//! Every engine implements [`Store`]; the runtime holds an `Arc<dyn Store>` and never writes SQL.
//! All times are the database's clock (`now()` in SQL), never a node's, so that nodes with skewed
//! clocks agree; durations cross the seam, absolute times only when a user gave one.

use crate::runtime::signal::{Notification, QueueSignal};
use crate::{Job, JobState};
use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

#[cfg(feature = "postgres")]
pub(crate) mod postgres;
#[cfg(feature = "sqlite")]
pub(crate) mod sqlite;
#[cfg(feature = "sqlite")]
pub(crate) use sqlite::{SqliteStore, insert_jobs as insert_sqlite_jobs};

/// A boxed future: the store is used as `dyn Store`, and a database round trip dwarfs the box.
pub(crate) type StoreFuture<'a, T> =
    Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// When an inserted job becomes available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// Available at once.
    Now,
    /// Scheduled, available after this long (from the database's now).
    In(Duration),
    /// Scheduled until this instant (available at once if it is past).
    At(DateTime<Utc>),
}

/// A job to insert, every option resolved.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JobInsert {
    pub(crate) queue: String,
    pub(crate) worker: String,
    pub(crate) args: serde_json::Value,
    pub(crate) meta: serde_json::Value,
    pub(crate) max_attempts: u32,
    pub(crate) priority: u8,
    pub(crate) schedule: Schedule,
    pub(crate) unique: Option<UniqueInsert>,
}

/// The uniqueness of one insert, computed by the runtime from the worker's [`Unique`](crate::Unique).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UniqueInsert {
    /// A digest of the compared fields; a unique index on it makes concurrent inserts safe.
    pub(crate) key: String,
    /// An existing job inserted longer ago than this does not conflict; `None`: forever.
    pub(crate) period: Option<Duration>,
    /// An existing job in another state does not conflict.
    pub(crate) states: Vec<JobState>,
}

/// A fetched attempt: the job (state executing, attempt counted) and the token that fences it:
/// every later change of the row by this attempt must present the token, and a rescue or a new
/// fetch replaces it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Attempt {
    pub(crate) job: Job,
    pub(crate) token: i64,
}

/// How an attempt ended, as the runtime decided from `perform`'s result and the job's attempts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Completion {
    /// → completed.
    Completed,
    /// → retryable, due after `backoff`; `error` appended to the job's errors.
    Retry { backoff: Duration, error: String },
    /// → discarded (attempts used up); `error` appended.
    Discard { error: String },
    /// → cancelled; `reason` appended as the attempt's error.
    Cancel { reason: String },
    /// → scheduled after `delay`; the attempt is given back (attempt - 1), nothing appended.
    Snooze { delay: Duration },
}

/// One completion of a batch.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CompletionRequest {
    pub(crate) job_id: i64,
    pub(crate) token: i64,
    pub(crate) completion: Completion,
}

/// What a completion did: applied, or refused because the attempt was fenced (rescued, cancelled,
/// or run again meanwhile).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CompletionOutcome {
    Applied,
    Fenced,
}

/// What a round of the stager did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Staged {
    /// The queues that got jobs, with every queue that has available jobs, by name.
    pub(crate) queues: Vec<String>,
    /// How long until the earliest job still waiting (scheduled or retryable) is due, by the
    /// database's clock; `None` when no job waits, or when the engine does not say (SQLite,
    /// whose stager runs every interval).
    pub(crate) next_due: Option<Duration>,
}

/// A query over jobs, for the testing helpers and the observer.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct JobFilter {
    pub(crate) worker: Option<String>,
    pub(crate) queue: Option<String>,
    pub(crate) states: Vec<JobState>,
    /// The job's args must contain this JSON object (every key with an equal value).
    pub(crate) args_contain: Option<serde_json::Value>,
    pub(crate) limit: Option<u32>,
}

/// A database error, or a row the store could not read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database refused or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A stored row does not read back (a state or a JSON column out of shape).
    #[error("job {id}: {reason}")]
    Corrupt {
        /// The job's id (0 when the row is not a job's).
        id: i64,
        /// What does not read back.
        reason: String,
    },
}

/// A database engine as the runtime uses it. Every method is one short transaction (or one
/// statement); none holds a connection between calls.
pub(crate) trait Store: Send + Sync + 'static {
    /// Applies the embedded migrations (idempotent; safe from many nodes at once).
    fn migrate(&self) -> StoreFuture<'_, ()>;

    /// Inserts jobs in one transaction, in order. A unique job that conflicts returns the existing
    /// row with `conflict = true` instead. On PostgreSQL, wakes other nodes' queues with a NOTIFY
    /// whose payload is only the queue's name, sent by the insert statement itself: a single job
    /// (or a batch without unique jobs) is one statement, one round trip, with no BEGIN and
    /// COMMIT of its own.
    fn insert(&self, jobs: Vec<JobInsert>) -> StoreFuture<'_, Vec<Job>>;

    /// Takes up to `limit` available jobs of `queue` (priority, then `scheduled_at`, then id),
    /// marks them executing by `node`, counts the attempt, and gives each a new token. On
    /// PostgreSQL with `FOR UPDATE SKIP LOCKED`, so nodes never take the same job.
    fn fetch(&self, queue: &str, node: &str, limit: u32) -> StoreFuture<'_, Vec<Attempt>>;

    /// Applies a batch of completions; each is applied only if the job is still executing under
    /// the request's token.
    fn complete(&self, batch: Vec<CompletionRequest>) -> StoreFuture<'_, Vec<CompletionOutcome>>;

    /// Whether two writes may run at once without waiting on each other: true with row locks
    /// (PostgreSQL), false with one writer for the whole database (SQLite). The queues apply a
    /// batch of completions and fetch at the same time only where it is true.
    fn concurrent_writes(&self) -> bool {
        true
    }

    /// Whether other nodes may share the database (PostgreSQL): a queue signal may concern a
    /// queue that does not run here. False on SQLite, one node.
    fn multi_node(&self) -> bool {
        true
    }

    /// A reading that changes whenever any connection commits a write to the database (this
    /// node's or another program's), cheap enough to take every stage interval; `None` when the
    /// engine cannot tell (PostgreSQL, whose notifications say what changed; SQLite in memory).
    /// Where it is equal to the last round's, and no job has fallen due since, the stager skips
    /// its round.
    fn data_version(&self) -> Option<u64> {
        None
    }

    /// Makes due scheduled and retryable jobs available (all of them when `include_future`, for
    /// testing), in `queue` or in every queue; returns the queues that got jobs (with those
    /// that have available jobs) and when the next waiting job is due.
    fn stage(&self, queue: Option<&str>, include_future: bool) -> StoreFuture<'_, Staged>;

    /// Records that `node` is alive for `lease` from the database's now.
    fn heartbeat(&self, node: &str, lease: Duration) -> StoreFuture<'_, ()>;

    /// Removes `node`'s heartbeat (a clean shutdown).
    fn leave(&self, node: &str) -> StoreFuture<'_, ()>;

    /// The nodes whose lease has not expired.
    fn live_nodes(&self) -> StoreFuture<'_, Vec<String>>;

    /// Rescues jobs left executing by nodes whose lease expired (never because a job runs long):
    /// back to available with the error "node <n> died during attempt <a>" recorded, or discarded
    /// when their attempts are used up. The token is cleared, fencing the lost attempt.
    fn rescue_orphans(&self) -> StoreFuture<'_, Vec<Job>>;

    /// Takes or keeps the lease on `role` ("cron", "pruner") for `node`; true while it leads.
    fn try_lead(&self, role: &str, node: &str, lease: Duration) -> StoreFuture<'_, bool>;

    /// Deletes up to `limit` finished jobs (completed, discarded, cancelled) older than `max_age`.
    fn prune(&self, max_age: Duration, limit: u32) -> StoreFuture<'_, u64>;

    /// One job by id.
    fn get(&self, id: i64) -> StoreFuture<'_, Option<Job>>;

    /// Jobs matching the filter, by id.
    fn list(&self, filter: JobFilter) -> StoreFuture<'_, Vec<Job>>;

    /// Counts by queue and state (only non-zero counts).
    fn counts(&self) -> StoreFuture<'_, Vec<(String, JobState, u64)>>;

    /// Cancels a job that is not finished (an executing one is fenced: its attempt's completion
    /// will be refused); returns it after the change, `None` if there is no such job.
    fn cancel(&self, id: i64) -> StoreFuture<'_, Option<Job>>;

    /// What every node says, this one included: wake-ups when a node makes jobs available in a
    /// queue or inserts a scheduled job, and queue control signals. `None` when the engine has
    /// none: SQLite (one node; the runtime wakes its own queues on insert), and PostgreSQL behind
    /// a pooler in transaction mode, where LISTEN silently receives nothing (found at connect,
    /// or when the listener does not hear itself; a warning says so). Without notifications the
    /// stager runs every stage interval and wakes the queues that have available jobs.
    fn notifications(&self) -> StoreFuture<'_, Option<UnboundedReceiver<Notification>>>;

    /// Sends a queue control signal to every other node (PostgreSQL's `NOTIFY`); nothing on
    /// SQLite, whose one node is the sender.
    fn signal(&self, signal: &QueueSignal) -> StoreFuture<'_, ()>;

    /// Makes a job that is not executing available now, giving it one more attempt if it used
    /// them all (Oban's `retry_job`); returns it after the change.
    fn retry(&self, id: i64) -> StoreFuture<'_, Option<Job>>;
}
