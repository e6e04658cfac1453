//! H: one broadcast to many subscribers, timed until every subscriber has handled it. Each
//! subscriber counts the message down on a shared counter; the one that takes it to zero wakes
//! the client. One broadcast at a time, so the median is of separate deliveries.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions, PubSubRef};
use tokio::sync::{Notify, broadcast};

use super::median_micros;

/// The topic every subscriber listens to.
const TOPIC: &str = "otp-benches";

/// The broadcast message.
#[derive(Clone, Debug)]
struct Tick;

/// Subscribers yet to handle the current broadcast, and the client's wake-up.
#[derive(Default)]
struct Countdown {
    remaining: AtomicUsize,
    done: Notify,
}

impl Countdown {
    fn arm(&self, subscribers: usize) {
        self.remaining.store(subscribers, Ordering::Release);
    }

    fn count(&self) {
        if self.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            // `notify_one` keeps the wake-up if the client is not waiting yet.
            self.done.notify_one();
        }
    }
}

/// Times `broadcasts` broadcasts (after one to warm up) made by `send`, which returns how many
/// subscribers it reached; returns the median µs per broadcast.
///
/// # Panics
///
/// When a broadcast does not reach every subscriber.
async fn time_broadcasts(
    countdown: &Countdown,
    subscribers: usize,
    broadcasts: usize,
    send: impl Fn() -> usize,
) -> f64 {
    let mut times = Vec::with_capacity(broadcasts + 1);
    for _ in 0..=broadcasts {
        countdown.arm(subscribers);
        let started = Instant::now();
        assert_eq!(send(), subscribers, "every subscriber reached");
        countdown.done.notified().await;
        times.push(started.elapsed());
    }
    median_micros(&times[1..])
}

struct Subscriber {
    countdown: Arc<Countdown>,
}

#[genserver]
impl Subscriber {
    #[init]
    fn init(args: (PubSubRef, Arc<Countdown>)) -> Result<Self, InitError> {
        let (pubsub, countdown) = args;
        pubsub.subscribe(TOPIC)?;
        Ok(Subscriber { countdown })
    }

    #[handle_info]
    fn tick(&mut self, _tick: Tick) {
        self.countdown.count();
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Ours: `subscribers` servers, each subscribed to [`TOPIC`] in its init, and
/// `PubSubRef::broadcast`. Returns the median µs per broadcast.
pub(super) async fn ours(subscribers: usize, broadcasts: usize) -> f64 {
    let pubsub = PubSub::start(PubSubOptions::default())
        .await
        .expect("the PubSub started");
    let countdown = Arc::new(Countdown::default());
    let mut servers = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        servers.push(
            Subscriber::start((pubsub.clone(), countdown.clone()))
                .await
                .expect("the subscriber started"),
        );
    }
    let figure = time_broadcasts(&countdown, subscribers, broadcasts, || {
        pubsub.broadcast(TOPIC, Tick)
    })
    .await;
    for server in servers {
        server
            .stop(ExitReason::Normal)
            .await
            .expect("the subscriber stopped");
    }
    figure
}

/// By hand: a `tokio::sync::broadcast` channel and `subscribers` tasks, each looping on its
/// receiver. Returns the median µs per broadcast.
pub(super) async fn hand_written(subscribers: usize, broadcasts: usize) -> f64 {
    // One message in flight at a time: no receiver can lag.
    let (sender, _) = broadcast::channel::<Tick>(16);
    let countdown = Arc::new(Countdown::default());
    let mut tasks = Vec::with_capacity(subscribers);
    for _ in 0..subscribers {
        let mut receiver = sender.subscribe();
        let countdown = countdown.clone();
        tasks.push(tokio::spawn(async move {
            while let Ok(Tick) = receiver.recv().await {
                countdown.count();
            }
        }));
    }
    let figure = time_broadcasts(&countdown, subscribers, broadcasts, || {
        sender.send(Tick).unwrap_or(0)
    })
    .await;
    // Closing the channel ends every receiver's loop.
    drop(sender);
    for task in tasks {
        task.await.expect("the receiver ended");
    }
    figure
}
