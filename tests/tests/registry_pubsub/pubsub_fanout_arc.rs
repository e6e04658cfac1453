//! Fan-out to 10,000 subscribers with the payload behind an `Arc`: each subscriber gets the
//! message once, every one of them shares the one allocation, and the payload itself is never
//! cloned (its `Clone` counts clones).

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::{StreamExt, stream};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions, PubSubRef};

const SUBSCRIBERS: usize = 10_000;

static PAYLOAD_CLONES: AtomicUsize = AtomicUsize::new(0);

/// A big payload whose clones are counted.
struct Payload {
    bytes: Vec<u8>,
}

impl Clone for Payload {
    fn clone(&self) -> Self {
        PAYLOAD_CLONES.fetch_add(1, Ordering::SeqCst);
        Payload {
            bytes: self.bytes.clone(),
        }
    }
}

struct Subscriber {
    received: Vec<Arc<Payload>>,
}

#[genserver]
impl Subscriber {
    #[init]
    fn init(pubsub: PubSubRef) -> Result<Self, InitError> {
        pubsub.subscribe("fanout")?;
        Ok(Subscriber {
            received: Vec::new(),
        })
    }

    #[handle_info]
    fn payload(&mut self, payload: Arc<Payload>) {
        self.received.push(payload);
    }

    /// How many payloads it got, and the address of the first one's allocation.
    #[handle_call]
    fn received(&mut self) -> (usize, usize, usize) {
        let first = self.received.first().map_or(0, |p| Arc::as_ptr(p) as usize);
        let len = self.received.first().map_or(0, |p| p.bytes.len());
        (self.received.len(), first, len)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_to_ten_thousand_shares_one_arc_and_never_clones_the_payload() {
    let pubsub = PubSub::start(PubSubOptions::default()).await.unwrap();
    // Started and asked 64 at a time: one at a time, the two workers would spend the test
    // waking each other.
    let subscribers: Vec<SubscriberRef> = stream::iter(0..SUBSCRIBERS)
        .map(|_| Subscriber::start(pubsub.clone()))
        .buffer_unordered(64)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(pubsub.subscribers("fanout"), SUBSCRIBERS);

    let payload = Arc::new(Payload {
        bytes: vec![7; 1 << 20],
    });
    // The counter counts: one clone by hand.
    drop((*payload).clone());
    assert_eq!(PAYLOAD_CLONES.swap(0, Ordering::SeqCst), 1);

    assert_eq!(pubsub.broadcast("fanout", payload.clone()), SUBSCRIBERS);
    let address = Arc::as_ptr(&payload) as usize;
    stream::iter(&subscribers)
        .for_each_concurrent(64, async |subscriber| {
            assert_eq!(
                subscriber.received().await.unwrap(),
                (1, address, 1 << 20),
                "one message, the shared allocation"
            );
        })
        .await;
    assert_eq!(PAYLOAD_CLONES.load(Ordering::SeqCst), 0, "never cloned");
    // Ours and one per subscriber, which each keeps.
    assert_eq!(Arc::strong_count(&payload), SUBSCRIBERS + 1);

    for subscriber in &subscribers {
        subscriber.pid().kill();
    }
    for subscriber in &subscribers {
        subscriber.pid().wait_exit().await;
    }
    // Dropped with the subscribers' states. (`wait_exit` may return before the state is
    // dropped, so wait for the count to settle without a wall-clock sleep.)
    for _ in 0..1_000_000 {
        if Arc::strong_count(&payload) == 1 {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(
        Arc::strong_count(&payload),
        1,
        "released by every subscriber"
    );
    assert_eq!(PAYLOAD_CLONES.load(Ordering::SeqCst), 0);
}
