//! What the cluster tests share: the database, a schema per test, a probe process that turns
//! the info messages it receives into events a test can wait for.

use std::time::Duration;

use otp_cluster::{ClusterConfig, ClusterPubSub, MissedBroadcasts, NodeDown, NodeUp};
use otp_core::prelude::*;
use serde::{Deserialize, Serialize};
use sqlx::Connection;
use tokio::sync::mpsc;

/// The shared test server; `OTP_CLUSTER_TEST_URL` overrides it.
pub(crate) fn url() -> String {
    std::env::var("OTP_CLUSTER_TEST_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A fresh schema for one test (dropped first if a previous run left it), so tests run in
/// parallel on one database. Fails with a message naming `scripts/ensure-postgres` when no
/// server answers.
pub(crate) async fn fresh_schema(test: &str) -> String {
    let url = url();
    let mut connection = match sqlx::PgConnection::connect(&url).await {
        Ok(connection) => connection,
        Err(error) => panic!(
            "no PostgreSQL server answers at {url} ({error}): the cluster tests need one; \
             run `scripts/ensure-postgres` (or set OTP_CLUSTER_TEST_URL)"
        ),
    };
    let schema = format!("otp_cluster_test_{test}");
    sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{schema}\" CASCADE"))
        .execute(&mut connection)
        .await
        .expect("dropped the test schema");
    schema
}

/// A node's config in `schema`, with a short lease.
pub(crate) fn config(schema: &str, node: &str, lease_ms: u64) -> ClusterConfig {
    ClusterConfig::new(url())
        .schema(schema)
        .node(node)
        .name(cluster_name(schema, node))
        .lease(Duration::from_millis(lease_ms))
        .message::<Chat>()
        .message::<Numbered>()
}

/// A message that crosses nodes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Chat(pub String);

/// A numbered message from one node.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Numbered {
    pub from: String,
    pub n: u64,
}

/// What a probe received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Event {
    Chat(String),
    Numbered(Numbered),
    Up(String),
    Down(String),
    Missed(Vec<String>),
}

/// Forwards the info messages it receives to a channel.
pub(crate) struct Probe {
    events: mpsc::UnboundedSender<Event>,
}

#[genserver]
impl Probe {
    #[handle_info]
    fn chat(&mut self, Chat(text): Chat) {
        let _ = self.events.send(Event::Chat(text));
    }

    #[handle_info]
    fn numbered(&mut self, numbered: Numbered) {
        let _ = self.events.send(Event::Numbered(numbered));
    }

    #[handle_info]
    fn up(&mut self, NodeUp(node): NodeUp) {
        let _ = self.events.send(Event::Up(node.to_string()));
    }

    #[handle_info]
    fn down(&mut self, NodeDown(node): NodeDown) {
        let _ = self.events.send(Event::Down(node.to_string()));
    }

    #[handle_info]
    fn missed(&mut self, missed: MissedBroadcasts) {
        let _ = self.events.send(Event::Missed(missed.topics));
    }

    /// Subscribes the probe to `topic`.
    #[handle_call]
    fn subscribe(&mut self, pubsub: ClusterPubSub, topic: String) -> bool {
        pubsub.subscribe(topic).is_ok()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A probe and the channel of its events.
pub(crate) async fn probe() -> (ProbeRef, mpsc::UnboundedReceiver<Event>) {
    let (events, received) = mpsc::unbounded_channel();
    let probe = Probe::start(Probe { events })
        .await
        .expect("the probe started");
    (probe, received)
}

/// The next event that `keep` accepts, within `within`; others are skipped.
pub(crate) async fn next_matching(
    events: &mut mpsc::UnboundedReceiver<Event>,
    within: Duration,
    mut keep: impl FnMut(&Event) -> bool,
) -> Option<Event> {
    tokio::time::timeout(within, async {
        while let Some(event) = events.recv().await {
            if keep(&event) {
                return Some(event);
            }
        }
        None
    })
    .await
    .ok()
    .flatten()
}

/// Polls `check` every 20 ms until it holds or `within` passes.
pub(crate) async fn eventually<F, Fut>(within: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if check().await {
            return true;
        }
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The registered name of a node's cluster process: unique in the test binary.
pub(crate) fn cluster_name(schema: &str, node: &str) -> String {
    format!("cluster_{schema}_{node}")
}
