//! Agent call timeouts: `get`, `update` and `get_and_update` wait 5 s by default, `.timeout(d)`
//! changes that per call; on timeout the caller gets `CallError::Timeout`, the agent still runs
//! the closure later, and it keeps serving.
//!
//! Closures are synchronous, so the agent is kept busy by one that blocks on a channel the test
//! controls. It must not block the test's own (paused, single-threaded) runtime: the agent runs
//! on a second runtime, and the test's clock is paused, so the 5 s pass at once and exactly.

use std::sync::mpsc;
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Agent, AgentRef, DEFAULT_CALL_TIMEOUT};
use tokio::time::Instant;

/// An agent (state: how many closures ran) on its own runtime, and a way to hold it busy.
struct Busy {
    runtime: tokio::runtime::Runtime,
    agent: AgentRef<u32>,
}

impl Busy {
    async fn start() -> Busy {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let agent = runtime
            .spawn(Agent::options().start(|| 0_u32))
            .await
            .unwrap()
            .unwrap();
        Busy { runtime, agent }
    }

    /// Makes the agent run a closure that waits until the returned sender sends (or is dropped);
    /// returns once the agent is inside it.
    async fn hold(&self) -> mpsc::Sender<()> {
        let (release, released) = mpsc::channel::<()>();
        let (entered, is_entered) = tokio::sync::oneshot::channel::<()>();
        self.agent.cast(move |n| {
            let _ = entered.send(());
            let _ = released.recv();
            *n += 1;
        });
        is_entered.await.unwrap();
        release
    }

    fn shut(self) {
        self.runtime.shutdown_background();
    }
}

#[tokio::test(start_paused = true)]
async fn a_call_times_out_after_5_seconds_by_default() {
    assert_eq!(AgentRef::<u32>::default_timeout(), Duration::from_secs(5));
    assert_eq!(DEFAULT_CALL_TIMEOUT, Duration::from_secs(5));
    let busy = Busy::start().await;
    let release = busy.hold().await;

    let started = Instant::now();
    assert_eq!(busy.agent.get(|n| *n).await, Err(CallError::Timeout));
    assert_eq!(started.elapsed(), Duration::from_secs(5));

    let started = Instant::now();
    assert_eq!(
        busy.agent.update(|n| *n += 1).await,
        Err(CallError::Timeout)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(5));

    let started = Instant::now();
    assert_eq!(
        busy.agent.get_and_update(|n| (n, n + 1)).await,
        Err(CallError::Timeout)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(5));

    // Released, the agent runs the held closure, then the timed-out ones (their replies are
    // dropped), then serves again. Real time from here: the reply comes from another runtime.
    release.send(()).unwrap();
    tokio::time::resume();
    assert_eq!(busy.agent.get(|n| *n).await, Ok(3));
    busy.shut();
}

#[tokio::test(start_paused = true)]
async fn timeout_overrides_the_default_per_call() {
    let busy = Busy::start().await;
    let release = busy.hold().await;

    for millis in [1, 250, 4_000, 12_000] {
        let wait = Duration::from_millis(millis);
        let started = Instant::now();
        assert_eq!(
            busy.agent.get(|n| *n).timeout(wait).await,
            Err(CallError::Timeout)
        );
        assert_eq!(started.elapsed(), wait, "a {millis} ms timeout");
    }
    let started = Instant::now();
    assert_eq!(
        busy.agent
            .update(|n| *n += 10)
            .timeout(Duration::from_secs(7))
            .await,
        Err(CallError::Timeout)
    );
    assert_eq!(
        busy.agent
            .get_and_update(|n| (n, n + 100))
            .timeout(Duration::from_secs(2))
            .await,
        Err(CallError::Timeout)
    );
    assert_eq!(started.elapsed(), Duration::from_secs(9));

    release.send(()).unwrap();
    tokio::time::resume();
    assert_eq!(
        busy.agent
            .get(|n| *n)
            .timeout(Duration::from_secs(60))
            .await,
        Ok(111)
    );
    busy.shut();
}

#[tokio::test(start_paused = true)]
async fn a_call_answered_in_time_is_not_a_timeout() {
    // Same runtime, free agent: the reply comes before any timer can fire.
    let agent = Agent::start_link(|| 7_u32).await.unwrap();
    let started = Instant::now();
    assert_eq!(
        agent.get(|n| *n).timeout(Duration::from_millis(1)).await,
        Ok(7)
    );
    assert_eq!(started.elapsed(), Duration::ZERO);
}
