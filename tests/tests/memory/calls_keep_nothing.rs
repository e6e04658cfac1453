//! A long-lived server answering 20,000 calls keeps nothing per call: the reply channels, the
//! timeout timers and the envelopes are all freed (or pooled once) as each call ends.

use otp_behaviour_tests::memory::{bytes_per_event, exclusive, live_bytes};
use otp_core::prelude::*;

use super::measure::BOUND;

struct Echo;

#[genserver]
impl Echo {
    #[handle_call]
    fn echo(&mut self, n: u64) -> u64 {
        n
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const CALLS: u64 = 20_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_leave_live_bytes_flat() {
    let _alone = exclusive().await;
    let server = Echo::start(Echo).await.unwrap();
    // Warm up: the first calls fill the pools a thread keeps (its timer slot, the runtime's
    // timer wheel levels), which are not per-call costs.
    for n in 0..1_000 {
        assert_eq!(server.echo(n).await.unwrap(), n);
    }
    let before = live_bytes();
    for n in 0..CALLS {
        assert_eq!(server.echo(n).await.unwrap(), n);
    }
    let after = live_bytes();
    let per_call = bytes_per_event(before, after, usize::try_from(CALLS).unwrap());
    assert!(
        after <= before + BOUND,
        "live bytes {before} -> {after} after {CALLS} calls ({per_call:.2} bytes per call)"
    );
    server.stop(ExitReason::Normal).await.unwrap();
}
