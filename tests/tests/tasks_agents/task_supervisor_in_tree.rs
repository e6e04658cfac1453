//! A task supervisor in a supervision tree (`{Task.Supervisor, name: MyApp.TaskSupervisor}`):
//! started by the tree under its name, found by it, restarted by the tree when it dies, and
//! stopped (with its tasks) with the tree.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{TaskSupervisor, TaskSupervisorRef, supervisor};
use tokio::time::sleep;

#[tokio::test(start_paused = true)]
async fn the_tree_starts_names_restarts_and_stops_it() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [TaskSupervisor(name = "tst_tasks")],
    }
    .start()
    .await
    .unwrap();
    let tasks = TaskSupervisorRef::whereis("tst_tasks").expect("registered by the tree");
    assert_eq!(
        tree.child_pid("TaskSupervisor").await.unwrap(),
        Some(tasks.pid())
    );

    // A crashing child does not disturb the task supervisor.
    tasks
        .start_child(async { panic!("send_notification crashed") })
        .unwrap();
    let task = tasks.spawn_nolink(async { 2 + 2 }).unwrap();
    assert_eq!(task.await, Ok(4));
    assert_eq!(
        TaskSupervisorRef::whereis("tst_tasks").map(|t| t.pid()),
        Some(tasks.pid())
    );

    // Killed, it comes back under the same name.
    tasks.pid().kill();
    tasks.pid().wait_exit().await;
    let again = tree
        .child_pid("TaskSupervisor")
        .await
        .unwrap()
        .expect("restarted");
    assert_ne!(again, tasks.pid());
    let restarted = TaskSupervisorRef::whereis("tst_tasks").expect("registered again");
    assert_eq!(restarted.pid(), again);

    // Stopping the tree stops its tasks.
    let count = Arc::new(AtomicUsize::new(0));
    let counter = count.clone();
    restarted
        .start_child(async move {
            loop {
                sleep(Duration::from_secs(1)).await;
                counter.fetch_add(1, Ordering::SeqCst);
            }
        })
        .unwrap();
    sleep(Duration::from_millis(1_500)).await;
    tree.stop(ExitReason::Shutdown).await.unwrap();
    assert!(!restarted.pid().is_alive());
    assert!(TaskSupervisorRef::whereis("tst_tasks").is_none());
    sleep(Duration::from_secs(10)).await;
    assert_eq!(count.load(Ordering::SeqCst), 1);
}
