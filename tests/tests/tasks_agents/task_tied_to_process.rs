//! A task spawned from inside a process is tied to it: when the process exits (stopped,
//! crashed, killed), the task is stopped. A task spawned outside any process, or one that
//! finished first, is not affected.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::Task;
use otp_core::prelude::*;
use tokio::time::sleep;

/// Spawns counting tasks from its callbacks and keeps their handles.
struct Owner {
    count: Arc<AtomicUsize>,
    tasks: Vec<Task<()>>,
}

#[genserver]
impl Owner {
    /// A task that counts one step per second, forever.
    #[handle_call]
    fn spawn_counter(&mut self) {
        let count = self.count.clone();
        self.tasks.push(Task::spawn(async move {
            loop {
                sleep(Duration::from_secs(1)).await;
                count.fetch_add(1, Ordering::SeqCst);
            }
        }));
    }

    /// A task that is done at once.
    #[handle_call]
    fn spawn_quick(&mut self) {
        let count = self.count.clone();
        self.tasks.push(Task::spawn(async move {
            count.fetch_add(1, Ordering::SeqCst);
        }));
    }

    #[handle_call]
    fn crash(&mut self) {
        panic!("owner crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn owner_with_tasks(count: &Arc<AtomicUsize>, tasks: usize) -> OwnerRef {
    let owner = Owner::start(Owner {
        count: count.clone(),
        tasks: Vec::new(),
    })
    .await
    .unwrap();
    for _ in 0..tasks {
        owner.spawn_counter().await.unwrap();
    }
    owner
}

/// Counts for 2.5 s, ends the owner with `end`, and checks the tasks never count again.
async fn check_tasks_stop_with_owner(end: impl AsyncFnOnce(&OwnerRef), expected: ExitReason) {
    let metrics = tokio::runtime::Handle::current().metrics();
    let before = metrics.num_alive_tasks();
    let count = Arc::new(AtomicUsize::new(0));
    let owner = owner_with_tasks(&count, 3).await;
    assert_eq!(
        metrics.num_alive_tasks(),
        before + 4,
        "the process and its 3 tasks"
    );
    sleep(Duration::from_millis(2_500)).await;
    assert_eq!(count.load(Ordering::SeqCst), 6);
    end(&owner).await;
    assert_eq!(owner.pid().wait_exit().await, expected);
    sleep(Duration::from_secs(60)).await;
    assert_eq!(
        count.load(Ordering::SeqCst),
        6,
        "the tasks stopped with their owner"
    );
    assert_eq!(metrics.num_alive_tasks(), before);
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_when_their_owner_stops_normally() {
    check_tasks_stop_with_owner(
        async |owner| owner.stop(ExitReason::Normal).await.unwrap(),
        ExitReason::Normal,
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_when_their_owner_crashes() {
    check_tasks_stop_with_owner(
        async |owner| {
            let _ = owner.crash().await;
        },
        ExitReason::Panic("owner crashed".into()),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_when_their_owner_is_killed() {
    check_tasks_stop_with_owner(async |owner| owner.pid().kill(), ExitReason::Killed).await;
}

#[tokio::test(start_paused = true)]
async fn tasks_stop_when_their_owner_gets_an_exit_signal() {
    check_tasks_stop_with_owner(
        async |owner| owner.pid().exit(ExitReason::ShutdownWith("bye".into())),
        ExitReason::ShutdownWith("bye".into()),
    )
    .await;
}

#[tokio::test(start_paused = true)]
async fn a_finished_task_is_untouched_by_its_owner_exit() {
    let count = Arc::new(AtomicUsize::new(0));
    let owner = owner_with_tasks(&count, 0).await;
    for _ in 0..100 {
        owner.spawn_quick().await.unwrap();
    }
    sleep(Duration::from_millis(1)).await;
    assert_eq!(count.load(Ordering::SeqCst), 100);
    owner.stop(ExitReason::Normal).await.unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 100);
}

#[tokio::test(start_paused = true)]
async fn a_task_spawned_outside_any_process_is_not_tied() {
    let count = Arc::new(AtomicUsize::new(0));
    // A process exists and exits, but the task was spawned by the test, not by it.
    let owner = owner_with_tasks(&count, 0).await;
    let counter = count.clone();
    let task = Task::spawn(async move {
        sleep(Duration::from_secs(4)).await;
        counter.fetch_add(1, Ordering::SeqCst);
        "done"
    });
    owner.pid().kill();
    owner.pid().wait_exit().await;
    assert_eq!(task.await, Ok("done"));
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
