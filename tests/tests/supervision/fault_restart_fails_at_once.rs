//! Fault at the edge: a restart that fails at once, without waiting for anything (a start
//! function that refuses, a name that is taken), under a high `max_restarts`.
//!
//! OTP tries again through the supervisor's mailbox (`try_again_restart`), so a request that
//! arrives while the restarts fail is answered between two tries: here too, for both supervisor
//! kinds, on a single-threaded runtime where a supervisor that never yielded would run every try
//! (and exit) before the caller could send its next request.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use otp_core::prelude::*;
use otp_core::{
    ChildCounts, ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Strategy, SupervisorSpec,
};

#[derive(Clone)]
struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A child that starts an `Idle` server while `down` is unset, and otherwise fails at once,
/// counting its failed starts.
#[derive(Clone, Default)]
struct Sudden {
    down: Arc<AtomicBool>,
    failures: Arc<AtomicUsize>,
}

impl Sudden {
    fn spec(&self) -> ChildSpec {
        let this = self.clone();
        ChildSpec::from_fn("sudden", move |_name| {
            let this = this.clone();
            async move {
                if this.down.load(Ordering::SeqCst) {
                    this.failures.fetch_add(1, Ordering::SeqCst);
                    return Err(StartError::Init(ExitReason::ShutdownWith("down".into())));
                }
                Ok(Idle::start_link(Idle).await?.pid())
            }
        })
    }

    fn failures(&self) -> usize {
        self.failures.load(Ordering::SeqCst)
    }
}

const MAX_RESTARTS: u32 = 1_000;

#[tokio::test(start_paused = true)]
async fn a_supervisor_answers_between_two_tries() {
    let child = Sudden::default();
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(MAX_RESTARTS)
        .child(child.spec())
        .start()
        .await
        .unwrap();
    let old = sup.child_pid("sudden").await.unwrap().unwrap();
    child.down.store(true, Ordering::SeqCst);
    old.kill();
    old.wait_exit().await;
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (1, 0), "restarting");
    // The next request is answered while the tries go on, and it ends them.
    assert_eq!(sup.terminate_child("sudden").await, Ok(()));
    let failures = child.failures();
    assert!(
        failures < MAX_RESTARTS as usize,
        "{failures} tries before an answer"
    );
    sup.count_children().await.unwrap();
    assert_eq!(child.failures(), failures, "no try after terminate_child");
    assert!(sup.is_alive());
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_answers_between_two_tries() {
    let child = Sudden::default();
    let sup =
        DynamicSupervisor::start(DynamicSupervisorOptions::default().max_restarts(MAX_RESTARTS))
            .await
            .unwrap();
    let old = sup
        .start_child_spec::<Idle>(child.spec())
        .await
        .unwrap()
        .pid();
    child.down.store(true, Ordering::SeqCst);
    old.kill();
    old.wait_exit().await;
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (1, 0), "restarting");
    // The next request is answered while the tries go on, and it ends them.
    assert_eq!(sup.terminate_child(&old).await, Ok(true));
    let failures = child.failures();
    assert!(
        failures < MAX_RESTARTS as usize,
        "{failures} tries before an answer"
    );
    assert_eq!(sup.count_children().await.unwrap(), ChildCounts::default());
    assert_eq!(child.failures(), failures, "no try after terminate_child");
    assert!(sup.is_alive());
}
