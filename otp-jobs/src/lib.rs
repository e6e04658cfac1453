//! Durable background jobs in the manner of Elixir's Oban: jobs kept in the database (SQLite, the
//! embedded default, or PostgreSQL, which many nodes share), retried with backoff, scheduled,
//! unique, and run by supervised queues.

mod error;
mod job;
mod store;
mod worker;

pub use error::{FailedOutcome, JobError};
pub use job::{AttemptError, Job, JobState, UnknownJobState};
pub use otp_macros::worker;
pub use store::StoreError;
pub use worker::{IntoPerformResult, JobArgs, Unique, UniqueField, Worker, default_backoff};
