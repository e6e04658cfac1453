//! `GenServer.cast` always returns at once, whatever the server is doing; casts from one
//! sender are handled in the order they were sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use otp_core::prelude::*;
use tokio::time::Instant;

struct Busy {
    seen: Vec<u32>,
    busy_done: Arc<AtomicBool>,
}

#[genserver]
impl Busy {
    /// Keeps the server busy for `secs` seconds.
    #[handle_cast]
    async fn work(&mut self, secs: u64) {
        tokio::time::sleep(Duration::from_secs(secs)).await;
        self.busy_done.store(true, Ordering::SeqCst);
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

async fn start() -> (BusyRef, Arc<AtomicBool>) {
    let busy_done = Arc::new(AtomicBool::new(false));
    let server = Busy::start(Busy {
        seen: Vec::new(),
        busy_done: busy_done.clone(),
    })
    .await
    .expect("starts");
    (server, busy_done)
}

#[tokio::test(start_paused = true)]
async fn casts_return_at_once_while_the_server_is_busy_and_arrive_in_order() {
    let (server, busy_done) = start().await;
    server.work(60);
    // Let the server take the long cast and start awaiting in it.
    tokio::task::yield_now().await;
    let started = Instant::now();
    for n in 0..10_000 {
        server.record(n);
    }
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert!(
        !busy_done.load(Ordering::SeqCst),
        "the server is still busy"
    );
    let seen = server
        .seen()
        .timeout(Duration::from_secs(120))
        .await
        .expect("served after the long cast");
    assert!(busy_done.load(Ordering::SeqCst));
    assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
    assert_eq!(started.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_casts_is_seen_whole_by_the_next_call() {
    let (server, _) = start().await;
    for n in 0..10_000 {
        server.record(n);
    }
    let seen = server.seen().await.expect("serves");
    assert_eq!(seen, (0..10_000).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn casts_from_several_tasks_keep_each_senders_order() {
    let (server, _) = start().await;
    let mut senders = Vec::new();
    for task in 0..4_u32 {
        let server = server.clone();
        senders.push(tokio::spawn(async move {
            for n in 0..1_000 {
                server.record(task * 1_000 + n);
                if n % 100 == 0 {
                    tokio::task::yield_now().await;
                }
            }
        }));
    }
    for sender in senders {
        sender.await.expect("sender finished");
    }
    let seen = server.seen().await.expect("serves");
    assert_eq!(seen.len(), 4_000);
    for task in 0..4_u32 {
        let from_task: Vec<u32> = seen.iter().copied().filter(|n| n / 1_000 == task).collect();
        assert_eq!(
            from_task,
            (task * 1_000..(task + 1) * 1_000).collect::<Vec<_>>()
        );
    }
}
