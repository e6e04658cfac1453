//! `Task.async/1` + `Task.await/2`: the owner gets the task's value; the task runs concurrently
//! with its owner from the moment it is spawned, whether the owner is a process or not.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use otp_core::Task;
use otp_core::prelude::*;
use tokio::time::{Instant, sleep};

#[tokio::test(start_paused = true)]
async fn await_returns_the_value() {
    let task = Task::spawn(async { 6 * 7 });
    assert_eq!(task.await, Ok(42));

    let owned = Task::spawn(async { vec![String::from("a"), String::from("b")] });
    assert_eq!(owned.await.unwrap().concat(), "ab");
}

#[tokio::test(start_paused = true)]
async fn await_waits_as_long_as_the_task_takes_within_the_timeout() {
    let task = Task::spawn(async {
        sleep(Duration::from_secs(3)).await;
        "done"
    });
    let started = Instant::now();
    assert_eq!(task.await, Ok("done"));
    assert_eq!(started.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn the_task_runs_before_it_is_awaited() {
    let ran = Arc::new(AtomicBool::new(false));
    let flag = ran.clone();
    let task = Task::spawn(async move {
        flag.store(true, Ordering::SeqCst);
        sleep(Duration::from_secs(1)).await;
        7
    });
    sleep(Duration::from_secs(2)).await;
    assert!(ran.load(Ordering::SeqCst), "spawned means started");
    let started = Instant::now();
    assert_eq!(task.await, Ok(7));
    assert_eq!(started.elapsed(), Duration::ZERO, "already finished");
}

#[tokio::test(start_paused = true)]
async fn tasks_run_concurrently() {
    let started = Instant::now();
    let tasks: Vec<Task<u64>> = (1..=4_u64)
        .map(|n| {
            Task::spawn(async move {
                sleep(Duration::from_secs(n)).await;
                n * 10
            })
        })
        .collect();
    let mut values = Vec::new();
    for task in tasks {
        values.push(task.await.unwrap());
    }
    assert_eq!(values, vec![10, 20, 30, 40]);
    assert_eq!(started.elapsed(), Duration::from_secs(4), "not 1+2+3+4");
}

/// Spawns a task from inside a callback and awaits it there.
struct Owner;

#[genserver]
impl Owner {
    #[handle_call]
    async fn compute(&mut self, n: u32) -> Result<u32, otp_core::TaskError> {
        let me = otp_core::current_pid();
        let task = Task::spawn(async move {
            // The task is not the process itself.
            assert_ne!(otp_core::current_pid(), me);
            n * 2
        });
        task.await
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_process_awaits_its_task_in_a_callback() {
    let owner = Owner::start(Owner).await.unwrap();
    assert_eq!(owner.compute(21).await, Ok(Ok(42)));
}
