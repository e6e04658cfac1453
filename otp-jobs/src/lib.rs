//! Durable background jobs in the manner of Elixir's Oban: jobs kept in the database (SQLite, the
//! embedded default, or PostgreSQL, which many nodes share), retried with backoff, scheduled,
//! unique, and run by supervised queues.
//!
//! A worker is a serde type with an async `perform` (write `impl Worker` by hand, or let
//! `#[worker(queue = "mailers", max_attempts = 3)]` write it); its value is the job's arguments.
//! A node is [`Jobs`], started from a [`JobsConfig`] alone or as a child of a supervisor, like
//! the guide's `{Oban, config}`:
//!
//! ```
//! use otp_jobs::prelude::*;
//! use std::time::Duration;
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct SendEmail { user_id: i64, template: String }
//!
//! impl Worker for SendEmail {
//!     const NAME: &'static str = "SendEmail";
//!     const QUEUE: &'static str = "mailers";
//!     const MAX_ATTEMPTS: u32 = 3;
//!
//!     async fn perform(self, job: &Job) -> Result<(), JobError> {
//!         println!("attempt {}: {} to user {}", job.attempt, self.template, self.user_id);
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = JobsConfig::sqlite_memory() // or JobsConfig::sqlite("jobs.db"), ::postgres(url)
//!     .queue("mailers", 20)
//!     .worker::<SendEmail>();
//! let jobs = Jobs::start_link(config).await?;
//!
//! let welcome = SendEmail { user_id: 1, template: "welcome".into() };
//! let job = welcome.new_job().insert(&jobs).await?;
//! let reminder = SendEmail { user_id: 1, template: "reminder".into() }
//!     .new_job()
//!     .schedule_in(Duration::from_secs(3600))
//!     .insert(&jobs)
//!     .await?;
//! assert_eq!(reminder.state, JobState::Scheduled);
//! # while jobs.job(job.id).await?.unwrap().state != JobState::Completed {
//! #     tokio::time::sleep(Duration::from_millis(10)).await;
//! # }
//! jobs.shutdown().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Semantics (Oban's)
//!
//! - Seven [states](JobState): scheduled, available, executing, retryable, completed, discarded,
//!   cancelled. `perform` returning `Ok` completes the job; an error, a panic or a timeout
//!   ([`Worker::TIMEOUT`]) makes it retryable after [`Worker::backoff`] (Oban's `15 + 2^attempt`
//!   seconds with jitter) and discarded when [`Worker::MAX_ATTEMPTS`] are used;
//!   [`JobError::cancel`] cancels it; [`JobError::snooze`] runs it again later without counting
//!   the attempt. Each failed attempt's message (the panic's, "timed out after 30s") is kept in
//!   [`Job::errors`].
//! - Fetch order: priority (0 first), then due time, then id. Each queue runs at most its limit
//!   of jobs at once on each node; [`Jobs::pause_queue`], [`Jobs::resume_queue`] and
//!   [`Jobs::scale_queue`] change that at run time on every node (on PostgreSQL, through
//!   `NOTIFY`), their `_local` variants on this node only. A pause returns once a fetch under
//!   way has ended: a job inserted afterwards is not taken by a paused queue.
//! - The stager makes due scheduled and retryable jobs available. On PostgreSQL with LISTEN
//!   working, it sleeps until the earliest waiting job is due (an insert of a scheduled job
//!   notifies every node of its due time; a retry or a snooze tells the local stager). On a
//!   SQLite file it looks every [`JobsConfig::stage_interval`] (a second) whether anything was
//!   committed (the WAL index, no statement) and runs only then (the node's own heartbeat
//!   included) or when a job falls due. A round runs at least every
//!   [`JobsConfig::max_stage_interval`]. Behind a pooler in transaction mode it runs every
//!   stage interval.
//!   Inserts wake the local queue at once (on PostgreSQL, every node's, through LISTEN/NOTIFY,
//!   sent when the transaction commits for [`NewJob::insert_in`]); on SQLite a job inserted in
//!   the caller's transaction is found by the stager's next round.
//! - Unique jobs ([`Unique`]): a database unique index on a digest of the compared fields decides,
//!   so concurrent inserts never duplicate; a duplicate insert returns the existing job with
//!   [`Job::conflict`] set.
//! - Nodes renew a heartbeat; the lifeline rescues the jobs of nodes whose heartbeat expired,
//!   never a job because it runs long. Every attempt carries a token: an attempt that was rescued
//!   or cancelled meanwhile cannot change the row when it ends (its completion is refused with a
//!   warning). Delivery is at least once. A queue process killed or crashed (while it records
//!   outcomes, too) is restarted and records what its predecessor left, so that no job stays
//!   executing on a node that lives.
//! - Shutdown ([`JobsConfig::shutdown_grace`], 15 s): queues stop fetching, running jobs get the
//!   grace to finish, and those still running are stopped and left to the lifeline, which runs
//!   them again (Oban's behaviour).
//! - The pruner (on one leader node) deletes finished jobs after [`JobsConfig::prune_after`];
//!   cron entries ([`JobsConfig::cron`]) are inserted by one leader node, once per tick.
//! - Each transition is a `tracing` event with `job.id`, `job.worker`, `job.queue` and
//!   `job.attempt`; each perform runs in a span `otp_jobs.perform`. [`Jobs::stats`] counts jobs by
//!   queue and state and flags a queue that stopped fetching.
//!
//! # Engines
//!
//! Each engine is a cargo feature, both on by default: `sqlite` ([`JobsConfig::sqlite`],
//! [`JobsConfig::sqlite_memory`]; SQLite's C source is compiled in) and `postgres`
//! ([`JobsConfig::postgres`], [`UnnamedStatements`]). An application on one engine leaves the
//! other out, and does not compile it:
//!
//! ```toml
//! otp-jobs = { version = "0.1", default-features = false, features = ["postgres"] }
//! ```
//!
//! # Testing
//!
//! [`Testing::Manual`] runs nothing by itself; [`Jobs::drain_queue`] runs a queue's due jobs and
//! counts the outcomes; [`testing::perform_job`] runs one worker; [`Jobs::assert_enqueued`] and
//! [`Jobs::all_enqueued`] query what is waiting. See [`testing`].

#[cfg(not(any(feature = "sqlite", feature = "postgres")))]
compile_error!(
    "otp-jobs needs an engine to keep its jobs in: enable its `sqlite` or `postgres` feature \
     (both are default features)"
);

mod config;
mod connection;
mod error;
mod job;
mod jobs;
mod jobs_error;
pub mod migrations;
mod new_job;
pub mod prelude;
mod queue_control;
mod registry;
mod runtime;
mod stats;
mod store;
pub mod testing;
mod worker;

pub use config::{JobsConfig, Testing};
pub use connection::JobsConnection;
#[cfg(feature = "postgres")]
pub use connection::UnnamedStatements;
pub use error::{FailedOutcome, JobError};
pub use job::{AttemptError, Job, JobState, UnknownJobState};
pub use jobs::Jobs;
pub use jobs_error::JobsError;
pub use new_job::NewJob;
#[doc = include_str!("worker_attribute.md")]
pub use otp_macros::worker;
pub use stats::{LocalQueue, QueueStats, Stats};
pub use store::StoreError;
pub use worker::{
    IntoPerformResult, JobArgs, Unique, UniqueField, Worker, WorkerExt, default_backoff,
};
