//! The intensity's settings, as OTP checks them: `max_seconds(0)` (a zero period, under which
//! no restart would ever count and a crashing child would never take its supervisor down) is
//! refused when either supervisor kind starts, before any child starts; `max_restarts(0)` is
//! allowed and means what it means in OTP: the first crash escalates.

use otp_behaviour_tests::supervisor::{Args, Log, Worker, WorkerRef, take};
use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Strategy, SupervisorError,
    SupervisorSpec, supervisor,
};

fn worker(name: &'static str, log: &Log) -> ChildSpec {
    ChildSpec::of::<Worker>(Args::new(name, log)).with_id(name)
}

#[tokio::test(start_paused = true)]
async fn a_supervisor_with_max_seconds_0_is_refused_before_any_child_starts() {
    let log = Log::default();
    for link in [false, true] {
        let spec = SupervisorSpec::new(Strategy::OneForOne)
            .max_seconds(0)
            .name("zero-period")
            .child(worker("a", &log));
        let started = if link {
            spec.start_link().await
        } else {
            spec.start().await
        };
        assert_eq!(started.err(), Some(SupervisorError::ZeroMaxSeconds));
        assert!(take(&log).is_empty(), "no child started");
        assert_eq!(otp_core::whereis("zero-period"), None);
    }
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_with_max_seconds_0_is_refused() {
    for link in [false, true] {
        let options = DynamicSupervisorOptions::default()
            .max_seconds(0)
            .name("zero-period-dynamic");
        let started = if link {
            DynamicSupervisor::start_link(options).await
        } else {
            DynamicSupervisor::start(options).await
        };
        assert_eq!(started.err(), Some(SupervisorError::ZeroMaxSeconds));
        assert_eq!(otp_core::whereis("zero-period-dynamic"), None);
    }
}

#[tokio::test(start_paused = true)]
async fn as_a_child_it_fails_its_parent_start_with_the_reason() {
    let log = Log::default();
    let started = SupervisorSpec::new(Strategy::OneForOne)
        .child(worker("a", &log))
        .child(ChildSpec::of::<DynamicSupervisor>(
            DynamicSupervisorOptions::default().max_seconds(0),
        ))
        .start()
        .await;
    assert_eq!(
        started.err(),
        Some(SupervisorError::FailedToStartChild {
            id: "DynamicSupervisor".into(),
            reason: ExitReason::error(SupervisorError::ZeroMaxSeconds),
        })
    );
    assert_eq!(take(&log), ["start a", "stop a"]);
}

#[tokio::test(start_paused = true)]
async fn max_restarts_0_escalates_at_the_first_crash() {
    let log = Log::default();
    let sup = supervisor! {
        strategy: one_for_one,
        max_restarts: 0,
        children: [Worker(Args::new("a", &log)) { id = "a" }, Worker(Args::new("b", &log)) { id = "b" }],
    }
    .start()
    .await
    .unwrap();
    take(&log);
    let b = sup.child_pid("b").await.unwrap().unwrap();
    WorkerRef::from(otp_core::ServerRef::<Worker>::from_pid(&b).unwrap()).crash();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash b", "stop a"], "no restart");
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_with_max_restarts_0_escalates_at_the_first_crash() {
    let log = Log::default();
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default().max_restarts(0))
        .await
        .unwrap();
    let a = sup
        .start_child::<Worker>(Args::new("a", &log))
        .await
        .unwrap();
    let b = sup
        .start_child::<Worker>(Args::new("b", &log))
        .await
        .unwrap();
    take(&log);
    b.crash();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(take(&log), ["crash b", "stop a"], "no restart");
    assert_eq!(a.pid().exit_reason(), Some(ExitReason::Shutdown));
}
