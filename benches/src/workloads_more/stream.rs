//! I: many small async jobs, at most [`IN_FLIGHT`] at once, each a task: `async_stream` against
//! the `JoinSet` loop a tokio user writes for the same bound. Results are taken as they finish
//! in both (`ordered(false)`: a `JoinSet` yields in completion order), and each pass checks the
//! sum of the results.

use std::time::{Duration, Instant};

use otp_core::{ExitReason, TaskSupervisor, TaskSupervisorOptions};
use tokio::task::JoinSet;

use crate::report::median;

use super::per_second;

/// Tasks in flight at most.
const IN_FLIGHT: usize = 10;

/// The job: one trip through the scheduler, then the result.
async fn double(item: u64) -> u64 {
    tokio::task::yield_now().await;
    item * 2
}

/// Times `passes` passes of `pass` (after one to warm up), each over `items` items and
/// returning the sum of its results; returns the median items per second.
///
/// # Panics
///
/// When a pass's sum is wrong.
async fn time_passes<P, F>(items: u64, passes: usize, mut pass: P) -> f64
where
    P: FnMut() -> F,
    F: Future<Output = u64>,
{
    let expected = items * items.saturating_sub(1);
    let mut times: Vec<Duration> = Vec::with_capacity(passes + 1);
    for _ in 0..=passes {
        let started = Instant::now();
        assert_eq!(pass().await, expected, "every item doubled once");
        times.push(started.elapsed());
    }
    let rates: Vec<f64> = times[1..]
        .iter()
        .map(|&time| per_second(items, time))
        .collect();
    median(&rates)
}

/// Ours: `TaskSupervisorRef::async_stream` with `max_concurrency(IN_FLIGHT)`, unordered.
pub(super) async fn ours(items: u64, passes: usize) -> f64 {
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .expect("the task supervisor started");
    let figure = time_passes(items, passes, || async {
        let mut results = tasks
            .async_stream(0..items, double)
            .max_concurrency(IN_FLIGHT)
            .ordered(false);
        let mut sum = 0;
        while let Some(result) = results.next().await {
            sum += result.expect("no job fails");
        }
        sum
    })
    .await;
    tasks
        .stop(ExitReason::Normal)
        .await
        .expect("the task supervisor stopped");
    figure
}

/// By hand: a `JoinSet` topped up to `IN_FLIGHT` tasks before each `join_next`.
pub(super) async fn hand_written(items: u64, passes: usize) -> f64 {
    time_passes(items, passes, || async {
        let mut inputs = 0..items;
        let mut running = JoinSet::new();
        let mut sum = 0;
        loop {
            while running.len() < IN_FLIGHT {
                let Some(item) = inputs.next() else { break };
                running.spawn(double(item));
            }
            let Some(result) = running.join_next().await else {
                return sum;
            };
            sum += result.expect("no job fails");
        }
    })
    .await
}
