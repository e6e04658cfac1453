//! The runtime every workload runs on: tokio's multi-thread scheduler with 2 workers, the
//! client spawned as a task on a worker (not the future of `block_on`, which runs on the main
//! thread and would make every reply hop threads).

use std::cell::Cell;
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::runtime::{Builder, Runtime};

thread_local! {
    static WORKER: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// The runtime of the workloads: 2 worker threads, time and IO drivers enabled. Its threads
/// are numbered from 0, so a task can tell which one it runs on ([`current_worker`]).
///
/// # Panics
///
/// When the runtime cannot be built (no threads left).
#[must_use]
pub fn runtime() -> Runtime {
    runtime_with_workers(2)
}

/// [`runtime`] with `workers` worker threads instead of 2.
///
/// # Panics
///
/// When the runtime cannot be built (no threads left).
#[must_use]
pub fn runtime_with_workers(workers: usize) -> Runtime {
    let next = std::sync::Arc::new(AtomicUsize::new(0));
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .on_thread_start(move || {
            let index = next.fetch_add(1, Ordering::Relaxed);
            WORKER.with(|worker| worker.set(index));
        })
        .build()
        .expect("the benchmark runtime")
}

/// The index of the runtime thread the caller runs on; `usize::MAX` off the runtime.
#[must_use]
pub fn current_worker() -> usize {
    WORKER.with(Cell::get)
}

/// Runs `future` as a task on a worker of a fresh [`runtime`] and returns its output.
///
/// # Panics
///
/// When the future panics.
pub fn run_on_worker<F>(future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let runtime = runtime();
    let output = runtime
        .block_on(runtime.spawn(future))
        .expect("the benchmark task panicked");
    runtime.shutdown_background();
    output
}
