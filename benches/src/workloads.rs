//! The counter workloads (A to D, C after a burst), generic over the implementation under test.
//! Each runs inside a task on a runtime worker and returns its figures; the caller (the `suite`
//! binary) prints them.

use std::hint::black_box;
use std::time::{Duration, Instant};

use crate::Counter;
use crate::memory::resident_bytes;
use crate::runtime::current_worker;

/// The sizes of the workloads; [`Sizes::QUICK`] is a tenth of [`Sizes::FULL`], for smoke runs
/// and profilers.
#[derive(Clone, Copy, Debug)]
pub struct Sizes {
    /// A: sequential calls.
    pub calls: u64,
    /// B: casts in all, from one producer or split between two.
    pub casts: u64,
    /// C: idle servers spawned.
    pub servers: usize,
    /// D: servers of the fan-out.
    pub fan_out_servers: usize,
    /// D: casts to each server.
    pub fan_out_casts: u64,
    /// C after a burst: servers that each take a burst.
    pub burst_servers: usize,
    /// C after a burst: casts in each server's burst.
    pub burst: u64,
    /// K: casts in all, split between 16 threads.
    pub thread_casts: u64,
    /// L: calls in all, split between 16 threads.
    pub thread_calls: u64,
}

impl Sizes {
    /// The sizes the table labels name: 200,000 calls, 2,000,000 casts, 100,000 servers, 1,000 ×
    /// 1,000; then 20 servers × a 100,000-cast burst, 2,000,000 casts and 320,000 calls from 16
    /// threads.
    pub const FULL: Sizes = Sizes {
        calls: 200_000,
        casts: 2_000_000,
        servers: 100_000,
        fan_out_servers: 1_000,
        fan_out_casts: 1_000,
        burst_servers: 20,
        burst: 100_000,
        thread_casts: 2_000_000,
        thread_calls: 320_000,
    };

    /// A tenth of [`Sizes::FULL`] (the fan-out keeps its 1,000 servers, a burst its 100,000
    /// casts).
    pub const QUICK: Sizes = Sizes {
        calls: 20_000,
        casts: 200_000,
        servers: 10_000,
        fan_out_servers: 1_000,
        fan_out_casts: 100,
        burst_servers: 2,
        burst: 100_000,
        thread_casts: 200_000,
        thread_calls: 32_000,
    };
}

/// A: `calls` sequential calls from one task, after a warm-up of a tenth as many. Returns the
/// mean time per call.
pub async fn call_round_trip<C: Counter>(calls: u64) -> Duration {
    let counter = C::start().await;
    for _ in 0..calls / 10 {
        black_box(counter.get().await);
    }
    let started = Instant::now();
    for _ in 0..calls {
        black_box(counter.get().await);
    }
    let elapsed = started.elapsed();
    counter.stop().await;
    elapsed / u32::try_from(calls).expect("calls fit in u32")
}

/// A beside a timer: [`call_round_trip`] with a task in the same runtime that sleeps 1 ms in a
/// loop, so the other worker is woken by a timer every millisecond whatever the implementation
/// does.
///
/// Why: on this project's 2-core KVM machines, a runtime whose idle worker sleeps without a timer
/// makes sequential calls slower (compare the hand-written actor's rows of "A: call round trip" and
/// of this workload in `BENCHMARKS.md`). otp-core's call deadlines keep a timer due at the next
/// tick on a thread that calls densely (see `otp_core::call`), which wakes that worker the same
/// way; this row gives every implementation the same timer traffic, so their ratio is otp-core's
/// own.
pub async fn call_round_trip_beside_timer<C: Counter>(calls: u64) -> Duration {
    let ticker = tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    });
    let per_call = call_round_trip::<C>(calls).await;
    ticker.abort();
    per_call
}

/// A, thread hops: the share of `calls` sequential calls whose handler ran on another worker
/// than the caller, in percent.
pub async fn thread_hops<C: Counter>(calls: u64) -> f64 {
    let counter = C::start().await;
    for _ in 0..calls / 10 {
        black_box(counter.worker().await);
    }
    let mut hops: u64 = 0;
    for _ in 0..calls {
        let caller = current_worker();
        if counter.worker().await != caller {
            hops += 1;
        }
    }
    counter.stop().await;
    ratio(hops, calls) * 100.0
}

/// B: `casts` casts to one counter, from one producer (the client task) or split between
/// `producers` spawned tasks, then one call that returns once all of them are handled.
/// Returns messages per second (the casts, over the time until the call's reply).
///
/// # Panics
///
/// When the count read back is not the number of casts sent.
pub async fn cast_throughput<C: Counter>(casts: u64, producers: u64) -> f64 {
    let counter = C::start().await;
    for _ in 0..casts / 10 {
        counter.add(1);
    }
    let warm_up = counter.get().await;
    let started = Instant::now();
    if producers == 1 {
        for _ in 0..casts {
            counter.add(1);
        }
    } else {
        let tasks: Vec<_> = (0..producers)
            .map(|_| {
                let counter = counter.clone();
                tokio::spawn(async move {
                    for _ in 0..casts / producers {
                        counter.add(1);
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("the producer finished");
        }
    }
    let count = counter.get().await;
    let elapsed = started.elapsed();
    assert_eq!(
        count,
        warm_up + casts / producers * producers,
        "every cast handled"
    );
    counter.stop().await;
    per_second(casts, elapsed)
}

/// C: what `servers` idle counters cost.
#[derive(Clone, Copy, Debug)]
pub struct SpawnFigures {
    /// Mean time to start one server, until its init has run (sequential starts).
    pub spawn: Duration,
    /// Growth of the resident set per live server.
    pub bytes_per_server: f64,
    /// Mean time to stop one server and wait for its exit (sequential stops).
    pub stop: Duration,
}

/// C: starts `servers` idle counters one after the other (each `start` returns once the
/// server's init has run), reads the resident set before and after, then stops them all.
/// Run it in a fresh process: memory freed by an earlier workload would be reused and hide
/// the growth.
pub async fn spawn_idle<C: Counter>(servers: usize) -> SpawnFigures {
    // Warm the allocator's per-thread arenas and the runtime's queues first.
    let mut warm_up = Vec::new();
    for _ in 0..1_000 {
        warm_up.push(C::start().await);
    }
    for counter in warm_up {
        counter.stop().await;
    }
    // The slots are touched before the first reading: they are the client's, not the servers'.
    let mut running: Vec<Option<C>> = (0..servers).map(|_| None).collect();
    let before = resident_bytes();
    let started = Instant::now();
    for slot in &mut running {
        *slot = Some(C::start().await);
    }
    let spawn = started.elapsed();
    let after = resident_bytes();
    let stopping = Instant::now();
    for counter in running.into_iter().flatten() {
        counter.stop().await;
    }
    let stop = stopping.elapsed();
    let count = u32::try_from(servers).expect("servers fit in u32");
    SpawnFigures {
        spawn: spawn / count,
        bytes_per_server: ratio(after.saturating_sub(before), servers as u64),
        stop: stop / count,
    }
}

/// C after a burst: the resident-set growth per idle counter that has handled a burst of
/// `burst` casts, over `servers` counters started one after the other. Each burst is cast from
/// this task without awaiting, so it queues up (the woken server waits in this worker's LIFO
/// slot, which the other worker does not steal, until the task awaits), then one call returns
/// once the server has drained it. A throwaway server takes a burst before the first reading,
/// so the allocator already holds the memory a burst passes through; what grows is what each
/// drained, idle server keeps. Run it in a fresh process, as [`spawn_idle`].
///
/// # Panics
///
/// When a count read back is not the burst's size.
pub async fn idle_after_burst<C: Counter>(servers: usize, burst: u64) -> f64 {
    let throwaway = C::start().await;
    cast_burst(&throwaway, burst).await;
    throwaway.stop().await;
    let mut running = Vec::with_capacity(servers);
    let before = resident_bytes();
    for _ in 0..servers {
        let counter = C::start().await;
        cast_burst(&counter, burst).await;
        running.push(counter);
    }
    let after = resident_bytes();
    for counter in running {
        counter.stop().await;
    }
    ratio(after.saturating_sub(before), servers as u64)
}

async fn cast_burst<C: Counter>(counter: &C, burst: u64) {
    for _ in 0..burst {
        counter.add(1);
    }
    assert_eq!(
        counter.get().await,
        burst,
        "every cast of the burst handled"
    );
}

/// D: `casts` casts to each of `servers` counters, round-robin from one task, then one call to
/// each. Returns messages per second (the casts, over the time until the last reply).
///
/// # Panics
///
/// When a count read back is not the number of casts sent to that server.
pub async fn fan_out<C: Counter>(servers: usize, casts: u64) -> f64 {
    let mut counters = Vec::with_capacity(servers);
    for _ in 0..servers {
        counters.push(C::start().await);
    }
    for counter in &counters {
        counter.add(1);
        black_box(counter.get().await);
    }
    let started = Instant::now();
    for _ in 0..casts {
        for counter in &counters {
            counter.add(1);
        }
    }
    for counter in &counters {
        assert_eq!(counter.get().await, casts + 1, "every cast handled");
    }
    let elapsed = started.elapsed();
    for counter in counters {
        counter.stop().await;
    }
    per_second(casts * servers as u64, elapsed)
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn ratio(part: u64, whole: u64) -> f64 {
    part as f64 / whole as f64
}

#[allow(clippy::cast_precision_loss, reason = "counts far below 2^52")]
fn per_second(messages: u64, elapsed: Duration) -> f64 {
    messages as f64 / elapsed.as_secs_f64()
}
