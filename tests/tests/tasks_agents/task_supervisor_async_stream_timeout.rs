//! `async_stream`'s `timeout` (5 s by default, per task) and `on_timeout`: with `Exit` (the
//! default) the stream yields that item's `Timeout` exit and ends, stopping the tasks still
//! running; with `KillTask` that task is stopped, its item yields `Exit(Timeout)`, and the rest
//! go on.

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;

use futures_util::StreamExt;
use otp_core::{
    ExitReason, OnTimeout, TaskExit, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef,
};
use tokio::time::{Instant, sleep};

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

type Finished = Arc<Mutex<Vec<u64>>>;

/// Each item sleeps its own number of seconds, records that it finished, and returns itself.
fn sleeper(
    finished: &Finished,
) -> impl FnMut(u64) -> std::pin::Pin<Box<dyn Future<Output = u64> + Send>> + Send + 'static {
    let finished = finished.clone();
    move |secs| {
        let finished = finished.clone();
        Box::pin(async move {
            sleep(Duration::from_secs(secs)).await;
            finished.lock().unwrap().push(secs);
            secs
        })
    }
}

fn timeout_exit(input: Option<u64>) -> TaskExit<u64> {
    TaskExit {
        reason: ExitReason::Timeout,
        input,
    }
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_is_5_seconds_and_the_default_on_timeout_ends_the_stream() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let started = Instant::now();
    let mut stream = tasks
        .async_stream(vec![1, 6, 2, 3], sleeper(&finished))
        .max_concurrency(1);
    assert_eq!(stream.next().await, Some(Ok(1)));
    assert_eq!(stream.next().await, Some(Err(timeout_exit(None))));
    assert_eq!(started.elapsed(), Duration::from_secs(6), "1 s, then 5 s");
    assert_eq!(stream.next().await, None, "ended after the timeout");
    assert_eq!(stream.next().await, None);
    assert!(!finished.lock().unwrap().contains(&3), "3 never ran");
}

#[tokio::test(start_paused = true)]
async fn on_timeout_exit_ends_the_stream_right_after_the_timeout_item() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let started = Instant::now();
    let mut stream = tasks
        .async_stream(vec![1, 6, 2, 3], sleeper(&finished))
        .max_concurrency(1);
    assert_eq!(stream.next().await, Some(Ok(1)));
    assert_eq!(stream.next().await, Some(Err(timeout_exit(None))));
    assert_eq!(stream.next().await, None);
    assert_eq!(started.elapsed(), Duration::from_secs(6), "ended at once");
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        *finished.lock().unwrap(),
        vec![1],
        "2 and 3 never ran, 6 was stopped"
    );
}

#[tokio::test(start_paused = true)]
async fn on_timeout_exit_ends_the_stream_and_drops_what_is_in_flight() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let results: Vec<_> = tasks
        .async_stream(vec![1, 9, 2, 3, 4], sleeper(&finished))
        .max_concurrency(5)
        .timeout(Duration::from_secs(5))
        .on_timeout(OnTimeout::Exit)
        .collect()
        .await;
    // Ordered: 1, then 9 times out at 5 s; 2, 3 and 4 had finished but come after it.
    assert_eq!(results, vec![Ok(1), Err(timeout_exit(None))]);
    assert_eq!(*finished.lock().unwrap(), vec![1, 2, 3, 4]);
}

#[tokio::test(start_paused = true)]
async fn on_timeout_exit_stops_the_tasks_still_running_once_the_stream_ends() {
    let tasks = supervisor().await;
    let before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let finished = Finished::default();
    let mut stream = tasks
        .async_stream(vec![1, 6, 20, 30], sleeper(&finished))
        .max_concurrency(4)
        .ordered(false)
        .timeout(Duration::from_secs(5));
    assert_eq!(stream.next().await, Some(Ok(1)));
    assert_eq!(stream.next().await, Some(Err(timeout_exit(None))));
    assert_eq!(stream.next().await, None);
    // The stream has ended but is still held, as a `while let` loop's stream would be.
    sleep(Duration::from_secs(60)).await;
    assert_eq!(*finished.lock().unwrap(), vec![1], "20 and 30 were stopped");
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        before
    );
    drop(stream);
}

#[tokio::test(start_paused = true)]
async fn on_timeout_exit_stops_the_tasks_in_flight_when_the_stream_is_dropped() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let mut stream = tasks
        .async_stream(vec![1, 6, 20, 30], sleeper(&finished))
        .max_concurrency(4)
        .ordered(false)
        .timeout(Duration::from_secs(5));
    while let Some(_result) = stream.next().await {}
    drop(stream);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(*finished.lock().unwrap(), vec![1]);
}

#[tokio::test(start_paused = true)]
async fn kill_task_yields_a_timeout_for_that_item_and_goes_on() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let started = Instant::now();
    let results: Vec<_> = tasks
        .async_stream(vec![1, 9, 2, 8, 3], sleeper(&finished))
        .max_concurrency(2)
        .timeout(Duration::from_secs(4))
        .on_timeout(OnTimeout::KillTask)
        .collect()
        .await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(timeout_exit(None)),
            Ok(2),
            Err(timeout_exit(None)),
            Ok(3),
        ]
    );
    // 9 starts at 0 and is killed at 4; 2 runs 1..3. Ordered: 2's result waits behind 9's,
    // but its slot is free at once, so 8 starts at 3 (killed at 7) and 3 runs 4..7, as in
    // Elixir.
    assert_eq!(started.elapsed(), Duration::from_secs(7));
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        *finished.lock().unwrap(),
        vec![1, 2, 3],
        "the killed tasks never finished"
    );
}

#[tokio::test(start_paused = true)]
async fn the_timeout_is_per_task_not_for_the_whole_stream() {
    let tasks = supervisor().await;
    let finished = Finished::default();
    let started = Instant::now();
    let results: Vec<_> = tasks
        .async_stream(vec![3; 10], sleeper(&finished))
        .max_concurrency(1)
        .timeout(Duration::from_secs(4))
        .collect()
        .await;
    assert_eq!(results, vec![Ok(3); 10]);
    assert_eq!(started.elapsed(), Duration::from_secs(30));
}

/// Forty years, slept a year at a time (a single tokio sleep of more than 30 years ends at 30
/// years).
async fn forty_years() -> Duration {
    let year = Duration::from_secs(365 * 24 * 3600);
    for _ in 0..40 {
        sleep(year).await;
    }
    year * 40
}

#[tokio::test(start_paused = true)]
async fn a_duration_max_timeout_waits_as_long_as_each_task_takes() {
    // `timeout: :infinity`: no deadline at all, not one far in the future.
    let tasks = supervisor().await;
    let started = Instant::now();
    let results: Vec<_> = tasks
        .async_stream(0..2, |_| forty_years())
        .timeout(Duration::MAX)
        .collect()
        .await;
    assert_eq!(started.elapsed(), Duration::from_secs(80 * 365 * 24 * 3600));
    assert_eq!(results, vec![Ok(started.elapsed() / 2); 2]);
}
