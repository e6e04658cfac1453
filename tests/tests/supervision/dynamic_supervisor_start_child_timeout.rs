//! `DynamicSupervisor.start_child` of a child whose init hangs past its start timeout: the
//! child is killed and the call returns `StartChildError::Timeout` (`{:error, :timeout}`); the
//! supervisor keeps running, with no record of the child, and starts others as before.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, DynamicSupervisor, DynamicSupervisorOptions, StartChildError};
use tokio::time::Instant;

#[derive(Clone, Default)]
struct Args {
    hang: bool,
    pids: Arc<Mutex<Vec<Pid>>>,
}

struct Session;

#[genserver]
#[child_spec(start_timeout = 2000)]
impl Session {
    #[init]
    async fn init(args: Args, ctx: &mut Context<Self>) -> Self {
        args.pids.lock().unwrap().push(ctx.pid().clone());
        if args.hang {
            std::future::pending::<()>().await;
        }
        Session
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(start_paused = true)]
async fn start_child_returns_timeout_and_the_supervisor_goes_on() {
    let sup = DynamicSupervisor::start(DynamicSupervisorOptions::default())
        .await
        .unwrap();
    let pids = Arc::<Mutex<Vec<Pid>>>::default();
    let hanging = Args {
        hang: true,
        pids: pids.clone(),
    };

    // The type's default, from `#[child_spec(start_timeout = 2000)]`.
    let began = Instant::now();
    let started = sup.start_child::<Session>(hanging.clone()).await;
    assert_eq!(started.err(), Some(StartChildError::Timeout));
    assert_eq!(began.elapsed(), Duration::from_secs(2));

    // A spec's own timeout, set on the spec.
    let spec = ChildSpec::of::<Session>(hanging).with_start_timeout(Duration::from_millis(300));
    let began = Instant::now();
    assert_eq!(
        sup.start_child_spec::<Session>(spec).await.err(),
        Some(StartChildError::Timeout)
    );
    assert_eq!(began.elapsed(), Duration::from_millis(300));

    for pid in pids.lock().unwrap().iter() {
        assert_eq!(pid.exit_reason(), Some(ExitReason::Killed));
    }
    assert!(sup.is_alive());
    assert_eq!(sup.count_children().await.unwrap().active, 0);

    let session = sup
        .start_child::<Session>(Args {
            hang: false,
            pids: pids.clone(),
        })
        .await
        .unwrap();
    assert!(session.is_alive());
    assert_eq!(sup.count_children().await.unwrap().active, 1);
    assert_eq!(pids.lock().unwrap().len(), 3);
}
