//! `Task.await_many/2`: results in input order (not finishing order), with one deadline for all
//! of them; tasks not done by it give `Timeout` and are stopped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::{ExitReason, Task, TaskError};
use tokio::time::{Instant, sleep};

fn after(secs: u64, value: u64) -> Task<u64> {
    Task::spawn(async move {
        sleep(Duration::from_secs(secs)).await;
        value
    })
}

#[tokio::test(start_paused = true)]
async fn results_come_in_input_order() {
    // Finishing order is the reverse of the input order.
    let tasks: Vec<Task<u64>> = (0..6).map(|i| after(6 - i, i)).collect();
    let started = Instant::now();
    let results = Task::await_many(tasks, Duration::from_secs(10)).await;
    assert_eq!(results, (0..6).map(Ok).collect::<Vec<_>>());
    assert_eq!(started.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn one_deadline_for_all_the_tasks() {
    let stopped_count = Arc::new(AtomicUsize::new(0));
    let late = |secs: u64| {
        let count = stopped_count.clone();
        Task::spawn(async move {
            sleep(Duration::from_secs(secs)).await;
            count.fetch_add(1, Ordering::SeqCst);
            secs
        })
    };
    // Each alone fits in 5 s; one after another they would not. Two are past the deadline.
    let tasks = vec![late(4), late(3), late(7), late(2), late(9), late(5)];
    let started = Instant::now();
    let results = Task::await_many(tasks, Duration::from_millis(5_500)).await;
    assert_eq!(started.elapsed(), Duration::from_millis(5_500));
    assert_eq!(
        results,
        vec![
            Ok(4),
            Ok(3),
            Err(TaskError::Timeout),
            Ok(2),
            Err(TaskError::Timeout),
            Ok(5),
        ]
    );
    assert_eq!(stopped_count.load(Ordering::SeqCst), 4);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        stopped_count.load(Ordering::SeqCst),
        4,
        "the two late tasks were stopped"
    );
}

#[tokio::test(start_paused = true)]
async fn a_crash_is_one_result_among_the_others() {
    let tasks = vec![
        after(1, 1),
        Task::spawn(async {
            sleep(Duration::from_secs(2)).await;
            panic!("second failed")
        }),
        after(3, 3),
    ];
    let results = Task::await_many(tasks, Duration::from_secs(5)).await;
    assert_eq!(
        results,
        vec![
            Ok(1),
            Err(TaskError::Exit(ExitReason::Panic("second failed".into()))),
            Ok(3),
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn the_default_style_deadline_of_the_seed() {
    // The Elixir OTP guide: `Task.await_many(tasks, 10_000)` over concurrent fetches.
    let tasks: Vec<Task<u64>> = (1..=9).map(|i| after(i, i * i)).collect();
    let started = Instant::now();
    let results = Task::await_many(tasks, Duration::from_secs(10)).await;
    assert_eq!(started.elapsed(), Duration::from_secs(9));
    assert_eq!(
        results.into_iter().map(Result::unwrap).collect::<Vec<_>>(),
        (1..=9).map(|i| i * i).collect::<Vec<_>>()
    );
    assert!(
        Task::<u64>::await_many(Vec::new(), Duration::ZERO)
            .await
            .is_empty()
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
    let tasks = vec![
        Task::spawn(forty_years()),
        Task::spawn(async { Duration::ZERO }),
    ];
    let started = Instant::now();
    let results = Task::await_many(tasks, Duration::MAX).await;
    assert_eq!(started.elapsed(), results[0].clone().unwrap());
    assert_eq!(results[1], Ok(Duration::ZERO));
}
