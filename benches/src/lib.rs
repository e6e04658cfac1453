//! The benchmark suite of `BENCHMARKS.md`: otp-core beside a hand-written tokio actor.
//!
//! Every workload is written once, generic over [`Counter`]: a counter actor with one cast
//! (`add`), two calls (`get`, `worker`) and an orderly stop. Each implementation under test is a
//! type that implements it: ours ([`ours::Ours`]), the hand-written actor
//! ([`hand_written::HandWritten`], an unbounded mpsc and a oneshot per call) and its variants,
//! and, behind the `peers` feature, ractor, kameo and actix. Workloads run on the runtime of
//! [`runtime::runtime`]: tokio's multi-thread scheduler with 2 workers, the client spawned as a
//! task on a worker (actix, which runs on its own single-threaded `System`, overrides
//! [`Counter::run`]).
//!
//! Workloads E to J ([`workloads_more`]: supervisor restarts, registry and table lookups, PubSub
//! broadcast, `async_stream`, many children of one supervisor) are not about a counter: each
//! compares otp-core's feature with what a tokio user writes by hand for the same job. K and L
//! ([`contention`]) put one counter under 16 casting or calling threads.
//!
//! The `suite` bench binary runs them all and prints one line per figure; `scripts/bench` runs
//! it five times and `suite report` turns the lines into the table of `BENCHMARKS.md`.
//!
//! [`jobs`] is the durable-jobs benchmark (`benches/jobs.rs`, `scripts/bench-jobs`): otp-jobs
//! on SQLite and PostgreSQL, beside riverqueue, awa and apalis under `peers`.
//!
//! The cross-node benchmark is a bench target of its own (`benches/cluster.rs`,
//! `scripts/bench-cluster`): otp-cluster's PubSub and singletons on PostgreSQL.

pub mod contention;
pub mod hand_written;
pub mod impls;
pub mod jobs;
pub mod memory;
pub mod ours;
#[cfg(feature = "peers")]
pub mod peers;
pub mod report;
pub mod runtime;
pub mod workloads;
pub mod workloads_more;

use std::future::Future;

/// A counter actor, as each implementation under test provides it.
///
/// The state is one `u64`. `start` returns once the actor's init has run, like
/// `GenServer.start`. All the methods are called from a task on a runtime worker.
pub trait Counter: Clone + Send + Sync + Sized + 'static {
    /// Starts a counter at zero and waits until its init has run.
    fn start() -> impl Future<Output = Self> + Send;
    /// A cast: adds `n` to the count; never waits.
    fn add(&self, n: u64);
    /// A call: the count.
    fn get(&self) -> impl Future<Output = u64> + Send;
    /// A call: the index of the runtime worker the actor's handler ran on.
    fn worker(&self) -> impl Future<Output = usize> + Send;
    /// Stops the actor and waits until it has exited.
    fn stop(self) -> impl Future<Output = ()> + Send;

    /// Runs a workload's client where this implementation's actors live and returns its
    /// output: by default as a task on a worker of [`runtime::runtime`].
    fn run<F>(client: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        runtime::run_on_worker(client)
    }
}
