//! A child whose init hangs past its start timeout at a restart: as for any failed start, the
//! supervisor kills it and tries again through its mailbox, each try counting toward the
//! restart intensity; a try that starts in time leaves the child running, and too many tries
//! stop the supervisor with `Shutdown`.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{ChildSpec, Strategy, SupervisorRef, SupervisorSpec};

#[derive(Clone, Default)]
struct Args {
    inits: Arc<AtomicU32>,
    hang: Arc<AtomicBool>,
}

struct Flaky;

#[genserver]
impl Flaky {
    #[init]
    async fn init(args: Args) -> Self {
        args.inits.fetch_add(1, Ordering::SeqCst);
        if args.hang.load(Ordering::SeqCst) {
            std::future::pending::<()>().await;
        }
        Flaky
    }

    #[handle_cast]
    fn crash(&mut self) {
        panic!("flaky crashed");
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start_tree(args: &Args, max_restarts: u32) -> SupervisorRef {
    SupervisorSpec::new(Strategy::OneForOne)
        .max_restarts(max_restarts)
        .max_seconds(60)
        .child(
            ChildSpec::of::<Flaky>(args.clone())
                .with_id("flaky")
                .with_start_timeout(Duration::from_secs(1)),
        )
        .start()
        .await
        .unwrap()
}

async fn crash(sup: &SupervisorRef) -> Pid {
    let pid = sup.child_pid("flaky").await.unwrap().expect("flaky runs");
    FlakyRef::from(otp_core::ServerRef::<Flaky>::from_pid(&pid).unwrap()).crash();
    pid.wait_exit().await;
    pid
}

#[tokio::test(start_paused = true)]
async fn a_restart_that_times_out_is_tried_again_and_a_try_in_time_runs() {
    let args = Args::default();
    let sup = start_tree(&args, 3).await;
    args.hang.store(true, Ordering::SeqCst);
    let first = crash(&sup).await;

    // The restart's init hangs: killed after 1 s, then tried again.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        args.inits.load(Ordering::SeqCst),
        3,
        "the start and two tries"
    );
    args.hang.store(false, Ordering::SeqCst);

    // The second try times out at 2 s; the third, through the mailbox, starts in time.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let counts = sup.count_children().await.unwrap();
    assert_eq!((counts.specs, counts.active), (1, 1));
    let now = sup
        .child_pid("flaky")
        .await
        .unwrap()
        .expect("running again");
    assert_ne!(now, first);
    assert!(now.is_alive());
    assert_eq!(args.inits.load(Ordering::SeqCst), 4);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn restarts_that_keep_timing_out_exceed_the_intensity_and_stop_the_supervisor() {
    let args = Args::default();
    let sup = start_tree(&args, 2).await;
    args.hang.store(true, Ordering::SeqCst);
    crash(&sup).await;

    // Restart 1 and try 2 time out; try 3 exceeds `max_restarts: 2`.
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
    assert_eq!(
        args.inits.load(Ordering::SeqCst),
        3,
        "the start and two tries"
    );
}
