//! Blocking work in a handler belongs in `tokio::task::spawn_blocking`. A server woken by a
//! message sent from a handler is queued in that worker's LIFO slot, which other workers do not
//! steal from: if the handler then blocks its thread, the woken server waits out the whole
//! block, even with the other worker idle. Awaiting `spawn_blocking` instead frees the worker,
//! and the other server answers while the blocking work runs.

use std::sync::mpsc;

use otp_core::prelude::*;

/// Answers a ping on a plain channel, so a blocked thread can wait for the answer.
struct Echo;

#[genserver]
impl Echo {
    #[handle_cast]
    fn ping(&mut self, answer: mpsc::Sender<()>) {
        let _ = answer.send(());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Worker;

#[genserver]
impl Worker {
    /// Pings `echo`, then does blocking work (here: waiting on a plain channel for the echo's
    /// answer) on the blocking pool. Returns whether the echo answered during the work.
    #[handle_call]
    async fn ping_then_block(&mut self, echo: EchoRef) -> bool {
        let (answer, answered) = mpsc::channel();
        echo.ping(answer);
        tokio::task::spawn_blocking(move || {
            // Bounded so that a failing test ends: the echo answers at once when it can run.
            answered.recv_timeout(Duration::from_secs(5)).is_ok()
        })
        .await
        .expect("the blocking work does not panic")
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_server_answers_while_a_handler_blocks_in_spawn_blocking() {
    let echo = Echo::start(Echo).await.unwrap();
    let worker = Worker::start(Worker).await.unwrap();
    for round in 0..50 {
        assert_eq!(
            worker
                .ping_then_block(echo.clone())
                .timeout(Duration::from_secs(30))
                .await,
            Ok(true),
            "round {round}: the echo answered during the blocking work"
        );
    }
}

// Also on one worker thread: the blocking pool is separate threads.
#[tokio::test(flavor = "current_thread")]
async fn on_one_thread_too() {
    let echo = Echo::start(Echo).await.unwrap();
    let worker = Worker::start(Worker).await.unwrap();
    assert_eq!(worker.ping_then_block(echo).await, Ok(true));
}
