//! A server (with the default, unbounded mailbox) that has a million casts queued: killed, it
//! frees every one of them and its links and monitors are told; stopped, it handles them all in
//! order first (the stop request is queued behind them, as OTP's system message is), then runs
//! `terminate`, and frees them all.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::task::Poll;

use otp_core::prelude::*;
use tokio::sync::oneshot;

const QUEUED: u64 = 1_000_000;

/// A small payload that counts its drops.
struct Counted(Arc<AtomicUsize>);

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the server saw, readable after it exited.
#[derive(Default)]
struct Seen {
    handled: AtomicU64,
    out_of_order: AtomicBool,
    handled_at_terminate: AtomicU64,
}

struct Worker {
    seen: Arc<Seen>,
}

#[genserver]
impl Worker {
    /// Tells `started` it is running, then blocks the server until `release` fires.
    #[handle_cast]
    async fn block(&mut self, started: oneshot::Sender<()>, release: oneshot::Receiver<()>) {
        let _ = started.send(());
        let _ = release.await;
    }

    #[handle_cast]
    fn record(&mut self, n: u64, _payload: Counted) {
        let handled = self.seen.handled.fetch_add(1, Ordering::Relaxed);
        if handled != n {
            self.seen.out_of_order.store(true, Ordering::Relaxed);
        }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        let handled = self.seen.handled.load(Ordering::Relaxed);
        self.seen
            .handled_at_terminate
            .store(handled, Ordering::Relaxed);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Linked to and monitoring a worker, trapping exits: records what it is told.
#[derive(Default)]
struct Watcher {
    downs: Vec<ExitReason>,
    exits: Vec<ExitReason>,
}

#[genserver]
impl Watcher {
    #[handle_call]
    fn watch(&mut self, target: Pid, ctx: &mut Context<Self>) -> bool {
        ctx.trap_exit(true);
        ctx.monitor(&target);
        ctx.link(&target).is_ok()
    }

    #[handle_info]
    fn down(&mut self, down: Down) {
        self.downs.push(down.reason);
    }

    #[handle_info]
    fn exit(&mut self, exit: Exit) {
        self.exits.push(exit.reason);
    }

    #[handle_call]
    fn told(&mut self) -> (Vec<ExitReason>, Vec<ExitReason>) {
        (self.downs.clone(), self.exits.clone())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Polls `future` once, keeping it, and says whether it is still pending.
async fn pending<F: Future + Unpin>(future: &mut F) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx).is_pending())).await
}

/// A worker blocked in a handler with `QUEUED` casts behind it, each holding a clone of `drops`.
async fn blocked_with_a_million_queued(
    seen: &Arc<Seen>,
    drops: &Arc<AtomicUsize>,
) -> (WorkerRef, oneshot::Sender<()>) {
    let worker = Worker::start(Worker { seen: seen.clone() })
        .await
        .expect("starts");
    let (started, is_started) = oneshot::channel();
    let (release, released) = oneshot::channel();
    worker.block(started, released);
    is_started.await.expect("the server took the blocking cast");
    for n in 0..QUEUED {
        worker.record(n, Counted(drops.clone()));
    }
    (worker, release)
}

#[tokio::test]
async fn a_killed_server_frees_a_million_queued_messages_and_tells_its_links_and_monitors() {
    let seen = Arc::new(Seen::default());
    let drops = Arc::new(AtomicUsize::new(0));
    let (worker, _release) = blocked_with_a_million_queued(&seen, &drops).await;
    let watcher = Watcher::start(Watcher::default()).await.expect("starts");
    assert_eq!(watcher.watch(worker.pid()).await, Ok(true));

    worker.pid().kill();
    assert_eq!(worker.pid().wait_exit().await, ExitReason::Killed);
    assert_eq!(drops.load(Ordering::Relaxed), QUEUED as usize);
    assert_eq!(Arc::strong_count(&drops), 1, "no payload is left anywhere");
    assert_eq!(seen.handled.load(Ordering::Relaxed), 0);
    assert_eq!(
        watcher.told().await,
        Ok((vec![ExitReason::Killed], vec![ExitReason::Killed]))
    );
}

#[tokio::test]
async fn a_stopped_server_handles_a_million_queued_messages_in_order_then_terminates() {
    let seen = Arc::new(Seen::default());
    let drops = Arc::new(AtomicUsize::new(0));
    let (worker, release) = blocked_with_a_million_queued(&seen, &drops).await;

    let mut stop = Box::pin(worker.stop(ExitReason::Normal));
    assert!(pending(&mut stop).await, "the stop request is queued");
    release.send(()).expect("the server waits for the release");
    assert_eq!(stop.await, Ok(()));

    assert!(!seen.out_of_order.load(Ordering::Relaxed));
    assert_eq!(seen.handled.load(Ordering::Relaxed), QUEUED);
    assert_eq!(
        seen.handled_at_terminate.load(Ordering::Relaxed),
        QUEUED,
        "every message before the stop was handled before terminate"
    );
    assert_eq!(drops.load(Ordering::Relaxed), QUEUED as usize);
    assert_eq!(Arc::strong_count(&drops), 1, "no payload is left anywhere");
}
