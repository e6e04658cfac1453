//! rest_for_one: when a child dies, the supervisor stops the children started after it, in
//! reverse start order, then starts it and them again in start order; those before it keep
//! running. Four children, each position crashed in turn (first, middle, last), with the start
//! counters and the exact log of stops and starts.

use std::sync::atomic::Ordering;

use otp_behaviour_tests::supervisor::{IDS, Tree, log};
use otp_core::Strategy;
use otp_core::prelude::*;

async fn crash_one(position: usize) {
    let tree = Tree::start(Strategy::RestForOne).await;
    tree.take_log();
    let before = tree.pids().await;

    let id = IDS[position];
    tree.crash(id).await;

    let mut expected = vec![format!("crash {id}")];
    expected.extend(
        IDS[position + 1..]
            .iter()
            .rev()
            .map(|other| format!("stop {other}")),
    );
    expected.extend(IDS[position..].iter().map(|other| format!("start {other}")));
    assert_eq!(tree.take_log(), expected);
    let starts: Vec<usize> = (0..IDS.len())
        .map(|i| if i < position { 1 } else { 2 })
        .collect();
    assert_eq!(tree.starts(), starts);
    let after = tree.pids().await;
    for (i, (old, new)) in before.iter().zip(&after).enumerate() {
        if i < position {
            assert_eq!(old, new, "{} kept its process", IDS[i]);
        } else {
            assert_ne!(old, new, "{} runs as a new process", IDS[i]);
            assert!(!old.is_alive());
        }
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
async fn crashing_a_middle_child_restarts_it_and_those_after_it() {
    crash_one(1).await;
    crash_one(2).await;
}

#[tokio::test(start_paused = true)]
async fn crashing_the_last_child_restarts_only_it() {
    crash_one(3).await;
}

#[tokio::test(start_paused = true)]
async fn the_exact_log_when_the_second_child_crashes() {
    let tree = Tree::start(Strategy::RestForOne).await;
    tree.take_log();
    tree.crash("b").await;
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "start b", "start c", "start d"
        ])
    );
    assert_eq!(tree.starts(), vec![1, 2, 2, 2]);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}

/// OTP (`supervisor:restart_multiple_children/3`): when the child fails to start again, the
/// children after it are not started; the supervisor tries again and starts it, then them.
/// The point of rest_for_one is that those after a child depend on it.
#[tokio::test(start_paused = true)]

async fn a_child_that_fails_to_restart_is_started_before_those_after_it() {
    let tree = Tree::start(Strategy::RestForOne).await;
    tree.take_log();
    tree.refuse[1].store(true, Ordering::SeqCst);
    tree.crash("b").await;
    // The retry goes through the supervisor's mailbox, behind the call in `crash`.
    tree.sup.count_children().await.unwrap();
    assert_eq!(
        tree.take_log(),
        log(&[
            "crash b", "stop d", "stop c", "refuse b", "start b", "start c", "start d",
        ])
    );
    assert_eq!(tree.sup.count_children().await.unwrap().active, 4);
    tree.sup.stop(ExitReason::Shutdown).await.unwrap();
}
