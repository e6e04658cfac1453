//! The durable-jobs benchmark (`benches/jobs.rs`, `scripts/bench-jobs`): otp-jobs on each engine
//! and, behind the `peers` feature, riverqueue, awa and apalis, with the same workloads.
//!
//! Every implementation is a [`JobQueue`]: it opens a fresh database ([`Database`]: a SQLite
//! file in a temporary directory, or a PostgreSQL database created for the measurement and
//! dropped after it), inserts no-op jobs into queue `bench`, and runs them at a given
//! concurrency, each perform adding one to a shared [`Performed`] count. The workloads
//! ([`workloads`]) time inserts, the way from inserted to completed, and the CPU an idle
//! node spends while jobs wait for a time an hour ahead.

pub mod database;
pub mod ours;
#[cfg(feature = "peers")]
pub mod peers;
pub mod workloads;

pub use database::{Database, Engine};

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Any implementation's error, as text enough for the report.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// How many performs ran, shared with the workers (each no-op perform adds one).
#[derive(Debug, Default)]
pub struct Performed(AtomicU64);

impl Performed {
    /// One more perform.
    pub fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }

    /// The performs so far.
    #[must_use]
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A job queue under test, on one database. Its jobs are no-op jobs in queue `bench`.
pub trait JobQueue: Sized + Send + Sync + 'static {
    /// The implementation's name, a column of the table.
    const NAME: &'static str;

    /// Whether it runs on `engine`.
    fn supports(engine: Engine) -> bool;

    /// Opens `database`, applies the implementation's migrations, runs nothing yet.
    fn open(database: &Database) -> impl Future<Output = Result<Self, BoxError>> + Send;

    /// Inserts one job, due now, by itself.
    fn insert_one(&self) -> impl Future<Output = Result<(), BoxError>> + Send;

    /// Inserts `count` jobs due now in one call (`insert_all`, `insert_many`).
    fn insert_batch(&self, count: usize) -> impl Future<Output = Result<(), BoxError>> + Send;

    /// Inserts `count` jobs due after `delay`.
    fn insert_scheduled(
        &self,
        count: usize,
        delay: Duration,
    ) -> impl Future<Output = Result<(), BoxError>> + Send;

    /// Starts running queue `bench` with `concurrency` jobs at once; every perform adds one to
    /// `performed`.
    fn run(
        &mut self,
        concurrency: u32,
        performed: Arc<Performed>,
    ) -> impl Future<Output = Result<(), BoxError>> + Send;

    /// How many jobs the database holds as completed.
    fn completed(&self) -> impl Future<Output = Result<u64, BoxError>> + Send;

    /// Stops running jobs and closes the database.
    fn stop(self) -> impl Future<Output = ()> + Send;
}
