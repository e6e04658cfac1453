//! E: supervisor restart latency. A child made to panic by a cast, and the time from that cast
//! until a call to the child, found again under its name, succeeds: the exit travelling to the
//! supervisor, the restart, the new child's registration and its first call. The client polls
//! (look the name up, call, yield on failure) in both implementations, as a caller retrying
//! through a restart would.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Once};
use std::time::{Duration, Instant};

use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorSpec};
use tokio::sync::{mpsc, oneshot, watch};

use super::median_micros;

/// The panic payload of a requested crash. The suite silences exactly this panic: a thousand
/// backtrace notes on stderr would drown the figures, and other panics still print.
const CRASH: &str = "otp-benches: crash requested by workload E";

/// The child's registered name.
const NAME: &str = "otp-benches-restartable";

/// Installs, once per process, a panic hook that skips [`CRASH`] and passes every other panic
/// to the hook that was there before.
fn quiet_requested_crashes() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&CRASH) {
                previous(info);
            }
        }));
    });
}

fn warm_up(restarts: usize) -> usize {
    restarts / 10
}

/// The supervised child: answers its generation (1 for the first start, counted across
/// restarts by the shared counter) and panics on request.
struct Restartable {
    generation: u64,
}

#[genserver]
impl Restartable {
    #[init]
    fn init(starts: Arc<AtomicU64>) -> Self {
        Restartable {
            generation: starts.fetch_add(1, Ordering::Relaxed) + 1,
        }
    }

    #[handle_call]
    fn generation(&mut self) -> u64 {
        self.generation
    }

    #[handle_cast]
    fn crash(&mut self) {
        std::panic::panic_any(CRASH);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Ours: a one_for_one `Supervisor` with the child registered under [`NAME`] and an intensity
/// that never gives up. Returns the median µs per restart.
pub(super) async fn ours(restarts: usize) -> f64 {
    quiet_requested_crashes();
    let supervisor = SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(u32::MAX)
        .child(
            ChildSpec::of::<Restartable>(Arc::new(AtomicU64::new(0)))
                .with_id("restartable")
                .with_name(NAME),
        )
        .start()
        .await
        .expect("the supervisor started");
    let mut latencies = Vec::with_capacity(restarts);
    for round in 0..warm_up(restarts) + restarts {
        let next_generation = round as u64 + 2;
        let child = Restartable::whereis(NAME).expect("the child is registered");
        let started = Instant::now();
        child.crash();
        loop {
            if let Some(child) = Restartable::whereis(NAME) {
                // The old child handles the crash before this call (one sender's messages keep
                // their order), so only the new one can answer it.
                if let Ok(generation) = child.generation().await {
                    assert_eq!(generation, next_generation, "a restarted child answered");
                    break;
                }
            }
            tokio::task::yield_now().await;
        }
        latencies.push(started.elapsed());
    }
    supervisor
        .stop(ExitReason::Shutdown)
        .await
        .expect("the supervisor stopped");
    measured(&latencies, restarts)
}

enum Request {
    Generation(oneshot::Sender<u64>),
    Crash,
    Stop,
}

async fn actor(mut mailbox: mpsc::UnboundedReceiver<Request>, generation: u64) {
    while let Some(request) = mailbox.recv().await {
        match request {
            Request::Generation(reply) => {
                let _ = reply.send(generation);
            }
            Request::Crash => std::panic::panic_any(CRASH),
            Request::Stop => return,
        }
    }
}

/// The hand-written supervisor: runs the actor as a task and, when its `JoinHandle` reports a
/// panic, starts a new one on a new channel and publishes the new sender; ends when the actor
/// ends without a panic.
async fn supervise(
    current: watch::Sender<mpsc::UnboundedSender<Request>>,
    mut mailbox: mpsc::UnboundedReceiver<Request>,
) {
    let mut generation = 1;
    loop {
        match tokio::spawn(actor(mailbox, generation)).await {
            Err(exit) if exit.is_panic() => {
                generation += 1;
                let (sender, receiver) = mpsc::unbounded_channel();
                mailbox = receiver;
                // Published before the actor's task is spawned, at the top of the loop, in the
                // same poll: a request sent in between waits in the channel.
                current.send_replace(sender);
            }
            _ => return,
        }
    }
}

/// A call through the sender published now: `None` when the actor it reaches is gone.
async fn call_generation(current: &watch::Receiver<mpsc::UnboundedSender<Request>>) -> Option<u64> {
    let sender = current.borrow().clone();
    let (reply, on_reply) = oneshot::channel();
    sender.send(Request::Generation(reply)).ok()?;
    on_reply.await.ok()
}

/// By hand: [`supervise`] with the actor's sender in a `tokio::sync::watch`. Returns the median
/// µs per restart.
pub(super) async fn hand_written(restarts: usize) -> f64 {
    quiet_requested_crashes();
    let (first_sender, first_mailbox) = mpsc::unbounded_channel();
    let (publish, current) = watch::channel(first_sender);
    let supervisor = tokio::spawn(supervise(publish, first_mailbox));
    assert_eq!(
        call_generation(&current).await,
        Some(1),
        "the actor started"
    );
    let mut latencies = Vec::with_capacity(restarts);
    for round in 0..warm_up(restarts) + restarts {
        let next_generation = round as u64 + 2;
        let sender = current.borrow().clone();
        let started = Instant::now();
        let _ = sender.send(Request::Crash);
        loop {
            if let Some(generation) = call_generation(&current).await {
                assert_eq!(generation, next_generation, "a restarted actor answered");
                break;
            }
            tokio::task::yield_now().await;
        }
        latencies.push(started.elapsed());
    }
    let _ = current.borrow().send(Request::Stop);
    supervisor.await.expect("the supervisor ended");
    measured(&latencies, restarts)
}

/// The median of the measured restarts, the warm-up ones left out.
fn measured(latencies: &[Duration], restarts: usize) -> f64 {
    median_micros(&latencies[latencies.len() - restarts..])
}
