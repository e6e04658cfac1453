//! `Task.yield/2`: waits up to the given time; `None` while the task runs (the task goes on, and
//! yield can be called again), `Some(Ok(v))` once it has finished, `Some(Err(reason))` if it
//! crashed, and after a `Some` nothing more (`None`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use otp_core::{ExitReason, Task};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn yield_gives_none_while_running_and_can_be_called_again() {
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let mut task = Task::spawn(async move {
        sleep(Duration::from_secs(10)).await;
        flag.store(true, Ordering::SeqCst);
        "finished"
    });
    let started = Instant::now();
    assert_eq!(task.wait_for(Duration::from_secs(3)).await, None);
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(3),
        "waited the full time"
    );
    assert_eq!(task.wait_for(Duration::from_secs(3)).await, None);
    assert_eq!(task.wait_for(Duration::from_secs(3)).await, None);
    assert!(!done.load(Ordering::SeqCst));
    assert_eq!(started.elapsed(), Duration::from_secs(9));

    // Still running after three `None`s: the next yield sees it finish at 10 s.
    assert_eq!(
        task.wait_for(Duration::from_secs(30)).await,
        Some(Ok("finished"))
    );
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(10),
        "returned as soon as done"
    );
    assert!(done.load(Ordering::SeqCst));

    // The result was given once.
    assert_eq!(task.wait_for(Duration::from_secs(1)).await, None);
    assert_eq!(started.elapsed(), Duration::from_secs(10), "and at once");
}

#[tokio::test(start_paused = true)]
async fn yield_of_a_finished_task_gives_its_value_at_once() {
    let mut task = Task::spawn(async { 5 });
    sleep(Duration::from_secs(1)).await;
    let started = Instant::now();
    assert_eq!(task.wait_for(Duration::ZERO).await, Some(Ok(5)));
    assert_eq!(started.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn yield_of_a_crashed_task_gives_its_exit() {
    let mut task = Task::spawn(async {
        sleep(Duration::from_secs(2)).await;
        if true {
            panic!("worker failed");
        }
        0_u8
    });
    assert_eq!(task.wait_for(Duration::from_secs(1)).await, None);
    assert_eq!(
        task.wait_for(Duration::from_secs(5)).await,
        Some(Err(ExitReason::Panic("worker failed".into())))
    );
    assert_eq!(task.wait_for(Duration::from_secs(5)).await, None);
}

#[tokio::test(start_paused = true)]
async fn yield_then_shutdown_stops_a_task_that_is_still_running() {
    // The Elixir OTP guide's pattern: yield for a while, shut down if no answer.
    let done = Arc::new(AtomicBool::new(false));
    let flag = done.clone();
    let mut task = Task::spawn(async move {
        sleep(Duration::from_secs(10)).await;
        flag.store(true, Ordering::SeqCst);
    });
    assert_eq!(task.wait_for(Duration::from_secs(1)).await, None);
    assert_eq!(task.shutdown().await, None);
    sleep(Duration::from_secs(60)).await;
    assert!(!done.load(Ordering::SeqCst), "shut down, never finished");
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
async fn yield_with_duration_max_waits_as_long_as_it_takes() {
    // `:infinity`: no deadline at all, not one far in the future.
    let started = Instant::now();
    let mut task = Task::spawn(forty_years());
    assert_eq!(
        task.wait_for(Duration::MAX).await,
        Some(Ok(started.elapsed()))
    );
}
