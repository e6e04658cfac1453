//! A task that panics, one that times out and one that is shut down each
//! give their owner the right value, and none leaves a task running: the runtime's alive-task
//! count returns to where it started, for plain tasks and for a task supervisor's.

use std::time::Duration;

use otp_core::{ExitReason, Task, TaskError, TaskSupervisor, TaskSupervisorOptions};
use tokio::time::sleep;

fn alive() -> usize {
    tokio::runtime::Handle::current()
        .metrics()
        .num_alive_tasks()
}

/// Lets aborted tasks be dropped by the scheduler.
async fn settle() {
    for _ in 0..10 {
        tokio::task::yield_now().await;
    }
    sleep(Duration::from_millis(1)).await;
}

#[tokio::test(start_paused = true)]
async fn panic_timeout_and_shutdown_give_their_values_and_leave_nothing_running() {
    let before = alive();
    let panicking: Task<u32> = Task::spawn(async { panic!("task failed") });
    let slow = Task::spawn(async {
        sleep(Duration::from_secs(3600)).await;
        1_u32
    });
    let running = Task::spawn(async {
        sleep(Duration::from_secs(3600)).await;
        2_u32
    });
    assert_eq!(alive(), before + 3);

    assert_eq!(
        panicking.await,
        Err(TaskError::Exit(ExitReason::Panic("task failed".into())))
    );
    assert_eq!(slow.await, Err(TaskError::Timeout));
    assert_eq!(running.shutdown().await, None);
    settle().await;
    assert_eq!(alive(), before);
}

#[tokio::test(start_paused = true)]
async fn the_same_through_a_task_supervisor() {
    let tasks = TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap();
    let before = alive();
    let panicking = tasks
        .spawn_nolink(async {
            sleep(Duration::from_secs(1)).await;
            panic!("supervised task failed")
        })
        .unwrap();
    let slow = tasks
        .spawn(async {
            sleep(Duration::from_secs(3600)).await;
            1_u32
        })
        .unwrap();
    let running = tasks
        .spawn_nolink(async {
            sleep(Duration::from_secs(3600)).await;
            2_u32
        })
        .unwrap();
    assert_eq!(alive(), before + 3);
    assert_eq!(tasks.running(), 3);

    let crashed: Result<u32, TaskError> = panicking.await;
    assert_eq!(
        crashed,
        Err(TaskError::Exit(ExitReason::Panic(
            "supervised task failed".into()
        )))
    );
    assert_eq!(
        slow.timeout(Duration::from_secs(2)).await,
        Err(TaskError::Timeout)
    );
    assert_eq!(running.shutdown().await, None);
    settle().await;
    assert_eq!(alive(), before);
    assert!(tasks.pid().is_alive(), "the supervisor lives on");
    assert_eq!(tasks.running(), 0);
}
