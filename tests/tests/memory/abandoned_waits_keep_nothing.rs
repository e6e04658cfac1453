//! `Pid::wait_exit` abandoned before the process exits (the losing branch of a `select!`, or a
//! timeout around it) keeps nothing: 20,000 abandoned waits on one live process leave the live
//! bytes flat, and a wait that is not abandoned still gets the exit reason.

use futures_util::FutureExt;
use otp_behaviour_tests::memory::exclusive;
use otp_core::prelude::*;

use super::measure::{IN_FLIGHT, flat_across};

struct Idle;

#[genserver]
impl Idle {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const WAITS: usize = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandoned_waits_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let server = Idle::start(Idle).await.unwrap();
    let pid = server.pid();
    flat_across("abandoned wait_exit", WAITS, IN_FLIGHT, async |n| {
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
    })
    .await;
    // A wait that is not abandoned still hears of the exit.
    let waiting = tokio::spawn({
        let pid = pid.clone();
        async move { pid.wait_exit().await }
    });
    server.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(waiting.await.unwrap(), ExitReason::Shutdown);
}
