//! `Task.Supervisor.start_child/2`: a temporary child with nothing to await. It runs at once; a
//! crash in it reaches neither the caller nor the supervisor, and it is not restarted; it is
//! not tied to the caller; a stopped supervisor refuses new children.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{NoProc, TaskSupervisor, TaskSupervisorOptions, TaskSupervisorRef};
use tokio::time::sleep;

async fn supervisor() -> TaskSupervisorRef {
    TaskSupervisor::start_link(TaskSupervisorOptions::default())
        .await
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_child_runs_without_being_awaited() {
    let tasks = supervisor().await;
    let sent = Arc::new(AtomicUsize::new(0));
    for _ in 0..5 {
        let sent = sent.clone();
        let started: Result<(), NoProc> = tasks.start_child(async move {
            sleep(Duration::from_secs(1)).await;
            sent.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(started, Ok(()));
    }
    sleep(Duration::from_secs(2)).await;
    assert_eq!(sent.load(Ordering::SeqCst), 5);
}

/// Starts supervised children from a callback.
struct Caller {
    tasks: TaskSupervisorRef,
}

#[genserver]
impl Caller {
    #[handle_call]
    fn notify(&mut self, fail: bool, done: Arc<AtomicUsize>) {
        self.tasks
            .start_child(async move {
                sleep(Duration::from_secs(1)).await;
                assert!(!fail, "notification failed");
                done.fetch_add(1, Ordering::SeqCst);
            })
            .unwrap();
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn a_crashing_child_affects_neither_caller_nor_supervisor_and_is_not_restarted() {
    let tasks = supervisor().await;
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = runs.clone();
    tasks
        .start_child(async move {
            counted.fetch_add(1, Ordering::SeqCst);
            panic!("send_notification crashed");
        })
        .unwrap();
    let caller = Caller::start(Caller {
        tasks: tasks.clone(),
    })
    .await
    .unwrap();
    let done = Arc::new(AtomicUsize::new(0));
    caller.notify(true, done.clone()).await.unwrap();
    sleep(Duration::from_secs(10)).await;
    assert_eq!(runs.load(Ordering::SeqCst), 1, "temporary: not restarted");
    assert_eq!(done.load(Ordering::SeqCst), 0);
    assert_eq!(caller.ping().await, Ok("pong"), "the caller is unaffected");
    assert!(tasks.pid().is_alive(), "the supervisor is unaffected");
    caller.notify(false, done.clone()).await.unwrap();
    sleep(Duration::from_secs(2)).await;
    assert_eq!(done.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn a_child_outlives_the_caller_that_started_it() {
    let tasks = supervisor().await;
    let caller = Caller::start(Caller {
        tasks: tasks.clone(),
    })
    .await
    .unwrap();
    let done = Arc::new(AtomicUsize::new(0));
    caller.notify(false, done.clone()).await.unwrap();
    caller.pid().kill();
    caller.pid().wait_exit().await;
    sleep(Duration::from_secs(2)).await;
    assert_eq!(done.load(Ordering::SeqCst), 1, "not tied to its caller");
}

#[tokio::test(start_paused = true)]
async fn a_stopped_supervisor_refuses_children() {
    let tasks = supervisor().await;
    tasks.stop(ExitReason::Shutdown).await.unwrap();
    let ran = Arc::new(AtomicUsize::new(0));
    let counted = ran.clone();
    assert_eq!(
        tasks.start_child(async move {
            counted.fetch_add(1, Ordering::SeqCst);
        }),
        Err(NoProc)
    );
    assert!(tasks.spawn(async { 1 }).is_err());
    assert!(tasks.spawn_nolink(async { 1 }).is_err());
    sleep(Duration::from_secs(1)).await;
    assert_eq!(ran.load(Ordering::SeqCst), 0);
    assert_eq!(NoProc.to_string(), "no such process");
}
