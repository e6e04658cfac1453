//! Restart intensity: at most 3 restarts in 5 s by default. One more and the supervisor stops
//! all its children, in reverse start order, and exits with `Shutdown`; its own supervisor
//! then applies its restart type (a permanent nested supervisor is restarted, a transient one is
//! left down). Crashes spread over more than the period never take it down.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_behaviour_tests::supervisor::{Args, Log, Worker, WorkerRef, starts, take};
use otp_core::prelude::*;
use otp_core::{SupervisorRef, SupervisorSpec, supervisor};
use tokio::time::Instant;

struct Child {
    args: Args,
    starts: Arc<AtomicUsize>,
}

fn child(name: &'static str, log: &Log) -> Child {
    let args = Args::new(name, log);
    let starts = args.starts.clone();
    Child { args, starts }
}

/// Crashes child `id` of `sup` and waits for it to exit (the supervisor's answer to the exit is
/// in its mailbox when this returns).
async fn crash(sup: &SupervisorRef, id: &str) {
    let pid = sup.child_pid(id).await.unwrap().unwrap();
    otp_core::ServerRef::<Worker>::from_pid(&pid)
        .map(WorkerRef::from)
        .unwrap()
        .crash();
    assert!(matches!(pid.wait_exit().await, ExitReason::Panic(_)));
}

/// a, b, c under one_for_one with the default intensity.
async fn three(log: &Log) -> (SupervisorRef, Vec<Arc<AtomicUsize>>) {
    let (a, b, c) = (child("a", log), child("b", log), child("c", log));
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Worker(a.args) { id = "a" }, Worker(b.args) { id = "b" }, Worker(c.args) { id = "c" }],
    }
    .start_link()
    .await
    .unwrap();
    take(log);
    (sup, vec![a.starts, b.starts, c.starts])
}

#[tokio::test(start_paused = true)]
async fn four_crashes_in_under_five_seconds_take_the_supervisor_down_with_shutdown() {
    let log = Log::default();
    let (sup, counters) = three(&log).await;
    let started = Instant::now();
    for _ in 0..3 {
        crash(&sup, "b").await;
        sup.count_children().await.unwrap();
        tokio::time::sleep(Duration::from_millis(1500)).await;
    }
    assert!(sup.is_alive());
    assert_eq!(starts(&counters), vec![1, 4, 1]);
    let a = sup.child_pid("a").await.unwrap().unwrap();
    let c = sup.child_pid("c").await.unwrap().unwrap();
    take(&log);

    crash(&sup, "b").await;
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash b", "stop c", "stop a"]);
    assert_eq!(starts(&counters), vec![1, 4, 1], "no fourth restart");
    assert_eq!(c.wait_exit().await, ExitReason::Shutdown);
    assert_eq!(a.wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        sup.count_children().await,
        Err(CallError::NoProc),
        "the supervisor is gone"
    );
}

#[tokio::test(start_paused = true)]
async fn the_fourth_crash_of_different_children_counts_the_same() {
    let log = Log::default();
    let (sup, counters) = three(&log).await;
    for id in ["a", "c", "b"] {
        crash(&sup, id).await;
        sup.count_children().await.unwrap();
    }
    take(&log);
    crash(&sup, "a").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash a", "stop c", "stop b"]);
    assert_eq!(starts(&counters), vec![2, 2, 2]);
}

#[tokio::test(start_paused = true)]
async fn three_crashes_at_once_do_not() {
    let log = Log::default();
    let (sup, counters) = three(&log).await;
    for _ in 0..3 {
        crash(&sup, "a").await;
    }
    sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!(starts(&counters), vec![4, 1, 1]);
    assert_eq!(sup.count_children().await.unwrap().active, 3);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn crashes_spread_over_more_than_five_seconds_never_do() {
    let log = Log::default();
    let (sup, counters) = three(&log).await;
    // Every window of 5 s holds at most 3 of these crashes (one each 2 s).
    for _ in 0..12 {
        crash(&sup, "c").await;
        sup.count_children().await.unwrap();
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    assert!(sup.is_alive());
    assert_eq!(starts(&counters), vec![1, 1, 13]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn three_quick_crashes_then_a_fourth_after_the_period_does_not() {
    let log = Log::default();
    let (sup, counters) = three(&log).await;
    for _ in 0..3 {
        crash(&sup, "a").await;
    }
    sup.count_children().await.unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await;
    crash(&sup, "a").await;
    sup.count_children().await.unwrap();
    assert!(sup.is_alive());
    assert_eq!(starts(&counters), vec![5, 1, 1]);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_intensity_is_set_by_max_restarts_and_max_seconds() {
    let log = Log::default();
    let a = child("a", &log);
    let sup = supervisor! {
        strategy: one_for_one,
        max_restarts: 1,
        max_seconds: 60,
        children: [Worker(a.args) { id = "a" }],
    }
    .start_link()
    .await
    .unwrap();
    crash(&sup, "a").await;
    sup.count_children().await.unwrap();
    tokio::time::sleep(Duration::from_secs(59)).await;
    assert!(sup.is_alive());
    crash(&sup, "a").await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(a.starts.load(Ordering::SeqCst), 2);

    let b = child("b", &log);
    let zero = SupervisorSpec::new(otp_core::Strategy::OneForOne)
        .max_restarts(0)
        .child(otp_core::ChildSpec::of::<Worker>(b.args).with_id("b"))
        .start_link()
        .await
        .unwrap();
    crash(&zero, "b").await;
    assert_eq!(zero.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(b.starts.load(Ordering::SeqCst), 1);
}

/// A parent with worker `p` and a nested supervisor `sub` holding `w`; `transient` sets the
/// nested supervisor's restart type.
async fn nested(
    log: &Log,
    transient: bool,
    parent_max_restarts: u32,
) -> (SupervisorRef, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (p, w) = (child("p", log), child("w", log));
    let sub = supervisor! {
        strategy: one_for_one,
        children: [Worker(w.args) { id = "w" }],
    };
    let restart = if transient {
        otp_core::Restart::Transient
    } else {
        otp_core::Restart::Permanent
    };
    let sup = supervisor! {
        strategy: one_for_one,
        max_restarts: parent_max_restarts,
        children: [Worker(p.args) { id = "p" }],
    }
    .child(sub.into_child_spec("sub").with_restart(restart))
    .start_link()
    .await
    .unwrap();
    take(log);
    (sup, p.starts, w.starts)
}

async fn sub_of(sup: &SupervisorRef) -> SupervisorRef {
    let pid = sup.child_pid("sub").await.unwrap().unwrap();
    SupervisorRef::from_pid(&pid).unwrap()
}

/// Crashes `w` four times at once: the nested supervisor reaches its intensity.
async fn exhaust(sub: &SupervisorRef) {
    for _ in 0..3 {
        crash(sub, "w").await;
        sub.count_children().await.unwrap();
    }
    crash(sub, "w").await;
    assert_eq!(sub.pid().wait_exit().await, ExitReason::Shutdown);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_nested_supervisor_reaching_its_intensity_is_restarted_by_its_parent() {
    let log = Log::default();
    let (sup, p_starts, w_starts) = nested(&log, false, 3).await;
    let p = sup.child_pid("p").await.unwrap().unwrap();
    let sub = sub_of(&sup).await;
    exhaust(&sub).await;
    sup.count_children().await.unwrap();

    let new_sub = sub_of(&sup).await;
    assert_ne!(new_sub.pid(), sub.pid());
    assert_eq!(
        w_starts.load(Ordering::SeqCst),
        5,
        "1 + 3 restarts + 1 in the new sub"
    );
    assert!(new_sub.child_pid("w").await.unwrap().is_some());
    assert_eq!(p_starts.load(Ordering::SeqCst), 1);
    assert_eq!(sup.child_pid("p").await.unwrap(), Some(p));
    assert!(sup.is_alive());
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_transient_nested_supervisor_reaching_its_intensity_is_left_down() {
    let log = Log::default();
    let (sup, p_starts, w_starts) = nested(&log, true, 3).await;
    let sub = sub_of(&sup).await;
    exhaust(&sub).await;
    sup.count_children().await.unwrap();

    assert!(sup.is_alive());
    assert_eq!(
        sup.child_pid("sub").await.unwrap(),
        None,
        "spec kept, no process"
    );
    let counts = sup.count_children().await.unwrap();
    assert_eq!(
        (
            counts.specs,
            counts.active,
            counts.supervisors,
            counts.workers
        ),
        (2, 1, 1, 1)
    );
    assert_eq!(w_starts.load(Ordering::SeqCst), 4);
    assert_eq!(p_starts.load(Ordering::SeqCst), 1);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_restart_of_a_nested_supervisor_counts_toward_its_parents_intensity() {
    let log = Log::default();
    let (sup, _p_starts, _w_starts) = nested(&log, false, 0).await;
    let sub = sub_of(&sup).await;
    exhaust(&sub).await;
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log).last().map(String::as_str), Some("stop p"));
}
