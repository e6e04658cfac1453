//! `Task.await/2` times out after 5 s by default (or the given time); on timeout the owner gets
//! `TaskError::Timeout` and the task is stopped: it never runs again.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::{DEFAULT_AWAIT_TIMEOUT, Task, TaskError};
use tokio::time::{Instant, sleep};

/// A task that counts one step every 700 ms, `steps` times, then returns the count (no step
/// falls on a whole second, where the timeouts fire).
fn stepping(steps: usize, count: &Arc<AtomicUsize>) -> Task<usize> {
    let count = count.clone();
    Task::spawn(async move {
        for _ in 0..steps {
            sleep(Duration::from_millis(700)).await;
            count.fetch_add(1, Ordering::SeqCst);
        }
        count.load(Ordering::SeqCst)
    })
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_is_5_seconds() {
    assert_eq!(DEFAULT_AWAIT_TIMEOUT, Duration::from_secs(5));
    let count = Arc::new(AtomicUsize::new(0));
    let task = stepping(60, &count);
    let started = Instant::now();
    assert_eq!(task.await, Err(TaskError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn a_task_done_just_before_the_default_timeout_gives_its_value() {
    let task = Task::spawn(async {
        sleep(Duration::from_millis(4_999)).await;
        1
    });
    assert_eq!(task.await, Ok(1));
}

#[tokio::test(start_paused = true)]
async fn await_timeout_sets_the_time() {
    for secs in [1, 3, 12] {
        let count = Arc::new(AtomicUsize::new(0));
        let task = stepping(60, &count);
        let started = Instant::now();
        assert_eq!(
            task.timeout(Duration::from_secs(secs)).await,
            Err(TaskError::Timeout)
        );
        assert_eq!(started.elapsed(), Duration::from_secs(secs));
    }
    let count = Arc::new(AtomicUsize::new(0));
    assert_eq!(
        stepping(8, &count).timeout(Duration::from_secs(6)).await,
        Ok(8),
        "longer than the 5 s default"
    );
}

#[tokio::test(start_paused = true)]
async fn on_timeout_the_task_is_stopped() {
    let count = Arc::new(AtomicUsize::new(0));
    let task = stepping(60, &count);
    assert_eq!(
        task.timeout(Duration::from_secs(3)).await,
        Err(TaskError::Timeout)
    );
    assert_eq!(count.load(Ordering::SeqCst), 4);
    // Had it run on, it would have counted to 60 by now.
    sleep(Duration::from_secs(120)).await;
    assert_eq!(count.load(Ordering::SeqCst), 4, "stopped at the timeout");
}

#[tokio::test(start_paused = true)]
async fn the_default_timeout_also_stops_the_task() {
    let count = Arc::new(AtomicUsize::new(0));
    let alive_before = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let task = stepping(60, &count);
    assert_eq!(task.await, Err(TaskError::Timeout));
    sleep(Duration::from_secs(120)).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        7,
        "steps at 0.7 s .. 4.9 s, then stopped"
    );
    assert_eq!(
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks(),
        alive_before
    );
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
async fn duration_max_waits_as_long_as_it_takes() {
    // `:infinity`: no deadline at all, not one far in the future.
    let started = Instant::now();
    let slept = Task::spawn(forty_years()).timeout(Duration::MAX).await;
    assert_eq!(slept, Ok(started.elapsed()));
}
