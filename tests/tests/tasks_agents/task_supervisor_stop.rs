//! Stopping a task supervisor stops every task it runs (tasks run no cleanup: `brutal_kill`);
//! owners awaiting one get `Exit(Killed)`; the same when the supervisor is killed.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use otp_core::prelude::*;
use otp_core::{TaskError, TaskExit, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::sleep;

fn alive() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

async fn busy_supervisor(count: &Arc<AtomicUsize>) -> (TaskSupervisorRef, Vec<otp_core::Task<()>>) {
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .unwrap();
    let step = |count: Arc<AtomicUsize>| async move {
        loop {
            sleep(Duration::from_secs(1)).await;
            count.fetch_add(1, Ordering::SeqCst);
        }
    };
    for _ in 0..3 {
        tasks.start_child(step(count.clone())).unwrap();
    }
    let awaited = vec![
        tasks.spawn_nolink(step(count.clone())).unwrap(),
        tasks.spawn(step(count.clone())).unwrap(),
    ];
    (tasks, awaited)
}

#[tokio::test(start_paused = true)]
async fn stop_stops_every_task() {
    let before = alive();
    let count = Arc::new(AtomicUsize::new(0));
    let (tasks, awaited) = busy_supervisor(&count).await;
    assert_eq!(alive(), before + 6, "the supervisor and its five tasks");
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(count.load(Ordering::SeqCst), 5);

    tasks.stop(ExitReason::Shutdown).await.unwrap();
    for task in awaited {
        assert_eq!(task.await, Err(TaskError::Exit(ExitReason::Killed)));
    }
    sleep(Duration::from_secs(30)).await;
    assert_eq!(count.load(Ordering::SeqCst), 5, "no task ran on");
    assert_eq!(alive(), before);
}

#[tokio::test(start_paused = true)]
async fn killing_the_supervisor_also_stops_every_task() {
    let before = alive();
    let count = Arc::new(AtomicUsize::new(0));
    let (tasks, awaited) = busy_supervisor(&count).await;
    sleep(Duration::from_millis(1_500)).await;
    tasks.pid().kill();
    assert_eq!(tasks.pid().wait_exit().await, ExitReason::Killed);
    for task in awaited {
        assert_eq!(task.await, Err(TaskError::Exit(ExitReason::Killed)));
    }
    sleep(Duration::from_secs(30)).await;
    assert_eq!(count.load(Ordering::SeqCst), 5);
    assert_eq!(alive(), before);
}

#[tokio::test(start_paused = true)]
async fn a_stream_on_a_stopped_supervisor_yields_shutdown_exits() {
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .unwrap();
    tasks.stop(ExitReason::Shutdown).await.unwrap();
    let results: Vec<Result<u32, TaskExit<u32>>> = tasks
        .async_stream(1..=3_u32, |n| async move { n })
        .zip_input_on_exit()
        .collect()
        .await;
    assert_eq!(
        results,
        (1..=3)
            .map(|n| Err(TaskExit {
                reason: ExitReason::Shutdown,
                input: Some(n),
            }))
            .collect::<Vec<_>>()
    );
}
