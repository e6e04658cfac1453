//! `TaskSupervisorRef::running`: how many of the supervisor's tasks are still running. A task
//! leaves the count when it ends, however it ends: returned, crashed, or stopped.

use std::time::Duration;

use otp_core::{TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::sleep;

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn running_counts_tasks_until_they_return() {
    let tasks = supervisor().await;
    assert_eq!(tasks.running(), 0);
    for secs in 1..=3 {
        tasks
            .start_child(async move { sleep(Duration::from_secs(secs)).await })
            .unwrap();
    }
    let task = tasks
        .spawn_nolink(async {
            sleep(Duration::from_secs(4)).await;
            4
        })
        .unwrap();
    assert_eq!(tasks.running(), 4);
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(tasks.running(), 3);
    sleep(Duration::from_secs(1)).await;
    assert_eq!(tasks.running(), 2);
    assert_eq!(task.await, Ok(4));
    assert_eq!(tasks.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_crashed_task_leaves_the_count() {
    let tasks = supervisor().await;
    tasks
        .start_child(async { panic!("child crashed") })
        .unwrap();
    let task = tasks
        .spawn_nolink(async {
            if true {
                panic!("awaited task crashed");
            }
        })
        .unwrap();
    assert!(task.await.is_err());
    sleep(Duration::from_secs(1)).await;
    assert_eq!(tasks.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_stopped_task_leaves_the_count() {
    let tasks = supervisor().await;
    let forever = || async { sleep(Duration::from_secs(3600)).await };
    let shut = tasks.spawn_nolink(forever()).unwrap();
    let timed_out = tasks.spawn_nolink(forever()).unwrap();
    assert_eq!(tasks.running(), 2);
    assert_eq!(shut.shutdown().await, None);
    assert!(timed_out.timeout(Duration::from_secs(1)).await.is_err());
    sleep(Duration::from_secs(1)).await;
    assert_eq!(tasks.running(), 0);
}
