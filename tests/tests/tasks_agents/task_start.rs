//! `Task.start/1`: fire and forget. The work runs with nothing to await; a crash in it does not
//! reach the caller; it is not tied to the process that started it.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::Task;
use otp_core::prelude::*;
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn started_work_runs_without_being_awaited() {
    let sent = Arc::new(AtomicUsize::new(0));
    for _ in 0..3 {
        let sent = sent.clone();
        Task::start(async move {
            sleep(Duration::from_secs(1)).await;
            sent.fetch_add(1, Ordering::SeqCst);
        });
    }
    assert_eq!(sent.load(Ordering::SeqCst), 0, "start returns at once");
    sleep(Duration::from_secs(2)).await;
    assert_eq!(sent.load(Ordering::SeqCst), 3);
}

#[tokio::test(start_paused = true)]
async fn a_crash_in_started_work_does_not_reach_the_caller() {
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    Task::start(async { panic!("welcome email failed") });
    sleep(Duration::from_secs(1)).await;
    assert_eq!(metrics.num_alive_tasks(), before, "the task ended");
    // The test (the caller) is still here; the runtime still runs tasks.
    let ran = Arc::new(AtomicUsize::new(0));
    let flag = ran.clone();
    Task::start(async move {
        flag.fetch_add(1, Ordering::SeqCst);
    });
    sleep(Duration::from_millis(1)).await;
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

/// Starts fire-and-forget work from a callback, then can be stopped.
struct Starter {
    done: Arc<AtomicUsize>,
}

#[genserver]
impl Starter {
    #[handle_call]
    fn start_work(&mut self) {
        let done = self.done.clone();
        Task::start(async move {
            sleep(Duration::from_secs(10)).await;
            done.fetch_add(1, Ordering::SeqCst);
        });
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn started_work_outlives_the_process_that_started_it() {
    let done = Arc::new(AtomicUsize::new(0));
    let starter = Starter::start(Starter { done: done.clone() })
        .await
        .unwrap();
    starter.start_work().await.unwrap();
    starter.pid().kill();
    assert_eq!(starter.pid().wait_exit().await, ExitReason::Killed);
    sleep(Duration::from_secs(11)).await;
    assert_eq!(done.load(Ordering::SeqCst), 1, "not tied to its starter");
}
