//! one_for_one: only the child that died is restarted; its siblings keep running, untouched.
//! Four children, each position crashed in turn (first, middle, last), with the start counters
//! and the exact log of stops and starts; on stop, the children stop in reverse start order.

use otp_behaviour_tests::supervisor::{IDS, Tree, log};
use otp_core::Strategy;
use otp_core::prelude::*;

async fn crash_one(position: usize) {
    let tree = Tree::start(Strategy::OneForOne).await;
    assert_eq!(
        tree.take_log(),
        log(&["start a", "start b", "start c", "start d"])
    );
    let before = tree.pids().await;

    let id = IDS[position];
    tree.crash(id).await;

    assert_eq!(
        tree.take_log(),
        vec![format!("crash {id}"), format!("start {id}")]
    );
    let mut expected = vec![1, 1, 1, 1];
    expected[position] = 2;
    assert_eq!(tree.starts(), expected, "only {id} restarted");
    let after = tree.pids().await;
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        if i == position {
            assert_ne!(old, new, "{id} runs as a new process");
            assert!(!old.is_alive());
        } else {
            assert_eq!(old, new, "{} kept its process", IDS[i]);
            assert!(new.is_alive());
        }
    }

    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&["stop d", "stop c", "stop b", "stop a"])
    );
    assert!(after.iter().all(|pid| !pid.is_alive()));
}

#[tokio::test(start_paused = true)]
async fn crashing_the_first_child_restarts_only_it() {
    crash_one(0).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_a_middle_child_restarts_only_it() {
    crash_one(1).await;
    crash_one(2).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_the_last_child_restarts_only_it() {
    crash_one(3).await;
}

#[tokio::test(start_paused = true)]
async fn each_crash_restarts_the_child_that_died() {
    let tree = Tree::start(Strategy::OneForOne).await;
    tree.take_log();
    tree.crash("c").await;
    tree.crash("a").await;
    tree.crash("c").await;
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash c", "start c", "crash a", "start a", "crash c", "start c"
        ])
    );
    assert_eq!(tree.starts(), vec![2, 1, 3, 1]);
    assert!(
        tree.sup.is_alive(),
        "three restarts are within the intensity"
    );
    assert_eq!(tree.sup.count_children().await.unwrap().active, 4);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_child_killed_from_outside_is_restarted_without_its_terminate() {
    let tree = Tree::start(Strategy::OneForOne).await;
    tree.take_log();
    let b = tree.sup.child_pid("b").await.unwrap().unwrap();
    b.kill();
    assert_eq!(b.wait_exit().await, ExitReason::Killed);
    tree.sup.count_children().await.unwrap();
    assert_eq!(tree.take_log(), log(&["start b"]));
    assert_eq!(tree.starts(), vec![1, 2, 1, 1]);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}
