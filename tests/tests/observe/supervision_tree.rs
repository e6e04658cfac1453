//! `observe::supervision_tree`: a supervisor's children and theirs, each with its id, pid,
//! state, type, restart type and restarts; `supervision_trees` for every top-level supervisor.

use std::time::SystemTime;

use otp_core::observe::{self, SupervisedState, SupervisorKind, TreeError};
use otp_core::prelude::*;
use otp_core::{
    ChildSpec, ChildType, DynamicSupervisor, DynamicSupervisorOptions, Restart, Strategy,
    SupervisorRef, SupervisorSpec, TaskSupervisor, TaskSupervisorOptions,
};

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn worker(id: &'static str) -> ChildSpec {
    ChildSpec::of::<Worker>(Worker).with_id(id)
}

/// `app` (one for all): `db`, `cache` (transient), and `inner` (one for one) with `jobs`.
async fn app() -> SupervisorRef {
    let inner = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("jobs"))
        .into_child_spec("inner");
    SupervisorSpec::new(Strategy::OneForAll)
        .max_restarts(100)
        .child(worker("db"))
        .child(worker("cache").with_restart(Restart::Transient))
        .child(inner)
        .start()
        .await
        .unwrap()
}

/// Kills a child and waits until its supervisor has started it again.
async fn kill_and_wait_for_restart(sup: &SupervisorRef, id: &str) {
    let old = sup.child_pid(id).await.unwrap().unwrap();
    old.kill();
    old.wait_exit().await;
    // The supervisor handles the exit before this call, restarting the child.
    let new = sup.child_pid(id).await.unwrap().unwrap();
    assert_ne!(new, old);
}

#[tokio::test]
async fn a_tree_shows_each_child_with_its_id_pid_state_type_and_restart_type() {
    let app = app().await;
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    assert_eq!(tree.pid, app.pid());
    assert_eq!(tree.kind, SupervisorKind::Supervisor);
    let ids: Vec<_> = tree
        .children
        .iter()
        .map(|c| c.id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["db", "cache", "inner"], "in start order");

    let db = &tree.children[0];
    assert_eq!(db.pid, app.child_pid("db").await.unwrap());
    assert_eq!(db.state, SupervisedState::Running);
    assert_eq!(db.child_type, ChildType::Worker);
    assert_eq!(db.restart, Restart::Permanent);
    assert!(db.subtree.is_none());
    assert_eq!(tree.children[1].restart, Restart::Transient);

    let inner = &tree.children[2];
    assert_eq!(inner.child_type, ChildType::Supervisor);
    let subtree = inner.subtree.as_ref().expect("the inner supervisor's tree");
    assert_eq!(Some(&subtree.pid), inner.pid.as_ref());
    assert_eq!(subtree.children.len(), 1);
    assert_eq!(subtree.children[0].id.as_deref(), Some("jobs"));
    assert_eq!(tree.pids().len(), 5, "app, db, cache, inner, jobs");
}

#[tokio::test]
async fn restarts_are_counted_per_child_with_the_time_of_the_last() {
    let app = app().await;
    let before = SystemTime::now();
    kill_and_wait_for_restart(&app, "cache").await;
    kill_and_wait_for_restart(&app, "cache").await;
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    // One for all: each of cache's exits restarted every child.
    for child in &tree.children {
        assert_eq!(child.restarts, 2, "{:?}", child.id);
        let last = child.last_restart.expect("restarted");
        assert!(last >= before, "{:?}", child.id);
    }
    let jobs = &tree.children[2].subtree.as_ref().unwrap().children[0];
    assert_eq!(
        jobs.restarts, 0,
        "a new inner supervisor started its jobs for the first time"
    );
}

#[tokio::test]
async fn a_child_never_restarted_has_no_restart_time() {
    let app = app().await;
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    assert!(tree.children.iter().all(|child| child.restarts == 0));
    assert!(
        tree.children
            .iter()
            .all(|child| child.last_restart.is_none())
    );
}

#[tokio::test]
async fn a_terminated_child_shows_as_not_running_without_a_pid() {
    let app = app().await;
    app.terminate_child("cache").await.unwrap();
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    assert_eq!(tree.children[1].state, SupervisedState::NotRunning);
    assert_eq!(tree.children[1].pid, None);
}

#[tokio::test]
async fn a_child_killed_just_before_the_walk_is_never_shown_running_as_its_dead_pid() {
    let app = app().await;
    let inner = app.child_pid("inner").await.unwrap().unwrap();
    inner.kill();
    let tree = observe::supervision_tree(&app.pid())
        .await
        .expect("a child dying meanwhile is not an error");
    let shown = &tree.children[2];
    assert_ne!(shown.pid.as_ref(), Some(&inner));
    if shown.state == SupervisedState::Running {
        assert!(shown.subtree.is_some(), "restarted already, and walked");
    } else {
        assert_eq!(shown.pid, None);
    }
}

#[tokio::test]
async fn a_dynamic_supervisors_children_keep_their_restart_count_across_restarts() {
    let rooms = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let room = rooms.start_child::<Worker>(Worker).await.unwrap();
    let tree = observe::supervision_tree(&rooms.pid()).await.unwrap();
    assert_eq!(tree.kind, SupervisorKind::DynamicSupervisor);
    assert_eq!(tree.children.len(), 1);
    assert_eq!(tree.children[0].id, None);
    assert_eq!(tree.children[0].pid, Some(room.pid()));
    assert_eq!(tree.children[0].restarts, 0);

    room.pid().kill();
    room.pid().wait_exit().await;
    // Handled in order: the exit, then this request.
    let restarted = rooms.which_children().await.unwrap();
    let new_pid = restarted[0].pid().unwrap().clone();
    new_pid.kill();
    new_pid.wait_exit().await;
    rooms.which_children().await.unwrap();

    let tree = observe::supervision_tree(&rooms.pid()).await.unwrap();
    assert_eq!(tree.children.len(), 1);
    assert_eq!(tree.children[0].restarts, 2);
    assert!(tree.children[0].last_restart.is_some());
}

#[tokio::test]
async fn a_task_supervisors_children_are_its_running_tasks() {
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .unwrap();
    tasks.start_child(std::future::pending()).unwrap();
    tasks.start_child(std::future::pending()).unwrap();
    let tree = observe::supervision_tree(&tasks.pid()).await.unwrap();
    assert_eq!(tree.kind, SupervisorKind::TaskSupervisor);
    assert_eq!(tree.children.len(), 2);
    for task in &tree.children {
        assert_eq!((task.id.as_ref(), task.pid.as_ref()), (None, None));
        assert_eq!(task.state, SupervisedState::Running);
        assert_eq!(task.restart, Restart::Temporary);
    }
}

#[tokio::test]
async fn a_task_supervisor_under_a_supervisor_is_walked_too() {
    let app = SupervisorSpec::new(Strategy::OneForOne)
        .child(ChildSpec::of::<TaskSupervisor>(TaskSupervisorOptions::default()).with_id("tasks"))
        .start()
        .await
        .unwrap();
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    let tasks = tree.children[0].subtree.as_ref().expect("walked");
    assert_eq!(tasks.kind, SupervisorKind::TaskSupervisor);
}

#[tokio::test]
async fn a_worker_is_not_a_supervisor_and_a_dead_supervisor_is_no_proc() {
    let app = app().await;
    let db = app.child_pid("db").await.unwrap().unwrap();
    assert_eq!(
        observe::supervision_tree(&db).await.unwrap_err(),
        TreeError::NotASupervisor
    );
    app.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        observe::supervision_tree(&app.pid()).await.unwrap_err(),
        TreeError::NoProc
    );
}

#[tokio::test]
async fn the_top_level_trees_are_those_of_supervisors_without_a_parent_supervisor() {
    struct Owner;

    #[genserver]
    impl Owner {
        #[handle_call]
        async fn start_supervisor(&mut self) -> Pid {
            SupervisorSpec::new(Strategy::OneForOne)
                .start_link()
                .await
                .unwrap()
                .pid()
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    let app = app().await;
    let owner = Owner::start(Owner).await.unwrap();
    let owned = owner.start_supervisor().await.unwrap();
    let roots: Vec<Pid> = observe::supervision_trees()
        .await
        .into_iter()
        .map(|tree| tree.pid)
        .collect();
    assert!(roots.contains(&app.pid()));
    assert!(
        roots.contains(&owned),
        "its parent is a worker, not a supervisor"
    );
    let inner = app.child_pid("inner").await.unwrap().unwrap();
    assert!(!roots.contains(&inner), "under `app`");
    assert!(!roots.contains(&owner.pid()), "not a supervisor");
}

#[tokio::test(start_paused = true)]
async fn a_supervisor_busy_starting_a_child_times_out() {
    #[derive(Clone)]
    struct SlowStart;

    #[genserver]
    impl SlowStart {
        #[init]
        async fn init(_: ()) -> Self {
            tokio::time::sleep(Duration::from_secs(60)).await;
            SlowStart
        }

        #[handle_info(catch_all)]
        fn unexpected(&mut self, _msg: AnyMessage) {}
    }

    let app = app().await;
    let starting = tokio::spawn({
        let app = app.clone();
        async move {
            app.start_child(ChildSpec::of::<SlowStart>(()).with_id("slow"))
                .await
        }
    });
    tokio::task::yield_now().await;
    assert_eq!(
        observe::supervision_tree(&app.pid()).await.unwrap_err(),
        TreeError::Timeout
    );
    starting.await.unwrap().unwrap();
    let tree = observe::supervision_tree(&app.pid()).await.unwrap();
    assert_eq!(tree.children.len(), 4);
}
