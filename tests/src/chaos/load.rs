//! The load and the faults: callers, casters, the fault injector, the dynamic churn.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{DynamicSupervisorRef, Restart};
use tokio::time::Instant;

use super::lineage::is_expected;
use super::lock;
use super::state::{Chaos, bump};
use super::tree::Layout;
use super::worker::{Worker, worker_ref, worker_spec};

static NONCE: AtomicU64 = AtomicU64::new(1);

/// How long a caller may still be waiting after its call's timeout before it counts as hung.
const HANG_MARGIN: Duration = Duration::from_secs(1);

pub async fn caller(chaos: Arc<Chaos>, workers: Arc<Vec<Arc<str>>>, stop: Arc<AtomicBool>) {
    let counters = &chaos.counters;
    while !stop.load(Ordering::Relaxed) {
        let id = chaos.pick(workers.as_slice());
        let Some(worker) = Worker::whereis(&id) else {
            bump(&counters.unresolved);
            tokio::time::sleep(Duration::from_millis(1)).await;
            continue;
        };
        let nonce = NONCE.fetch_add(1, Ordering::Relaxed);
        let kind = chaos.below(100);
        let timeout = if (80..83).contains(&kind) {
            Duration::from_millis(20)
        } else {
            Duration::from_millis(250)
        };
        let delay = chaos.below(30);
        let began = Instant::now();
        let call = async {
            match kind {
                0..80 => worker.echo(nonce).timeout(timeout).await,
                80..83 => worker.slow_echo(nonce, delay).timeout(timeout).await,
                _ => worker.deferred_echo(nonce).timeout(timeout).await,
            }
        };
        let outcome = tokio::time::timeout(timeout + HANG_MARGIN, call).await;
        let elapsed = began.elapsed();
        bump(&counters.calls);
        let overrun = elapsed.saturating_sub(timeout);
        counters.max_overrun_us.fetch_max(
            u64::try_from(overrun.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
        match outcome {
            Err(_) => {
                bump(&counters.hung_callers);
                chaos.anomaly(format!(
                    "call {nonce} to {id} still waiting after {elapsed:?}"
                ));
            }
            Ok(Ok(echo)) => {
                if echo.nonce == nonce && echo.worker == id {
                    bump(&counters.calls_ok);
                } else {
                    bump(&counters.wrong_replies);
                    chaos.anomaly(format!("call {nonce} to {id} got {echo:?}"));
                }
            }
            Ok(Err(CallError::Timeout)) => {
                bump(&counters.call_timeouts);
                if elapsed < timeout {
                    bump(&counters.early_timeouts);
                    chaos.anomaly(format!("call {nonce} timed out after {elapsed:?}"));
                }
            }
            Ok(Err(CallError::NoProc)) => bump(&counters.call_noproc),
            Ok(Err(CallError::Exited(reason))) if is_expected(&reason) => {
                bump(&counters.call_exited);
            }
            Ok(Err(error)) => {
                bump(&counters.unexpected_errors);
                chaos.anomaly(format!("call {nonce} to {id}: {error:?}"));
            }
        }
    }
}

pub async fn caster(chaos: Arc<Chaos>, workers: Arc<Vec<Arc<str>>>, stop: Arc<AtomicBool>) {
    let mut sent = 0u64;
    while !stop.load(Ordering::Relaxed) {
        let id = chaos.pick(workers.as_slice());
        match Worker::whereis(&id) {
            Some(worker) => {
                worker.bump();
                bump(&chaos.counters.casts);
            }
            None => bump(&chaos.counters.unresolved),
        }
        sent += 1;
        if sent.is_multiple_of(8) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

pub async fn injector(chaos: Arc<Chaos>, layout: Arc<Layout>, stop: Arc<AtomicBool>) {
    let workers = layout.workers();
    let counters = &chaos.counters;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(2)).await;
        let action = chaos.below(1000);
        if action < 7 {
            // A whole sub-supervisor (or the dynamic one): its parent restarts it.
            let names: Vec<String> = layout
                .groups
                .iter()
                .map(|group| layout.supervisor_name(group))
                .chain([layout.dynamic_name()])
                .collect();
            if let Some(pid) = otp_core::whereis(&chaos.pick(names.as_slice())) {
                pid.kill();
                bump(&counters.supervisor_kills);
            }
            continue;
        }
        if action < 150 {
            let ids = lock(&chaos.dynamic_ids).clone();
            if !ids.is_empty()
                && let Some(pid) = chaos.live_pid(&chaos.pick(ids.as_slice()))
            {
                pid.kill();
                bump(&counters.dynamic_kills);
            }
            continue;
        }
        // A worker whose init has run, as the records know it: a name is registered before
        // the init, and a fault landing in between ends a start the strategy checks cannot
        // count (its supervisor's restart fails part way, after some siblings started).
        let Some(pid) = chaos.live_pid(&chaos.pick(workers.as_slice())) else {
            continue;
        };
        match action {
            150..550 => {
                pid.kill();
                bump(&counters.kills);
            }
            550..800 => {
                pid.exit(ExitReason::ShutdownWith("chaos-exit".into()));
                bump(&counters.exit_signals);
            }
            _ => {
                if let Some(worker) = worker_ref(&pid) {
                    bump(&counters.stops);
                    let stopped = tokio::time::timeout(
                        Duration::from_secs(5),
                        worker.stop(ExitReason::ShutdownWith("chaos-stop".into())),
                    )
                    .await;
                    if stopped.is_err() {
                        chaos.anomaly(format!("GenServer.stop of {pid} hung"));
                    }
                }
            }
        }
    }
}

/// Starts and terminates dynamic children, of every restart type.
pub async fn churn(chaos: Arc<Chaos>, layout: Arc<Layout>, stop: Arc<AtomicBool>) {
    let mut next = 0u64;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(Duration::from_millis(3)).await;
        let Some(dynamic) = DynamicSupervisorRef::whereis(&layout.dynamic_name()) else {
            continue;
        };
        // Drop the children gone for good, or dead and about to be (their records are checked
        // and forgotten as the reaper sees them exit).
        let ids = {
            let mut ids = lock(&chaos.dynamic_ids);
            ids.retain(|id| chaos.last(id).is_some_and(|last| last.is_alive()));
            ids.clone()
        };
        if ids.len() < 8 || (ids.len() < 30 && chaos.below(2) == 0) {
            next += 1;
            let id: Arc<str> = Arc::from(format!("{}-dyn-{next}", layout.prefix));
            let restart = chaos.pick(&[Restart::Permanent, Restart::Transient, Restart::Temporary]);
            chaos.expect_dynamic(&id, restart);
            let spec = worker_spec(&id, &chaos, false).with_restart(restart);
            if dynamic.start_child_spec::<Worker>(spec).await.is_ok() {
                bump(&chaos.counters.dynamic_started);
                lock(&chaos.dynamic_ids).push(id);
            } else {
                chaos.forget(&id);
            }
        } else {
            let id = chaos.pick(ids.as_slice());
            if let Some(pid) = chaos.live_pid(&id) {
                // Its exit is not judged until the call returns: the supervisor may tell of it
                // first.
                chaos.terminating(pid.id());
                let stopped = matches!(dynamic.terminate_child(&pid).await, Ok(true));
                if stopped {
                    bump(&chaos.counters.dynamic_terminated);
                }
                chaos.terminated(&id, pid.id(), stopped);
            }
        }
    }
}
