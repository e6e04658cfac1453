//! A mailbox gives its memory back after a burst: a server that once had 100,000 messages
//! queued, once it has worked through them and waits again, holds no more than twice the bytes
//! of a server that never received a message.

use otp_behaviour_tests::memory::{exclusive, live_bytes};
use otp_core::prelude::*;

#[derive(Default)]
struct Sink {
    received: u64,
}

#[genserver]
impl Sink {
    #[handle_cast]
    fn put(&mut self, _item: u64) {
        self.received += 1;
    }

    #[handle_call]
    fn received(&mut self) -> u64 {
        self.received
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

const BURST: u64 = 100_000;

/// The live bytes a server adds, from before its start until `use_it` has run on it.
async fn bytes_held(use_it: impl AsyncFnOnce(&SinkRef)) -> (SinkRef, usize) {
    let before = live_bytes();
    let sink = Sink::start(Sink::default()).await.unwrap();
    use_it(&sink).await;
    let after = live_bytes();
    (sink, after.saturating_sub(before))
}

/// Rounds of each measurement; the burst's smallest reading is kept, the never-used server's
/// largest. The count is process-wide, and
/// `exclusive` keeps other tests from measuring, not from starting: another test's runtime
/// spawning its worker threads meanwhile adds a few hundred bytes to one reading.
const ROUNDS: usize = 3;

// One thread: the casts all queue before the server runs, so the burst is 100,000 deep.
#[tokio::test(flavor = "current_thread")]
async fn a_drained_mailbox_returns_to_the_size_of_a_never_used_one() {
    let _alone = exclusive().await;
    let mut servers = Vec::new();
    // Warm up: a first server's calls fill this thread's pools (the call timers), which are
    // not the mailbox's.
    let (warm, _) = bytes_held(async |sink| {
        sink.put(1);
        assert_eq!(sink.received().await, Ok(1));
    })
    .await;
    servers.push(warm);

    let mut never_used_bytes = 0;
    let mut burst_bytes = usize::MAX;
    for _ in 0..ROUNDS {
        let (never_used, bytes) = bytes_held(async |_| {}).await;
        // The largest reading: a free elsewhere in the process meanwhile (another test's runtime
        // going away) can only lower one, down to zero, which would make the bound below zero.
        never_used_bytes = never_used_bytes.max(bytes);
        servers.push(never_used);

        let (burst, bytes) = bytes_held(async |sink| {
            for item in 0..BURST {
                sink.put(item);
            }
            assert_eq!(sink.received().await, Ok(BURST), "the burst is handled");
            // Idle again: one more message, handled at once.
            sink.put(0);
            assert_eq!(sink.received().await, Ok(BURST + 1));
        })
        .await;
        burst_bytes = burst_bytes.min(bytes);
        servers.push(burst);
    }

    assert!(
        burst_bytes <= 2 * never_used_bytes,
        "after a burst of {BURST} the server holds {burst_bytes} bytes, a never-used one \
         {never_used_bytes}"
    );
    for sink in servers {
        sink.stop(ExitReason::Normal).await.unwrap();
    }
}
