//! `init` returning `:ignore`: `start`/`start_link` return `:ignore`, the process exits with
//! reason normal, and `terminate` is not called.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

#[derive(Clone, Default)]
struct Probe {
    pid: Arc<Mutex<Option<Pid>>>,
    terminated: Arc<AtomicBool>,
}

impl Probe {
    fn pid(&self) -> Pid {
        self.pid.lock().unwrap().clone().expect("init ran")
    }
}

struct Ignorer {
    probe: Probe,
}

#[genserver]
impl Ignorer {
    #[init]
    fn init(probe: Probe, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        *probe.pid.lock().unwrap() = Some(ctx.pid().clone());
        Err(InitError::Ignore)
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.probe.terminated.store(true, Ordering::SeqCst);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Ignores after an await, and after building a state that has a terminate.
struct LateIgnorer {
    probe: Probe,
}

#[genserver]
impl LateIgnorer {
    #[init]
    async fn init(probe: Probe, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        *probe.pid.lock().unwrap() = Some(ctx.pid().clone());
        tokio::time::sleep(Duration::from_secs(1)).await;
        let state = LateIgnorer { probe };
        drop(state);
        Err(InitError::Ignore)
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.probe.terminated.store(true, Ordering::SeqCst);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test]
async fn start_returns_ignored_and_the_process_exits_normally_without_terminate() {
    let probe = Probe::default();
    let result = Ignorer::start(probe.clone()).await;
    assert_eq!(result.err(), Some(StartError::Ignored));
    let pid = probe.pid();
    assert_eq!(pid.wait_exit().await, ExitReason::Normal);
    assert!(!pid.is_alive());
    assert_eq!(pid.exit_reason(), Some(ExitReason::Normal));
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn start_link_returns_ignored_too() {
    let probe = Probe::default();
    let result = Ignorer::start_link(probe.clone()).await;
    assert_eq!(result.err(), Some(StartError::Ignored));
    assert_eq!(probe.pid().wait_exit().await, ExitReason::Normal);
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test(start_paused = true)]
async fn an_async_init_that_ignores_after_an_await_is_ignored_too() {
    let probe = Probe::default();
    let started = tokio::time::Instant::now();
    let result = LateIgnorer::start(probe.clone()).await;
    assert_eq!(result.err(), Some(StartError::Ignored));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(probe.pid().wait_exit().await, ExitReason::Normal);
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_named_server_that_ignores_frees_its_name() {
    let probe = Probe::default();
    let result = Ignorer::options()
        .name("init_ignore::named")
        .start(probe.clone())
        .await;
    assert_eq!(result.err(), Some(StartError::Ignored));
    assert_eq!(otp_core::whereis("init_ignore::named"), None);
    assert!(Ignorer::whereis("init_ignore::named").is_none());
}
