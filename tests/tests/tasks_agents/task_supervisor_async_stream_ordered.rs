//! `async_stream`'s `ordered`: `true` (the default) yields results in input order whatever
//! order the tasks finish in; `false` yields each as it finishes.

use std::time::Duration;

use futures_util::StreamExt;
use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::{Instant, sleep};

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

/// Item `i` of 0..6 takes 6 - i seconds: they finish in reverse input order (a 10 s timeout:
/// item 0 takes longer than the default 5 s).
async fn reverse_finishing(
    tasks: &TaskSupervisorRef,
    ordered: Option<bool>,
) -> Vec<(u64, Duration)> {
    let started = Instant::now();
    let stream = tasks
        .async_stream(0..6_u64, |i| async move {
            sleep(Duration::from_secs(6 - i)).await;
            i
        })
        .max_concurrency(6)
        .timeout(Duration::from_secs(10));
    let stream = match ordered {
        Some(ordered) => stream.ordered(ordered),
        None => stream,
    };
    stream
        .map(|result| (result.unwrap(), started.elapsed()))
        .collect()
        .await
}

#[tokio::test(start_paused = true)]
async fn ordered_by_default() {
    let tasks = supervisor().await;
    let results = reverse_finishing(&tasks, None).await;
    let items: Vec<u64> = results.iter().map(|(i, _)| *i).collect();
    assert_eq!(items, vec![0, 1, 2, 3, 4, 5]);
    // Item 0 is last to finish, at 6 s; everything after it was waiting.
    assert!(results.iter().all(|(_, at)| *at == Duration::from_secs(6)));
}

#[tokio::test(start_paused = true)]
async fn ordered_true_keeps_input_order() {
    let tasks = supervisor().await;
    let items: Vec<u64> = reverse_finishing(&tasks, Some(true))
        .await
        .into_iter()
        .map(|(i, _)| i)
        .collect();
    assert_eq!(items, vec![0, 1, 2, 3, 4, 5]);
}

#[tokio::test(start_paused = true)]
async fn ordered_false_yields_as_they_finish() {
    let tasks = supervisor().await;
    let results = reverse_finishing(&tasks, Some(false)).await;
    assert_eq!(
        results,
        (0..6)
            .rev()
            .map(|i| (i, Duration::from_secs(6 - i)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(start_paused = true)]
async fn ordered_with_a_small_limit_still_in_input_order() {
    let tasks = supervisor().await;
    let items: Vec<u64> = tasks
        .async_stream((0..30_u64).rev(), |i| async move {
            sleep(Duration::from_millis(i * 37 % 11)).await;
            i
        })
        .max_concurrency(3)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, (0..30).rev().collect::<Vec<_>>());
}
