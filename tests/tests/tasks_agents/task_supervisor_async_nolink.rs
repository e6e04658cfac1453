//! `Task.Supervisor.async_nolink/3`: a supervised task not tied to its caller. The caller
//! survives the task's crash and gets the exit as a value; the task survives the caller's exit.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Task, TaskError, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::sleep;

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

/// A process that runs risky work through the supervisor.
struct Caller {
    tasks: TaskSupervisorRef,
}

#[genserver]
impl Caller {
    #[handle_call]
    async fn risky(&mut self, fail: bool) -> Result<u32, TaskError> {
        let task: Task<u32> = self
            .tasks
            .spawn_nolink(async move {
                sleep(Duration::from_secs(1)).await;
                assert!(!fail, "risky work failed");
                7
            })
            .unwrap();
        task.await
    }

    #[handle_call]
    fn start_long(&mut self, done: Arc<AtomicUsize>) {
        // Dropped handle: nobody awaits it, the task runs to its end.
        drop(
            self.tasks
                .spawn_nolink(async move {
                    sleep(Duration::from_secs(5)).await;
                    done.fetch_add(1, Ordering::SeqCst);
                })
                .unwrap(),
        );
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_caller_survives_the_crash_and_gets_the_exit() {
    let tasks = supervisor().await;
    let caller = Caller::start(Caller {
        tasks: tasks.clone(),
    })
    .await
    .unwrap();
    assert_eq!(
        caller.risky(true).await,
        Ok(Err(TaskError::Exit(ExitReason::Panic(
            "risky work failed".into()
        ))))
    );
    assert!(caller.pid().is_alive());
    assert!(tasks.pid().is_alive());
    assert_eq!(caller.risky(false).await, Ok(Ok(7)));
}

#[tokio::test(start_paused = true)]
async fn the_task_survives_its_caller() {
    let tasks = supervisor().await;
    let caller = Caller::start(Caller {
        tasks: tasks.clone(),
    })
    .await
    .unwrap();
    let done = Arc::new(AtomicUsize::new(0));
    caller.start_long(done.clone()).await.unwrap();
    caller.pid().kill();
    caller.pid().wait_exit().await;
    assert_eq!(tasks.running(), 1);
    sleep(Duration::from_secs(6)).await;
    assert_eq!(done.load(Ordering::SeqCst), 1, "not tied to the caller");
    assert_eq!(tasks.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_test_caller_gets_the_exit_too() {
    let tasks = supervisor().await;
    let task: Task<()> = tasks.spawn_nolink(async { panic!("bad input") }).unwrap();
    assert_eq!(
        task.await,
        Err(TaskError::Exit(ExitReason::Panic("bad input".into())))
    );
}
