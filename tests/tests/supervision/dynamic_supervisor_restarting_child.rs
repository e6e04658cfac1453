//! A dynamic supervisor's child whose restart fails stays on its books while it is retried, as
//! in OTP (`restart(simple_one_for_one, ..)` keeps it under `{restarting, OldPid}`): it is
//! listed as restarting, counted in `specs` (not `active`) and toward `max_children`, and
//! `terminate_child` with its old pid ends the retries.

use std::sync::atomic::Ordering;

use otp_behaviour_tests::flaky::{Args, Flaky};
use otp_core::prelude::*;
use otp_core::{
    ChildCounts, ChildInfo, ChildState, ChildType, DynamicSupervisor, DynamicSupervisorOptions,
    DynamicSupervisorRef, StartChildError,
};

/// A dynamic supervisor of at most one child, with room for many retries; its child's restarts
/// fail from now on, and it has just been killed: its first restart has failed when this
/// returns. The child's old pid.
async fn child_restarting() -> (DynamicSupervisorRef, Args, Pid) {
    let sup = DynamicSupervisor::start(
        DynamicSupervisorOptions::default()
            .max_restarts(1_000)
            .max_children(1),
    )
    .await
    .unwrap();
    let args = Args::default();
    let old = sup.start_child::<Flaky>(args.clone()).await.unwrap().pid();
    args.down.store(true, Ordering::SeqCst);
    old.kill();
    old.wait_exit().await;
    // The exit is in the supervisor's mailbox before this call: the first restart has run.
    sup.count_children().await.unwrap();
    assert!(args.attempts() >= 2, "the restart was tried");
    (sup, args, old)
}

#[tokio::test(start_paused = true)]
async fn it_is_listed_as_restarting_and_counted_in_specs_not_active() {
    let (sup, _args, _old) = child_restarting().await;
    assert_eq!(
        sup.which_children().await.unwrap(),
        [ChildInfo {
            id: None,
            state: ChildState::Restarting,
            child_type: ChildType::Worker,
        }]
    );
    assert_eq!(
        sup.count_children().await.unwrap(),
        ChildCounts {
            specs: 1,
            active: 0,
            supervisors: 0,
            workers: 1,
        }
    );
}

#[tokio::test(start_paused = true)]
async fn it_counts_toward_max_children() {
    let (sup, args, _old) = child_restarting().await;
    let other = Args::default();
    assert_eq!(
        sup.start_child::<Flaky>(other.clone()).await.err(),
        Some(StartChildError::MaxChildren)
    );
    assert_eq!(other.attempts(), 0, "nothing started past max_children");
    // Once a retry succeeds it is running again, under a new pid.
    args.down.store(false, Ordering::SeqCst);
    while sup.count_children().await.unwrap().active == 0 {
        tokio::task::yield_now().await;
    }
    assert!(matches!(
        sup.which_children().await.unwrap()[..],
        [ChildInfo {
            state: ChildState::Running(_),
            ..
        }]
    ));
}

#[tokio::test(start_paused = true)]
async fn terminate_child_with_the_old_pid_ends_the_retries() {
    let (sup, args, old) = child_restarting().await;
    assert_eq!(sup.terminate_child(&old).await, Ok(true));
    let attempts = args.attempts();
    for _ in 0..10 {
        sup.count_children().await.unwrap();
        tokio::task::yield_now().await;
    }
    assert_eq!(args.attempts(), attempts, "no retry after terminate_child");
    assert_eq!(sup.count_children().await.unwrap(), ChildCounts::default());
    assert_eq!(sup.terminate_child(&old).await, Ok(false), "forgotten");
    assert!(sup.is_alive());
    let fresh = Args::default();
    assert!(sup.start_child::<Flaky>(fresh).await.is_ok(), "room again");
}
