//! `start_child` racing `stop`: once `stop` returns, no child of the supervisor runs or starts,
//! `running()` is 0, and `start_child` fails. A child started before the stop took effect is
//! stopped with the others; one that comes after is refused.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{TaskSupervisor, TaskSupervisorOptions};

const ROUNDS: usize = 2_000;

/// Rounds run this many at a time, each in a task of its own: their settle sleeps overlap, and
/// every stop races its own children with the other rounds' work on both workers.
const AT_ONCE: usize = 20;

/// What the children of one round did.
#[derive(Default)]
struct Probe {
    /// Children whose body is alive (started and not yet dropped).
    alive: AtomicUsize,
    /// Set once `stop` has returned.
    stopped: AtomicBool,
    /// A child began to run after `stop` returned.
    started_after_stop: AtomicBool,
}

/// Counts a child as alive from its first poll until it is dropped.
struct Alive(Arc<Probe>);

impl Alive {
    fn enter(probe: Arc<Probe>) -> Self {
        if probe.stopped.load(Ordering::SeqCst) {
            probe.started_after_stop.store(true, Ordering::SeqCst);
        }
        probe.alive.fetch_add(1, Ordering::SeqCst);
        Alive(probe)
    }
}

impl Drop for Alive {
    fn drop(&mut self) {
        self.0.alive.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn child(probe: Arc<Probe>) {
    let _alive = Alive::enter(probe);
    std::future::pending::<()>().await;
}

/// One round: a task keeps starting children while the supervisor is stopped. True when it
/// went right.
async fn round() -> bool {
    let tasks = TaskSupervisor::start(TaskSupervisorOptions::default())
        .await
        .unwrap();
    let probe = Arc::new(Probe::default());
    let racer = tokio::spawn({
        let tasks = tasks.clone();
        let probe = probe.clone();
        async move {
            while tasks.start_child(child(probe.clone())).is_ok() {
                tokio::task::yield_now().await;
            }
        }
    });
    tokio::task::yield_now().await;
    tasks.stop(ExitReason::Shutdown).await.unwrap();
    probe.stopped.store(true, Ordering::SeqCst);
    let running = tasks.running();
    let alive = probe.alive.load(Ordering::SeqCst);
    let refused = tasks.start_child(async {}).is_err();
    racer.await.unwrap();
    // A child spawned behind the stop's back would be polled by now.
    tokio::time::sleep(Duration::from_millis(1)).await;
    running == 0
        && alive == 0
        && refused
        && probe.alive.load(Ordering::SeqCst) == 0
        && !probe.started_after_stop.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_child_runs_once_stop_returns() {
    let mut bad = 0;
    for _ in 0..ROUNDS / AT_ONCE {
        let rounds: Vec<_> = (0..AT_ONCE).map(|_| tokio::spawn(round())).collect();
        for round in rounds {
            if !round.await.expect("a round does not panic") {
                bad += 1;
            }
        }
    }
    assert_eq!(bad, 0, "{bad} bad rounds out of {ROUNDS}");
}
