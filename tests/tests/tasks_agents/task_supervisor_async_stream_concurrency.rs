//! `async_stream` with `max_concurrency`. Over 10,000 items with
//! `max_concurrency(10)` never more than 10 tasks are alive (a high-water mark kept in the task
//! body), the limit is reached, and every item is yielded exactly once. The default limit is
//! the runtime's worker-thread count.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use otp_core::{TaskExit, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::{Instant, sleep};

const ITEMS: usize = 10_000;

/// Tasks alive now, and the most ever alive at once.
#[derive(Default)]
struct HighWater {
    now: AtomicUsize,
    max: AtomicUsize,
}

impl HighWater {
    fn enter(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
    }

    fn leave(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }

    fn max(&self) -> usize {
        self.max.load(Ordering::SeqCst)
    }
}

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

/// Runs the 10,000 items through a stream limited to 10; each task also checks the
/// supervisor's and the runtime's own counts of what runs.
async fn ten_thousand(ordered: bool) {
    let tasks = supervisor().await;
    let water = Arc::new(HighWater::default());
    let runtime_base = tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks();
    let seen_running = Arc::new(AtomicUsize::new(0));
    let results: Vec<Result<usize, TaskExit<usize>>> = tasks
        .async_stream(0..ITEMS, {
            let water = water.clone();
            let tasks = tasks.clone();
            let seen_running = seen_running.clone();
            move |item| {
                let water = water.clone();
                let tasks = tasks.clone();
                let seen_running = seen_running.clone();
                async move {
                    water.enter();
                    seen_running.fetch_max(tasks.running(), Ordering::SeqCst);
                    let alive = tokio::runtime::Handle::current()
                        .metrics()
                        .num_alive_tasks();
                    assert!(alive <= runtime_base + 10, "{alive} tasks alive");
                    // Varied lengths, so tasks finish out of input order.
                    sleep(Duration::from_millis((item * 7 % 13) as u64 + 1)).await;
                    water.leave();
                    item
                }
            }
        })
        .max_concurrency(10)
        .ordered(ordered)
        .collect()
        .await;

    assert_eq!(water.max(), 10, "never more than 10, and 10 were used");
    assert!(seen_running.load(Ordering::SeqCst) <= 10);
    assert_eq!(results.len(), ITEMS);
    let mut items: Vec<usize> = results.into_iter().map(Result::unwrap).collect();
    if ordered {
        assert_eq!(items, (0..ITEMS).collect::<Vec<_>>(), "in input order");
    } else {
        assert_ne!(items, (0..ITEMS).collect::<Vec<_>>(), "in finishing order");
        items.sort_unstable();
        assert_eq!(items, (0..ITEMS).collect::<Vec<_>>(), "each exactly once");
    }
    assert_eq!(tasks.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_items_at_most_ten_at_once_unordered() {
    ten_thousand(false).await;
}

#[tokio::test(start_paused = true)]
async fn ten_thousand_items_at_most_ten_at_once_ordered() {
    ten_thousand(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_holds_on_a_multi_thread_runtime() {
    let tasks = supervisor().await;
    let water = Arc::new(HighWater::default());
    let body = water.clone();
    let mut items: Vec<usize> = tasks
        .async_stream(0..ITEMS, move |item| {
            let water = body.clone();
            async move {
                water.enter();
                for _ in 0..(item % 4) {
                    tokio::task::yield_now().await;
                }
                water.leave();
                item
            }
        })
        .max_concurrency(10)
        .ordered(false)
        .map(Result::unwrap)
        .collect()
        .await;
    assert!(water.max() <= 10, "{} at once", water.max());
    items.sort_unstable();
    assert_eq!(items, (0..ITEMS).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn the_limit_paces_the_work() {
    // 40 one-second items, 8 at a time: 5 rounds.
    let tasks = supervisor().await;
    let started = Instant::now();
    let count = tasks
        .async_stream(0..40, |_| sleep(Duration::from_secs(1)))
        .max_concurrency(8)
        .count()
        .await;
    assert_eq!(count, 40);
    assert_eq!(started.elapsed(), Duration::from_secs(5));
}

#[tokio::test(start_paused = true)]
async fn the_default_limit_is_the_worker_count_one_on_a_current_thread_runtime() {
    assert_eq!(tokio::runtime::Handle::current().metrics().num_workers(), 1);
    let tasks = supervisor().await;
    let water = Arc::new(HighWater::default());
    let body = water.clone();
    let started = Instant::now();
    let count = tasks
        .async_stream(0..6, move |_| {
            let water = body.clone();
            async move {
                water.enter();
                sleep(Duration::from_secs(1)).await;
                water.leave();
            }
        })
        .count()
        .await;
    assert_eq!(count, 6);
    assert_eq!(water.max(), 1);
    assert_eq!(started.elapsed(), Duration::from_secs(6));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_default_limit_is_the_worker_count_two_on_two_workers() {
    let tasks = supervisor().await;
    let water = Arc::new(HighWater::default());
    // Each task waits for a partner: only two at once lets every pair through; one at a time
    // would leave each task waiting until its timeout.
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let body = water.clone();
    let results: Vec<Result<(), TaskExit<usize>>> = tasks
        .async_stream(0..20_usize, move |_| {
            let water = body.clone();
            let barrier = barrier.clone();
            async move {
                water.enter();
                barrier.wait().await;
                water.leave();
            }
        })
        .collect()
        .await;
    assert_eq!(results, vec![Ok(()); 20]);
    assert_eq!(water.max(), 2);
}
