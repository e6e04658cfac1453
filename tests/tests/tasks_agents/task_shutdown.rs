//! `Task.shutdown/2`: stops the task and returns what it had: `Some(Ok(v))` if it had finished,
//! `Some(Err(reason))` if it had crashed, `None` if it was still running (and it then never
//! runs again).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::{ExitReason, Task};
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn shutdown_of_a_finished_task_returns_its_value() {
    let task = Task::spawn(async { String::from("result") });
    sleep(Duration::from_millis(10)).await;
    assert_eq!(task.shutdown().await, Some(Ok(String::from("result"))));
}

#[tokio::test(start_paused = true)]
async fn shutdown_of_a_crashed_task_returns_its_exit() {
    let task = Task::spawn(async {
        if true {
            panic!("crashed early");
        }
        1_u32
    });
    sleep(Duration::from_millis(10)).await;
    assert_eq!(
        task.shutdown().await,
        Some(Err(ExitReason::Panic("crashed early".into())))
    );
}

#[tokio::test(start_paused = true)]
async fn shutdown_of_a_running_task_stops_it_and_returns_none() {
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    let task = Task::spawn(async move {
        loop {
            sleep(Duration::from_secs(1)).await;
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    sleep(Duration::from_millis(2_500)).await;
    assert_eq!(count.load(Ordering::SeqCst), 2);
    let started = Instant::now();
    let had: Option<Result<(), ExitReason>> = task.shutdown().await;
    assert_eq!(had, None);
    assert_eq!(started.elapsed(), Duration::ZERO, "stopped at once");
    sleep(Duration::from_secs(60)).await;
    assert_eq!(count.load(Ordering::SeqCst), 2, "never ran again");
}

#[tokio::test(start_paused = true)]
async fn shutdown_leaves_no_task_behind() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let tasks: Vec<Task<()>> = (0..20)
        .map(|_| Task::spawn(async { sleep(Duration::from_secs(3600)).await }))
        .collect();
    assert_eq!(metrics.num_alive_tasks(), before + 20);
    for task in tasks {
        assert_eq!(task.shutdown().await, None);
    }
    assert_eq!(metrics.num_alive_tasks(), before);
}
