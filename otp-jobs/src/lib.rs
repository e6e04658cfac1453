//! Durable background jobs in the manner of Elixir's Oban: jobs kept in the database (SQLite, the
//! embedded default, or PostgreSQL, which many nodes share), retried with backoff, scheduled,
//! unique, and run by supervised queues.

mod config;
mod connection;
mod error;
mod job;
mod jobs;
mod jobs_error;
pub mod migrations;
mod new_job;
pub mod prelude;
mod registry;
mod runtime;
mod stats;
mod store;
pub mod testing;
mod worker;

pub use config::{JobsConfig, Testing};
pub use connection::JobsConnection;
pub use error::{FailedOutcome, JobError};
pub use job::{AttemptError, Job, JobState, UnknownJobState};
pub use jobs::Jobs;
pub use jobs_error::JobsError;
pub use new_job::NewJob;
pub use otp_macros::worker;
pub use stats::{LocalQueue, QueueStats, Stats};
pub use store::StoreError;
pub use worker::{IntoPerformResult, JobArgs, Unique, UniqueField, Worker, default_backoff};
