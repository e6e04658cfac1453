//! one_for_all: when a child dies, the supervisor stops all the others in reverse start order,
//! then starts all of them again in start order. Four children, each position crashed in turn
//! (first, middle, last), with the start counters and the exact log of stops and starts.

use std::sync::atomic::Ordering;

use otp_behaviour_tests::supervisor::{IDS, Tree, log};
use otp_core::Strategy;
use otp_core::prelude::*;

async fn crash_one(position: usize) {
    let tree = Tree::start(Strategy::OneForAll).await;
    tree.take_log();
    let before = tree.pids().await;

    let id = IDS[position];
    tree.crash(id).await;

    let mut expected = vec![format!("crash {id}")];
    expected.extend(
        IDS.iter()
            .rev()
            .filter(|other| **other != id)
            .map(|other| format!("stop {other}")),
    );
    expected.extend(IDS.iter().map(|other| format!("start {other}")));
    assert_eq!(tree.take_log(), expected);
    assert_eq!(tree.starts(), vec![2, 2, 2, 2], "all restarted once");
    let after = tree.pids().await;
    for (old, new) in before.iter().zip(&after) {
        assert_ne!(old, new);
        assert!(!old.is_alive());
        assert!(new.is_alive());
    }

    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&["stop d", "stop c", "stop b", "stop a"])
    );
}

#[tokio::test(start_paused = true)]
async fn crashing_the_first_child_restarts_all() {
    crash_one(0).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_a_middle_child_restarts_all() {
    crash_one(1).await;
    crash_one(2).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_the_last_child_restarts_all() {
    crash_one(3).await;
}

#[tokio::test(start_paused = true)]
async fn the_exact_log_when_the_middle_child_crashes() {
    let tree = Tree::start(Strategy::OneForAll).await;
    tree.take_log();
    tree.crash("b").await;
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "stop a", "start a", "start b", "start c", "start d",
        ])
    );
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// OTP (`supervisor:restart_multiple_children/3`): when a child fails to start again, the
/// children after it are not started; the supervisor tries again, stopping all the running ones
/// and starting all in order. So no child ever starts while one before it is down.
#[tokio::test(start_paused = true)]

async fn a_child_that_fails_to_restart_is_retried_before_those_after_it_start() {
    let tree = Tree::start(Strategy::OneForAll).await;
    tree.take_log();
    tree.refuse[1].store(true, Ordering::SeqCst);
    tree.crash("b").await;
    // The retry goes through the supervisor's mailbox, behind the call in `crash`.
    tree.sup.count_children().await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "stop a", "start a", "refuse b", "stop a", "start a",
            "start b", "start c", "start d",
        ])
    );
    assert_eq!(tree.sup.count_children().await.unwrap().active, 4);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}
