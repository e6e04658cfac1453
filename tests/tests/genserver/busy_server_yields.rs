//! A server with a deep mailbox does not hold its worker thread until the mailbox is empty: it
//! gives the thread back after a bounded run of messages (tokio's cooperative budget), as the
//! BEAM preempts a busy process after its reductions, so the other tasks of that thread run.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use otp_core::prelude::*;

const QUEUED: u64 = 10_000;

struct Counter {
    handled: Arc<AtomicU64>,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn bump(&mut self) {
        self.handled.fetch_add(1, Ordering::Relaxed);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

// One thread: the server and the other task take turns on it, so what the other task sees is
// how far the server ran before giving the thread back.
#[tokio::test(flavor = "current_thread")]
async fn a_server_with_a_deep_mailbox_lets_the_other_tasks_of_its_thread_run() {
    let handled = Arc::new(AtomicU64::new(0));
    let server = Counter::start(Counter {
        handled: Arc::clone(&handled),
    })
    .await
    .unwrap();
    for _ in 0..QUEUED {
        server.bump();
    }
    // Queued behind the server, which the first cast woke.
    let other = tokio::spawn({
        let handled = Arc::clone(&handled);
        async move { handled.load(Ordering::Relaxed) }
    });
    let seen_by_other = other.await.unwrap();
    assert!(
        seen_by_other < QUEUED,
        "the other task ran only once the server had handled all {QUEUED} queued messages"
    );
    assert!(
        seen_by_other > 0,
        "the server ran first, as it was woken first"
    );
    while handled.load(Ordering::Relaxed) < QUEUED {
        tokio::task::yield_now().await;
    }
    server.stop(ExitReason::Normal).await.unwrap();
}
