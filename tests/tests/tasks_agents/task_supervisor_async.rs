//! `Task.Supervisor.async/3`: a supervised task tied to its caller. The caller awaits its value
//! (or its crash, as a value); when the calling process exits, the task is stopped.

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

#[tokio::test(start_paused = true)]
async fn the_caller_awaits_the_value() {
    let tasks = supervisor().await;
    // Elixir OTP guide: `task = Task.Supervisor.async(sup, fn -> fetch_external_data(url) end)`.
    let task: Task<String> = tasks
        .spawn(async {
            sleep(Duration::from_secs(2)).await;
            String::from("external data")
        })
        .unwrap();
    assert_eq!(tasks.running(), 1);
    assert_eq!(task.await, Ok(String::from("external data")));
    assert_eq!(tasks.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_crash_reaches_the_caller_as_a_value() {
    let tasks = supervisor().await;
    let task: Task<u8> = tasks.spawn(async { panic!("fetch failed") }).unwrap();
    assert_eq!(
        task.await,
        Err(TaskError::Exit(ExitReason::Panic("fetch failed".into())))
    );
    assert!(tasks.pid().is_alive());
}

/// Starts supervised tasks from a callback and keeps them.
struct Caller {
    tasks: TaskSupervisorRef,
    held: Vec<Task<()>>,
}

#[genserver]
impl Caller {
    /// A task that counts one step per second, forever; tied or not.
    #[handle_call]
    fn run(&mut self, tied: bool, count: Arc<AtomicUsize>) {
        let work = async move {
            loop {
                sleep(Duration::from_secs(1)).await;
                count.fetch_add(1, Ordering::SeqCst);
            }
        };
        let task = if tied {
            self.tasks.spawn(work)
        } else {
            self.tasks.spawn_nolink(work)
        };
        self.held.push(task.unwrap());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn the_task_stops_when_its_calling_process_exits() {
    let tasks = supervisor().await;
    let alive = || {
        tokio::runtime::Handle::current()
            .metrics()
            .num_alive_tasks()
    };
    let before = alive();
    let caller = Caller::start(Caller {
        tasks: tasks.clone(),
        held: Vec::new(),
    })
    .await
    .unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    caller.run(true, count.clone()).await.unwrap();
    caller.run(true, count.clone()).await.unwrap();
    sleep(Duration::from_millis(1_500)).await;
    assert_eq!(count.load(Ordering::SeqCst), 2);
    caller
        .pid()
        .exit(ExitReason::ShutdownWith("caller done".into()));
    caller.pid().wait_exit().await;
    sleep(Duration::from_secs(30)).await;
    assert_eq!(count.load(Ordering::SeqCst), 2, "stopped with the caller");
    assert_eq!(alive(), before);
    assert!(
        tasks.pid().is_alive(),
        "the supervisor is not the one that exits"
    );
}
