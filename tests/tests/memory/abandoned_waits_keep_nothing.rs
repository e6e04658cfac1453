//! `Pid::wait_exit` abandoned before the process exits (the losing branch of a `select!`, or a
//! timeout around it) keeps nothing: 100,000 abandoned waits on one live process leave the live
//! bytes flat, and a wait that is not abandoned still gets the exit reason.

use futures_util::FutureExt;
use otp_behaviour_tests::memory::{bytes_per_event, exclusive, live_bytes};
use otp_core::prelude::*;

struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const WAITS: usize = 100_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_thousand_abandoned_waits_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let server = Idle::start(Idle).await.unwrap();
    let pid = server.pid();
    // Warm up: the first wait gives the process its bookkeeping of links and monitors, which it
    // keeps for life.
    for _ in 0..100 {
        assert_eq!(pid.wait_exit().now_or_never(), None, "the server lives");
    }
    let before = live_bytes();
    for n in 0..WAITS {
        // Polled once, then dropped: as a `select!` drops the branch that lost.
        if n % 2 == 0 {
            assert_eq!(pid.wait_exit().now_or_never(), None, "the server lives");
        } else {
            tokio::select! {
                biased;
                reason = pid.wait_exit() => panic!("the server exited: {reason}"),
                () = std::future::ready(()) => {}
            }
        }
    }
    let after = live_bytes();
    let per_wait = bytes_per_event(before, after, WAITS);
    assert!(
        after <= before + 8 * 1024,
        "live bytes {before} -> {after} after {WAITS} abandoned waits ({per_wait:.2} bytes per wait)"
    );
    // A wait that is not abandoned still hears of the exit.
    let waiting = tokio::spawn({
        let pid = pid.clone();
        async move { pid.wait_exit().await }
    });
    server.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(waiting.await.unwrap(), ExitReason::Shutdown);
}
