//! What the measurements share: the broadcast message, a subscriber timing its deliveries,
//! the pacing, a cluster schema per measurement.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use otp_benches::jobs::BoxError;
use otp_benches::jobs::database::server_url;
use otp_cluster::ClusterConfig;
use otp_core::PubSubRef;
use otp_core::prelude::*;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// The topic of every broadcast.
pub(crate) const TOPIC: &str = "bench";
/// The latency measurements broadcast once per `PACE`: far apart enough that no backlog builds.
pub(crate) const PACE: Duration = Duration::from_millis(5);
/// Broadcasts sent first and left out of the figures.
pub(crate) const WARMUP: u64 = 50;
/// The node index of the publisher when the subscribers run in other OS processes.
pub(crate) const OUTSIDE: u32 = u32::MAX;

/// Nanoseconds of the system clock: one clock for every process of the machine.
pub(crate) fn now_ns() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| {
            u64::try_from(since.as_nanos()).unwrap_or(u64::MAX)
        })
}

/// What the benchmark broadcasts: who sent it, when, and a padding for its size.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub(crate) struct Stamp {
    pub(crate) from: u32,
    pub(crate) seq: u64,
    pub(crate) sent_ns: u64,
    pub(crate) pad: String,
}

impl Stamp {
    /// A stamp sent now.
    pub(crate) fn now(from: u32, seq: u64, pad: &str) -> Self {
        Stamp {
            from,
            seq,
            sent_ns: now_ns(),
            pad: pad.to_owned(),
        }
    }
}

/// A broadcast as one subscriber's handler saw it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Delivery {
    pub(crate) node: u32,
    pub(crate) from: u32,
    pub(crate) seq: u64,
    pub(crate) latency_ns: u64,
}

impl Delivery {
    /// Whether it came from another node than the subscriber's.
    pub(crate) fn crossed_nodes(&self) -> bool {
        self.node != self.from
    }
}

/// A subscriber: its handler reads the clock and hands the delivery to the measurement.
pub(crate) struct Subscriber {
    node: u32,
    deliveries: mpsc::UnboundedSender<Delivery>,
}

#[genserver]
impl Subscriber {
    #[handle_info]
    fn stamp(&mut self, stamp: Stamp) {
        let latency_ns = now_ns().saturating_sub(stamp.sent_ns);
        let _ = self.deliveries.send(Delivery {
            node: self.node,
            from: stamp.from,
            seq: stamp.seq,
            latency_ns,
        });
    }

    /// Subscribes this process to `topic` of `pubsub` (a cluster PubSub through `to_local`).
    #[handle_call]
    fn subscribe(&mut self, pubsub: PubSubRef, topic: String) -> bool {
        pubsub.subscribe(topic).is_ok()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// Starts a subscriber of [`TOPIC`] on `pubsub` whose deliveries say they reached `node`.
pub(crate) async fn subscriber(
    node: u32,
    pubsub: PubSubRef,
    deliveries: mpsc::UnboundedSender<Delivery>,
) -> Result<SubscriberRef, BoxError> {
    let subscriber = Subscriber::start(Subscriber { node, deliveries }).await?;
    if !subscriber.subscribe(pubsub, TOPIC.to_owned()).await? {
        return Err("a subscriber could not subscribe".into());
    }
    Ok(subscriber)
}

/// The next `expected` deliveries that `keep` accepts, within `within`.
pub(crate) async fn collect(
    deliveries: &mut mpsc::UnboundedReceiver<Delivery>,
    expected: u64,
    within: Duration,
    keep: fn(&Delivery) -> bool,
) -> Result<Vec<Delivery>, BoxError> {
    let deadline = tokio::time::Instant::now() + within;
    let mut kept = Vec::new();
    while (kept.len() as u64) < expected {
        match tokio::time::timeout_at(deadline, deliveries.recv()).await {
            Ok(Some(delivery)) if keep(&delivery) => kept.push(delivery),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => {
                return Err(
                    format!("{} of {expected} deliveries within {within:?}", kept.len()).into(),
                );
            }
        }
    }
    Ok(kept)
}

/// The latencies of the deliveries after the warm-up.
pub(crate) fn latencies(deliveries: &[Delivery]) -> Vec<u64> {
    deliveries
        .iter()
        .filter(|d| d.seq >= WARMUP)
        .map(|d| d.latency_ns)
        .collect()
}

/// Calls `broadcast` with sequence numbers `0..count`, one per [`PACE`].
pub(crate) async fn paced(count: u64, mut broadcast: impl FnMut(u64)) {
    let mut ticks = tokio::time::interval(PACE);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for seq in 0..count {
        ticks.tick().await;
        broadcast(seq);
    }
}

// The database: a cluster schema per measurement.

/// A fresh cluster schema for one measurement (at most 40 bytes, as otp-cluster requires).
pub(crate) async fn fresh_schema(label: &str) -> Result<String, BoxError> {
    let schema = format!("otp_cluster_bench_{}_{label}", std::process::id());
    drop_schema(&schema).await?;
    Ok(schema)
}

pub(crate) async fn drop_schema(schema: &str) -> Result<(), BoxError> {
    let pool = connect().await?;
    sqlx::raw_sql(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

/// One connection to the server, or an error that says which server did not answer.
pub(crate) async fn connect() -> Result<sqlx::PgPool, BoxError> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect(&server_url())
        .await
        .map_err(|error| {
            // The url is left out: it may hold a password.
            format!(
                "no PostgreSQL server answers at DATABASE_URL (default \
                 postgres://postgres@127.0.0.1:5432/postgres): {error}; run \
                 scripts/ensure-postgres or set DATABASE_URL"
            )
            .into()
        })
}

/// A node's config: its name registered per schema, so that nodes share this OS process.
pub(crate) fn config(schema: &str, node: &str, lease: Duration) -> ClusterConfig {
    ClusterConfig::new(server_url())
        .schema(schema)
        .node(node)
        .name(format!("cluster_{schema}_{node}"))
        .lease(lease)
        .message::<Stamp>()
}
