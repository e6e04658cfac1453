//! A child whose restart fails is `restarting` until a retry starts it, as in OTP
//! (`supervisor:restart/2`, `try_again_restart`): `which_children` lists it as restarting,
//! `count_children` counts it in `specs` but not `active`, `restart_child` and `delete_child`
//! answer `Restarting` (starting no extra attempt, dropping nothing), `start_child` with its id
//! answers `AlreadyPresent`, and `terminate_child` ends the retries, keeping the spec.

use std::sync::atomic::Ordering;

use otp_behaviour_tests::flaky::{Args, Flaky};
use otp_core::{
    ChildCounts, ChildInfo, ChildSpec, ChildState, ChildType, Strategy, SupervisorError,
    SupervisorRef, SupervisorSpec,
};

fn spec(id: &'static str, args: &Args) -> ChildSpec {
    ChildSpec::of::<Flaky>(args.clone()).with_id(id)
}

/// `a` and `b` under one_for_one with room for many retries; `b`'s restarts fail from now on,
/// and it has just been killed: its first restart has failed when this returns.
async fn b_restarting() -> (SupervisorRef, Args, Args) {
    let (a, b) = (Args::default(), Args::default());
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(1_000)
        .child(spec("a", &a))
        .child(spec("b", &b))
        .start()
        .await
        .unwrap();
    let old = sup.child_pid("b").await.unwrap().unwrap();
    b.down.store(true, Ordering::SeqCst);
    old.kill();
    old.wait_exit().await;
    // The exit is in the supervisor's mailbox before this call: the first restart has run.
    sup.count_children().await.unwrap();
    assert!(b.attempts() >= 2, "b's restart was tried");
    (sup, a, b)
}

#[tokio::test(start_paused = true)]
async fn which_children_lists_it_as_restarting_and_count_children_as_not_active() {
    let (sup, _a, _b) = b_restarting().await;
    let children = sup.which_children().await.unwrap();
    assert!(matches!(children[0].state, ChildState::Running(_)));
    assert_eq!(
        children[1],
        ChildInfo {
            id: Some("b".into()),
            state: ChildState::Restarting,
            child_type: ChildType::Worker,
        }
    );
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 2,
            active: 1,
            supervisors: 0,
            workers: 2,
        }
    );
    assert_eq!(sup.child_pid("b").await.unwrap(), None);
    assert!(sup.is_alive());
}

#[tokio::test(start_paused = true)]
async fn restart_child_and_delete_child_answer_restarting_and_change_nothing() {
    let (sup, _a, b) = b_restarting().await;
    assert_eq!(
        sup.restart_child("b").await,
        Err(SupervisorError::Restarting("b".into()))
    );
    assert_eq!(
        sup.delete_child("b").await,
        Err(SupervisorError::Restarting("b".into()))
    );
    assert_eq!(
        sup.start_child(spec("b", &b)).await,
        Err(SupervisorError::AlreadyPresent("b".into()))
    );
    // Still restarting: the retries go on, and once a start succeeds it is running again.
    assert_eq!(
        sup.which_children().await.unwrap()[1].state,
        ChildState::Restarting
    );
    b.down.store(false, Ordering::SeqCst);
    while sup.child_pid("b").await.unwrap().is_none() {
        tokio::task::yield_now().await;
    }
    assert_eq!(sup.count_children().await.unwrap().active, 2);
}

#[tokio::test(start_paused = true)]
async fn terminate_child_ends_the_retries_and_keeps_the_spec() {
    let (sup, _a, b) = b_restarting().await;
    assert_eq!(sup.terminate_child("b").await, Ok(()));
    let attempts = b.attempts();
    for _ in 0..10 {
        sup.count_children().await.unwrap();
        tokio::task::yield_now().await;
    }
    assert_eq!(b.attempts(), attempts, "no retry after terminate_child");
    assert_eq!(
        sup.which_children().await.unwrap()[1].state,
        ChildState::NotRunning
    );
    assert!(sup.is_alive());

    b.down.store(false, Ordering::SeqCst);
    let pid = sup.restart_child("b").await.unwrap().unwrap();
    assert_eq!(sup.child_pid("b").await.unwrap(), Some(pid));
    assert_eq!(
        sup.delete_child("b").await,
        Err(SupervisorError::Running("b".into()))
    );
}

#[tokio::test(start_paused = true)]
async fn a_child_terminated_while_restarting_can_be_deleted() {
    let (sup, _a, _b) = b_restarting().await;
    sup.terminate_child("b").await.unwrap();
    assert_eq!(sup.delete_child("b").await, Ok(()));
    assert_eq!(sup.count_children().await.unwrap().specs, 1);
}
