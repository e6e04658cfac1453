//! `async_stream` backpressure: inputs are pulled lazily, only as results are consumed, never
//! more than `max_concurrency` (+1) ahead; nothing runs before the stream is polled; dropping
//! the stream stops the tasks in flight.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::{FutureExt, StreamExt};
use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::sleep;

const LIMIT: usize = 5;

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

/// An endless input that counts how many items were pulled from it.
fn counted_input(pulled: &Arc<AtomicUsize>) -> impl Iterator<Item = usize> + Send + 'static {
    let pulled = pulled.clone();
    (0..).inspect(move |_| {
        pulled.fetch_add(1, Ordering::SeqCst);
    })
}

#[tokio::test(start_paused = true)]
async fn inputs_are_pulled_only_as_results_are_consumed() {
    let tasks = supervisor().await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let mut stream = tasks
        .async_stream(counted_input(&pulled), |i| async move {
            sleep(Duration::from_secs(1)).await;
            i
        })
        .max_concurrency(LIMIT);
    sleep(Duration::from_secs(5)).await;
    assert_eq!(
        pulled.load(Ordering::SeqCst),
        0,
        "nothing before the first poll"
    );
    assert_eq!(tasks.running(), 0);

    // One poll: the first tasks start, and no result is ready yet.
    assert!(stream.next().now_or_never().is_none());
    let first = pulled.load(Ordering::SeqCst);
    assert!((LIMIT..=LIMIT + 1).contains(&first), "{first} pulled");
    assert_eq!(tasks.running(), LIMIT);

    // The tasks finish, but nobody consumes: nothing more is pulled or started.
    sleep(Duration::from_secs(30)).await;
    assert_eq!(pulled.load(Ordering::SeqCst), first);
    assert_eq!(tasks.running(), 0);

    // Each consumed result makes room for about one more input.
    for consumed in 1..=50 {
        assert_eq!(stream.next().await, Some(Ok(consumed - 1)));
        let now = pulled.load(Ordering::SeqCst);
        assert!(
            now <= LIMIT + consumed + 1,
            "{now} pulled after {consumed} results"
        );
        assert!(tasks.running() <= LIMIT);
    }
}

#[tokio::test(start_paused = true)]
async fn an_endless_input_is_fine_when_only_a_prefix_is_taken() {
    let tasks = supervisor().await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let taken: Vec<usize> = tasks
        .async_stream(counted_input(&pulled), |i| async move { i * 2 })
        .max_concurrency(LIMIT)
        .take(20)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(taken, (0..20).map(|i| i * 2).collect::<Vec<_>>());
    let pulled = pulled.load(Ordering::SeqCst);
    assert!((20..=20 + LIMIT + 1).contains(&pulled), "{pulled} pulled");
}

#[tokio::test(start_paused = true)]
async fn dropping_the_stream_stops_the_tasks_in_flight() {
    let tasks = supervisor().await;
    let before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let finished = Arc::new(AtomicUsize::new(0));
    let counter = finished.clone();
    let mut stream = tasks
        .async_stream(1..=100_u64, move |i| {
            let finished = counter.clone();
            async move {
                sleep(Duration::from_secs(i)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                i
            }
        })
        .max_concurrency(LIMIT)
        .ordered(false);
    assert_eq!(stream.next().await, Some(Ok(1)));
    assert_eq!(tasks.running(), LIMIT - 1, "refilled on the next poll");
    drop(stream);
    sleep(Duration::from_secs(600)).await;
    assert_eq!(finished.load(Ordering::SeqCst), 1, "the rest were stopped");
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        before
    );
}
