//! `async_stream`'s `ordered`: `true` (the default) yields results in input order whatever
//! order the tasks finish in; `false` yields each as it finishes.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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

#[tokio::test(start_paused = true)]
async fn ordered_frees_a_slot_as_soon_as_its_task_finishes() {
    // Two slots; item 0 takes 10 s, items 1 to 5 take 1 s each. The fast items take turns in
    // the second slot while 0 runs, their results wait for 0's, and all come out at 10 s, in
    // input order (Elixir's `async_stream`: a finished task's result is buffered, its slot
    // freed).
    let tasks = supervisor().await;
    let started = Instant::now();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let results: Vec<(u64, Duration)> = tasks
        .async_stream(0..6_u64, {
            let starts = starts.clone();
            move |i| {
                starts.lock().unwrap().push((i, started.elapsed()));
                async move {
                    sleep(Duration::from_secs(if i == 0 { 10 } else { 1 })).await;
                    i
                }
            }
        })
        .max_concurrency(2)
        .timeout(Duration::from_secs(60))
        .map(|result| (result.unwrap(), started.elapsed()))
        .collect()
        .await;
    assert_eq!(
        *starts.lock().unwrap(),
        (0..6_u64)
            .map(|i| (i, Duration::from_secs(i.saturating_sub(1))))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        results,
        (0..6)
            .map(|i| (i, Duration::from_secs(10)))
            .collect::<Vec<_>>()
    );
}

#[tokio::test(start_paused = true)]
async fn ordered_runs_ahead_of_a_slow_item_by_at_most_max_buffered() {
    // An endless input whose first item takes an hour and the rest no time: the stream holds
    // at most `max_concurrency + max_buffered` items (running, or done and waiting for item
    // 0), and takes no more input until item 0 is done.
    let tasks = supervisor().await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let mut stream = tasks
        .async_stream(
            (0..).inspect({
                let pulled = pulled.clone();
                move |_| {
                    pulled.fetch_add(1, Ordering::SeqCst);
                }
            }),
            |i: u64| async move {
                if i == 0 {
                    sleep(Duration::from_secs(3600)).await;
                }
                i
            },
        )
        .max_concurrency(4)
        .max_buffered(8)
        .timeout(Duration::MAX);
    let first = tokio::spawn(async move {
        let first = stream.next().await;
        (first, stream)
    });
    sleep(Duration::from_secs(60)).await;
    assert_eq!(pulled.load(Ordering::SeqCst), 12, "4 + 8 held, no more");
    assert_eq!(tasks.running(), 1, "only item 0 runs; 11 results wait");
    let (first, mut stream) = first.await.unwrap();
    assert_eq!(first, Some(Ok(0)));
    for i in 1..100 {
        assert_eq!(stream.next().await, Some(Ok(i)));
    }
}

#[tokio::test(start_paused = true)]
async fn max_buffered_zero_holds_a_finished_tasks_slot_until_it_is_yielded() {
    let tasks = supervisor().await;
    let started = Instant::now();
    let starts = Arc::new(Mutex::new(Vec::new()));
    let results: Vec<u64> = tasks
        .async_stream(0..4_u64, {
            let starts = starts.clone();
            move |i| {
                starts.lock().unwrap().push((i, started.elapsed()));
                async move {
                    sleep(Duration::from_secs(if i == 0 { 10 } else { 1 })).await;
                    i
                }
            }
        })
        .max_concurrency(2)
        .max_buffered(0)
        .timeout(Duration::from_secs(60))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(results, vec![0, 1, 2, 3]);
    // Item 1's result holds the second slot until item 0's is yielded at 10 s.
    assert_eq!(
        *starts.lock().unwrap(),
        vec![
            (0, Duration::ZERO),
            (1, Duration::ZERO),
            (2, Duration::from_secs(10)),
            (3, Duration::from_secs(10)),
        ]
    );
}
