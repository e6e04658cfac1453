//! The longest durations mean "never": a `Shutdown::Timeout(Duration::MAX)` waits for the child
//! as `:infinity` does, a start timeout of `Duration::MAX` waits for its init, and
//! `max_seconds(u64::MAX)` keeps every restart in the intensity's count. None of them panics
//! computing a deadline, on either supervisor kind.

use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{
    ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, Shutdown, Strategy, SupervisorSpec,
};

const HOUR: Duration = Duration::from_secs(3_600);

/// How long a `Slow` worker's init and terminate take.
#[derive(Clone, Copy)]
struct Delays {
    init: Duration,
    terminate: Duration,
}

struct Slow {
    terminate: Duration,
}

#[genserver]
impl Slow {
    #[init]
    async fn init(delays: Delays) -> Self {
        tokio::time::sleep(delays.init).await;
        Slow {
            terminate: delays.terminate,
        }
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("crash");
    }

    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        tokio::time::sleep(self.terminate).await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn slow(init: Duration, terminate: Duration) -> ChildSpec {
    ChildSpec::of::<Slow>(Delays { init, terminate })
}

#[tokio::test(start_paused = true)]
async fn a_shutdown_of_duration_max_waits_for_the_child_and_never_kills_it() {
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(slow(Duration::ZERO, HOUR).with_shutdown(Shutdown::Timeout(Duration::MAX)))
        .start()
        .await
        .unwrap();
    let child = sup.child_pid("Slow").await.unwrap().unwrap();
    let began = tokio::time::Instant::now();
    sup.terminate_child("Slow").await.unwrap();
    assert_eq!(began.elapsed(), HOUR);
    assert_eq!(
        child.exit_reason(),
        Some(ExitReason::Shutdown),
        "not killed"
    );

    sup.restart_child("Slow").await.unwrap();
    let child = sup.child_pid("Slow").await.unwrap().unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        child.exit_reason(),
        Some(ExitReason::Shutdown),
        "not killed"
    );
}

#[tokio::test(start_paused = true)]
async fn a_dynamic_supervisor_waits_too() {
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let spec = || slow(Duration::ZERO, HOUR).with_shutdown(Shutdown::Timeout(Duration::MAX));
    let one = sup.start_child_spec::<Slow>(spec()).await.unwrap().pid();
    let began = tokio::time::Instant::now();
    assert_eq!(sup.terminate_child(&one).await, Ok(true));
    assert_eq!(began.elapsed(), HOUR);
    assert_eq!(one.exit_reason(), Some(ExitReason::Shutdown), "not killed");

    let two = sup.start_child_spec::<Slow>(spec()).await.unwrap().pid();
    sup.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(two.exit_reason(), Some(ExitReason::Shutdown), "not killed");
}

#[tokio::test(start_paused = true)]
async fn a_start_timeout_of_duration_max_waits_for_init() {
    let spec = || slow(HOUR, Duration::ZERO).with_start_timeout(Duration::MAX);
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .child(spec())
        .start()
        .await
        .unwrap();
    assert_eq!(sup.count_children().await.unwrap().active, 1);

    let dynamic = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    assert!(dynamic.start_child_spec::<Slow>(spec()).await.is_ok());
}

#[tokio::test(start_paused = true)]
async fn max_seconds_u64_max_counts_every_restart() {
    let sup = SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(1)
        .max_seconds(u64::MAX)
        .child(slow(Duration::ZERO, Duration::ZERO))
        .start()
        .await
        .unwrap();
    for _ in 0..2 {
        let child = sup.child_pid("Slow").await.unwrap().unwrap();
        SlowRef::from(otp_core::ServerRef::<Slow>::from_pid(&child).unwrap()).crash();
        child.wait_exit().await;
        let _ = sup.count_children().await;
        tokio::time::sleep(HOUR * 24 * 365).await;
    }
    assert_eq!(sup.pid().exit_reason(), Some(ExitReason::Shutdown));

    let dynamic = DynamicSupervisor::start(
        DynamicSupervisorOptions::default()
            .max_restarts(1)
            .max_seconds(u64::MAX),
    )
    .await
    .unwrap();
    let mut child = dynamic
        .start_child::<Slow>(Delays {
            init: Duration::ZERO,
            terminate: Duration::ZERO,
        })
        .await
        .unwrap();
    for _ in 0..2 {
        child.crash();
        child.pid().wait_exit().await;
        let Ok(children) = dynamic.which_children().await else {
            break;
        };
        if let Some(pid) = children.first().and_then(|c| c.pid()) {
            child = SlowRef::from(otp_core::ServerRef::<Slow>::from_pid(pid).unwrap());
        }
        tokio::time::sleep(HOUR * 24 * 365).await;
    }
    assert_eq!(dynamic.pid().exit_reason(), Some(ExitReason::Shutdown));
}
