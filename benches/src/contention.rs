//! Workloads K and L: one server under many more threads than cores. 16 OS threads cast into
//! (K) or call (L) one counter whose runtime has 8 workers (or the usual 2) on the 2-core
//! machine, so a thread is often preempted in the middle of what it does, holding a lock or
//! not. A lock that spins while its holder is descheduled shows here; the mailbox's lock was
//! chosen on these workloads (see `otp-core/src/sync.rs`).
//!
//! The producers are plain threads, not tasks: a cast needs no runtime, and a thread calls
//! through [`Handle::block_on`](tokio::runtime::Handle::block_on), as code outside the runtime
//! does. Each thread warms up (a tenth of its share) before a barrier releases them all.

use std::hint::black_box;
use std::sync::{Arc, Barrier};
use std::time::Instant;

use tokio::runtime::Runtime;

use crate::Counter;
use crate::runtime::runtime_with_workers;

/// The threads that cast or call.
pub const THREADS: u64 = 16;

/// K: `casts` casts to one counter, split between [`THREADS`] threads, on a runtime of
/// `workers` workers, then one call that returns once all of them are handled. Returns
/// messages per second (the casts, over the time from the barrier until the call's reply).
///
/// # Panics
///
/// When the count read back is not the number of casts sent.
#[must_use]
pub fn casts_from_threads<C: Counter>(workers: usize, casts: u64) -> f64 {
    let runtime = runtime_with_workers(workers);
    let counter = on_worker(&runtime, C::start());
    let share = casts / THREADS;
    let barrier = Arc::new(Barrier::new(thread_count() + 1));
    let producers: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = counter.clone();
            let barrier = Arc::clone(&barrier);
            std::thread::spawn(move || {
                for _ in 0..share / 10 {
                    counter.add(1);
                }
                barrier.wait();
                for _ in 0..share {
                    counter.add(1);
                }
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for producer in producers {
        producer.join().expect("the producer finished");
    }
    let count = on_worker(&runtime, get(counter.clone()));
    let elapsed = started.elapsed();
    assert_eq!(count, (share + share / 10) * THREADS, "every cast handled");
    on_worker(&runtime, counter.stop());
    runtime.shutdown_background();
    per_second(share * THREADS, elapsed)
}

/// L: `calls` sequential calls to one counter, split between [`THREADS`] threads, on a runtime
/// of `workers` workers. Returns calls per second (all of them, over the time from the barrier
/// until the last thread is done).
#[must_use]
pub fn calls_from_threads<C: Counter>(workers: usize, calls: u64) -> f64 {
    let runtime = runtime_with_workers(workers);
    let counter = on_worker(&runtime, C::start());
    let share = calls / THREADS;
    let barrier = Arc::new(Barrier::new(thread_count() + 1));
    let callers: Vec<_> = (0..THREADS)
        .map(|_| {
            let counter = counter.clone();
            let barrier = Arc::clone(&barrier);
            let handle = runtime.handle().clone();
            std::thread::spawn(move || {
                handle.block_on(async {
                    for _ in 0..share / 10 {
                        black_box(counter.get().await);
                    }
                });
                barrier.wait();
                handle.block_on(async {
                    for _ in 0..share {
                        black_box(counter.get().await);
                    }
                });
            })
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for caller in callers {
        caller.join().expect("the caller finished");
    }
    let elapsed = started.elapsed();
    on_worker(&runtime, counter.stop());
    runtime.shutdown_background();
    per_second(share * THREADS, elapsed)
}

fn thread_count() -> usize {
    usize::try_from(THREADS).expect("a few threads")
}

/// Runs `future` as a task on a worker of `runtime` and waits for its output.
fn on_worker<F>(runtime: &Runtime, future: F) -> F::Output
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    runtime
        .block_on(runtime.spawn(future))
        .expect("the benchmark task panicked")
}

async fn get<C: Counter>(counter: C) -> u64 {
    counter.get().await
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn per_second(operations: u64, elapsed: std::time::Duration) -> f64 {
    operations as f64 / elapsed.as_secs_f64()
}
