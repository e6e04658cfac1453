//! Measurements with every node in this OS process, each a `Cluster` with its own
//! connections, and the in-process references.

use std::time::{Duration, Instant};

use otp_benches::jobs::BoxError;
use otp_benches::jobs::database::server_url;
use otp_cluster::{Cluster, ClusterRef, DEFAULT_LEASE};
use otp_core::prelude::*;
use otp_core::{PubSub, PubSubOptions};
use tokio::sync::mpsc;

use crate::Sizes;
use crate::common::{
    Delivery, PACE, Stamp, SubscriberRef, TOPIC, WARMUP, collect, config, connect, drop_schema,
    fresh_schema, latencies, now_ns, paced, subscriber,
};

/// `count` nodes in this OS process, each with a subscriber of [`TOPIC`] when `subscribed`
/// says so; their deliveries on one channel.
struct InProcess {
    clusters: Vec<ClusterRef>,
    subscribers: Vec<SubscriberRef>,
    deliveries: mpsc::UnboundedReceiver<Delivery>,
}

impl InProcess {
    async fn start(
        schema: &str,
        count: u32,
        subscribed: fn(u32) -> bool,
    ) -> Result<Self, BoxError> {
        let (sender, deliveries) = mpsc::unbounded_channel();
        let mut clusters = Vec::new();
        let mut subscribers = Vec::new();
        for node in 0..count {
            // `start` returns once the node listens on the PubSub channel.
            let cluster =
                Cluster::start(config(schema, &format!("n{node}"), DEFAULT_LEASE)).await?;
            if subscribed(node) {
                subscribers
                    .push(subscriber(node, cluster.pubsub().to_local(), sender.clone()).await?);
            }
            clusters.push(cluster);
        }
        Ok(InProcess {
            clusters,
            subscribers,
            deliveries,
        })
    }

    async fn stop(self) {
        for subscriber in self.subscribers {
            let _ = subscriber.stop(ExitReason::Shutdown).await;
        }
        for cluster in self.clusters {
            let _ = cluster.stop().await;
        }
    }
}

/// Reference: otp-core's local `PubSub`, two subscribers in this process.
pub(crate) async fn latency_local(sizes: Sizes) -> Result<Vec<u64>, BoxError> {
    let pubsub = PubSub::start(PubSubOptions::default()).await?;
    let (sender, mut deliveries) = mpsc::unbounded_channel();
    let first = subscriber(1, pubsub.clone(), sender.clone()).await?;
    let second = subscriber(2, pubsub.clone(), sender).await?;
    let total = WARMUP + sizes.latency;
    let publisher = tokio::spawn(paced(total, move |seq| {
        pubsub.broadcast(TOPIC, Stamp::now(0, seq, ""));
    }));
    let received = collect(&mut deliveries, 2 * total, Duration::from_mins(1), |_| true).await;
    publisher.await?;
    let _ = first.stop(ExitReason::Shutdown).await;
    let _ = second.stop(ExitReason::Shutdown).await;
    Ok(latencies(&received?))
}

/// Reference: `pg_notify` on one connection to a `PgListener` on each of two others, bare sqlx.
pub(crate) async fn latency_bare_notify(sizes: Sizes) -> Result<Vec<u64>, BoxError> {
    let channel = format!("otp_cluster_bench_{}_raw", std::process::id());
    let pool = connect().await?;
    let (sender, mut deliveries) = mpsc::unbounded_channel();
    let mut listening = Vec::new();
    // Two listening connections, as the two receiving nodes have.
    for node in 1..=2 {
        let mut listener = sqlx::postgres::PgListener::connect(&server_url()).await?;
        listener.listen(&channel).await?;
        let sender = sender.clone();
        listening.push(tokio::spawn(async move {
            while let Ok(notification) = listener.recv().await {
                let at = now_ns();
                let Some((seq, sent)) = notification.payload().split_once(' ') else {
                    continue;
                };
                let (Ok(seq), Ok(sent)) = (seq.parse::<u64>(), sent.parse::<u64>()) else {
                    continue;
                };
                let delivery = Delivery {
                    node,
                    from: 0,
                    seq,
                    latency_ns: at.saturating_sub(sent),
                };
                if sender.send(delivery).is_err() {
                    break;
                }
            }
        }));
    }
    let total = WARMUP + sizes.latency;
    let mut ticks = tokio::time::interval(PACE);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    for seq in 0..total {
        ticks.tick().await;
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&channel)
            .bind(format!("{seq} {}", now_ns()))
            .execute(&pool)
            .await?;
    }
    let received = collect(&mut deliveries, 2 * total, Duration::from_mins(1), |_| true).await;
    for task in listening {
        task.abort();
    }
    pool.close().await;
    Ok(latencies(&received?))
}

/// Three nodes in this process: node 0 broadcasts, the subscribers of nodes 1 and 2 receive.
pub(crate) async fn latency_in_process(sizes: Sizes) -> Result<Vec<u64>, BoxError> {
    let schema = fresh_schema("lat").await?;
    let mut nodes = InProcess::start(&schema, 3, |node| node > 0).await?;
    let pubsub = nodes.clusters[0].pubsub();
    let total = WARMUP + sizes.latency;
    let publisher = tokio::spawn(paced(total, move |seq| {
        pubsub.broadcast(TOPIC, Stamp::now(0, seq, ""));
    }));
    let received = collect(
        &mut nodes.deliveries,
        2 * total,
        Duration::from_mins(1),
        Delivery::crossed_nodes,
    )
    .await;
    publisher.await?;
    nodes.stop().await;
    drop_schema(&schema).await?;
    Ok(latencies(&received?))
}

/// Deliveries per second across nodes: three nodes in this process, each with a subscriber;
/// `publishers` of them broadcast `total` broadcasts together (padded with `pad` bytes) as fast
/// as `broadcast` queues them; the time until the last crossed to the two other nodes.
pub(crate) async fn throughput(
    publishers: u32,
    total: u64,
    pad: usize,
) -> Result<(f64, u64), BoxError> {
    let schema = fresh_schema(&format!("tput{publishers}_{pad}")).await?;
    let mut nodes = InProcess::start(&schema, 3, |_| true).await?;
    let pad = "x".repeat(pad);
    let per_publisher = total / u64::from(publishers);
    let mut round = async |first_seq: u64, count: u64| -> Result<Duration, BoxError> {
        let started = Instant::now();
        let mut tasks = Vec::new();
        for node in 0..publishers {
            let pubsub = nodes.clusters[node as usize].pubsub();
            let pad = pad.clone();
            tasks.push(tokio::spawn(async move {
                for seq in first_seq..first_seq + count {
                    pubsub.broadcast(TOPIC, Stamp::now(node, seq, &pad));
                }
            }));
        }
        for task in tasks {
            task.await?;
        }
        let expected = 2 * count * u64::from(publishers);
        let within = Duration::from_mins(2);
        collect(
            &mut nodes.deliveries,
            expected,
            within,
            Delivery::crossed_nodes,
        )
        .await?;
        Ok(started.elapsed())
    };
    let measured = async {
        round(0, WARMUP).await?;
        round(WARMUP, per_publisher).await
    }
    .await;
    nodes.stop().await;
    drop_schema(&schema).await?;
    let delivered = 2 * per_publisher * u64::from(publishers);
    Ok((per_second(delivered, measured?), delivered))
}

#[allow(clippy::cast_precision_loss)] // counts far below 2^52
fn per_second(count: u64, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}
