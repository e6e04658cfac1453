//! `#[genserver(mailbox = N)]`: with N casts queued, a cast waits for room, and goes in once the
//! server takes a message out of its mailbox; casts keep their order.

use std::pin::Pin;
use std::task::Poll;

use otp_core::prelude::*;
use tokio::sync::oneshot;

#[derive(Default)]
struct Worker {
    seen: Vec<u32>,
}

#[genserver(mailbox = 4)]
impl Worker {
    /// Tells `started` it is running, then blocks the server until `release` fires.
    #[handle_cast]
    async fn block(&mut self, started: oneshot::Sender<()>, release: oneshot::Receiver<()>) {
        let _ = started.send(());
        let _ = release.await;
    }

    #[handle_cast]
    fn record(&mut self, n: u32) {
        self.seen.push(n);
    }

    #[handle_call]
    fn seen(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.seen)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Polls `future` once, keeping it, and says whether it is still pending.
async fn pending<F: Future + Unpin>(future: &mut F) -> bool {
    std::future::poll_fn(|cx| Poll::Ready(Pin::new(&mut *future).poll(cx).is_pending())).await
}

/// A worker blocked in a handler, and the sender that unblocks it.
async fn blocked_worker() -> (WorkerRef, oneshot::Sender<()>) {
    let worker = Worker::start(Worker::default()).await.expect("starts");
    let (started, is_started) = oneshot::channel();
    let (release, released) = oneshot::channel();
    // `try_` forms in the set-up: a test that fails must not hang.
    worker
        .try_block(started, released)
        .expect("room for the blocking cast");
    is_started.await.expect("the server took the blocking cast");
    (worker, release)
}

#[tokio::test(start_paused = true)]
async fn the_cast_past_the_capacity_waits_until_the_server_takes_a_message() {
    let (worker, release) = blocked_worker().await;
    for n in 0..4 {
        let mut cast = Box::pin(worker.record(n));
        assert!(!pending(&mut cast).await, "cast {n} finds room");
    }

    let mut fifth = Box::pin(worker.record(4));
    assert!(pending(&mut fifth).await, "the fifth cast waits for room");
    for _ in 0..10 {
        tokio::task::yield_now().await;
        assert!(
            pending(&mut fifth).await,
            "still no room while the server is blocked"
        );
    }

    release.send(()).expect("the server waits for the release");
    // A lost wake-up would hang: the paused clock turns it into a failure at once.
    tokio::time::timeout(Duration::from_secs(60), fifth)
        .await
        .expect("the fifth cast went in once the server took a message");
    assert_eq!(worker.seen().await, Ok(vec![0, 1, 2, 3, 4]));
}

#[tokio::test(start_paused = true)]
async fn casts_waiting_for_room_keep_each_senders_order() {
    let (worker, release) = blocked_worker().await;
    let senders: Vec<_> = (0..3_u32)
        .map(|sender| {
            let worker = worker.clone();
            tokio::spawn(async move {
                for n in 0..100 {
                    worker.record(sender * 1_000 + n).await;
                }
            })
        })
        .collect();
    // Every sender is now waiting for room: the mailbox holds 4 casts and the server is blocked.
    tokio::task::yield_now().await;
    assert!(senders.iter().all(|sender| !sender.is_finished()));

    release.send(()).expect("the server waits for the release");
    for sender in senders {
        tokio::time::timeout(Duration::from_secs(60), sender)
            .await
            .expect("every cast found room in the end")
            .expect("sender finished");
    }
    let seen = worker.seen().await.expect("serves");
    assert_eq!(seen.len(), 300);
    for sender in 0..3 {
        let own: Vec<u32> = seen
            .iter()
            .copied()
            .filter(|n| n / 1_000 == sender)
            .collect();
        assert_eq!(
            own,
            (sender * 1_000..sender * 1_000 + 100).collect::<Vec<_>>()
        );
    }
}
