//! Calling a dead process or an unknown name: `{:noproc, …}` in OTP, `CallError::NoProc` here,
//! at once. A cast or a send to a dead process is silently dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use otp_core::prelude::*;
use tokio::time::Instant;

/// Counts its drops: shows that a message was dropped, not kept somewhere.
struct DropCount(Arc<AtomicUsize>);

impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[derive(Default)]
struct Target {
    received: usize,
}

#[genserver]
impl Target {
    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    #[handle_cast]
    fn put(&mut self, _value: DropCount) {
        self.received += 1;
    }

    #[handle_cast]
    fn stop_now(&mut self, reason: ExitReason, ctx: &mut Context<Self>) {
        ctx.stop(reason);
    }

    #[handle_cast]
    fn explode(&mut self) {
        panic!("target exploded");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {
        self.received += 1;
    }
}

async fn assert_noproc_at_once(target: &TargetRef) {
    let started = Instant::now();
    assert_eq!(target.ping().await, Err(CallError::NoProc));
    assert_eq!(
        target.ping().timeout(Duration::from_secs(60)).await,
        Err(CallError::NoProc)
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(
        target.stop(ExitReason::Normal).await,
        Err(CallError::NoProc)
    );
}

#[tokio::test(start_paused = true)]
async fn calling_a_server_stopped_with_genserver_stop_is_noproc() {
    let target = Target::start(Target::default()).await.expect("starts");
    target.stop(ExitReason::Normal).await.expect("stops");
    assert!(!target.is_alive());
    assert_noproc_at_once(&target).await;
}

#[tokio::test(start_paused = true)]
async fn calling_a_server_that_stopped_itself_is_noproc() {
    let target = Target::start(Target::default()).await.expect("starts");
    target.stop_now(ExitReason::Shutdown);
    assert_eq!(target.pid().wait_exit().await, ExitReason::Shutdown);
    assert_noproc_at_once(&target).await;
}

#[tokio::test(start_paused = true)]
async fn calling_a_server_that_panicked_is_noproc() {
    let target = Target::start(Target::default()).await.expect("starts");
    target.explode();
    assert_eq!(
        target.pid().wait_exit().await,
        ExitReason::Panic("target exploded".into())
    );
    assert_noproc_at_once(&target).await;
}

#[tokio::test(start_paused = true)]
async fn calling_a_killed_server_is_noproc() {
    let target = Target::start(Target::default()).await.expect("starts");
    target.pid().kill();
    assert_eq!(target.pid().wait_exit().await, ExitReason::Killed);
    assert_noproc_at_once(&target).await;
}

#[tokio::test]
async fn a_cast_to_a_dead_server_is_silently_dropped() {
    let target = Target::start(Target::default()).await.expect("starts");
    target.stop(ExitReason::Normal).await.expect("stops");
    let drops = Arc::new(AtomicUsize::new(0));
    // Returns normally, and the message is dropped at once rather than kept.
    target.put(DropCount(drops.clone()));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
    target.pid().send(DropCount(drops.clone()));
    assert_eq!(drops.load(Ordering::SeqCst), 2);
    assert!(!target.is_alive());
}

#[tokio::test]
async fn an_unknown_name_resolves_to_nothing() {
    assert_eq!(
        otp_core::whereis("call_dead_server::never_registered"),
        None
    );
    assert!(Target::whereis("call_dead_server::never_registered").is_none());
}

#[tokio::test]
async fn a_name_of_a_dead_server_resolves_to_nothing() {
    let name = "call_dead_server::was_here";
    let target = Target::options()
        .name(name)
        .start(Target::default())
        .await
        .expect("starts");
    target.stop(ExitReason::Normal).await.expect("stops");
    assert_eq!(otp_core::whereis(name), None);
    assert!(Target::whereis(name).is_none());
}

/// Once `wait_exit` has returned, the process is dead (`is_alive()` is false, its name is
/// free), so a call must be `NoProc`, as `CallError::NoProc`'s documentation says, even on a
/// multi-thread runtime where the caller runs while the server's task is still ending.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_after_the_exit_was_announced_is_always_noproc() {
    let mut wrong = Vec::new();
    for _ in 0..2_000 {
        let target = Target::start(Target::default()).await.expect("starts");
        target.stop_now(ExitReason::Normal);
        assert_eq!(target.pid().wait_exit().await, ExitReason::Normal);
        assert!(!target.is_alive());
        let result = target.ping().await;
        if result != Err(CallError::NoProc) {
            wrong.push(result);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} calls gave {:?}",
        wrong.len(),
        wrong.first()
    );
}
