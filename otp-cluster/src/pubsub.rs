//! The PostgreSQL PubSub adapter: broadcasts cross nodes through `LISTEN/NOTIFY`.
//!
//! [`ClusterRef::pubsub`](crate::ClusterRef::pubsub) is the cluster's PubSub, a
//! [`PubSubRef<Postgres>`](otp_core::PubSubRef): `broadcast` and `broadcast_from` deliver to
//! this node's subscribers at once, then queue the message, serialized as JSON, for one
//! publishing task that sends it with `pg_notify` on the cluster's channel; every other node
//! listens on that channel and hands what it receives to its own subscribers with
//! `local_broadcast`. `local_broadcast` never leaves the node.
//!
//! - **At most once.** A message sent while the database is unreachable, or while a node's
//!   listening connection is down, is lost for the nodes that did not receive it. A node that
//!   lost its listening connection reconnects, listens again, logs a warning, and sends each
//!   of its subscribers a [`MissedBroadcasts`] info message naming its topics.
//! - **Ordered per publisher.** One task per node sends the node's broadcasts in the order they
//!   were made, each with a sequence number; PostgreSQL delivers notifications in commit
//!   order. A receiver that sees a gap in a node's sequence logs a warning.
//! - **Large messages.** `NOTIFY` takes payloads under 8,000 bytes. A larger message is
//!   written to the table `otp_pubsub_payloads` and the notification carries its id; receivers
//!   read it from there, transparently. Rows are deleted after ten minutes.
//! - **Types.** Only serde types cross nodes ([`ClusterMessage`]); broadcasting another type on
//!   the cluster PubSub does not compile. A receiving node decodes by the type's name
//!   (`std::any::type_name`), so nodes must run builds that agree on the message types, and
//!   know each type they receive: the ones they broadcast, and those declared with
//!   [`ClusterConfig::message`](crate::ClusterConfig::message).

use std::any::type_name;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use otp_core::{PubSubAdapter, PubSubRef};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use sqlx::postgres::PgListener;
use tokio::sync::mpsc;

use crate::NodeName;
use crate::sql::Sql;

/// A message that may cross nodes: a serde type that can be sent to a process. Implemented for
/// every `Serialize + DeserializeOwned + Clone + Send + 'static` type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot cross nodes",
    label = "not a message that can cross nodes",
    note = "a message that crosses nodes is serialized: derive `serde::Serialize` and `serde::Deserialize` for `{Self}` (it must also be `Clone + Send + 'static`)"
)]
pub trait ClusterMessage: Serialize + DeserializeOwned + Clone + Send + 'static {}

impl<M: Serialize + DeserializeOwned + Clone + Send + 'static> ClusterMessage for M {}

/// Sent to each subscriber of the cluster PubSub on this node after its listening connection
/// came back: broadcasts from other nodes on `topics` in the meantime were not delivered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MissedBroadcasts {
    /// The topics the subscriber is subscribed to.
    pub topics: Vec<String>,
    /// How long the node was not listening.
    pub disconnected_for: Duration,
}

/// Decodes a message body of one type and delivers it to this node's subscribers.
type DecodeFn = fn(&PubSubRef, &str, &str) -> Result<usize, serde_json::Error>;

/// A message type a node can decode: its name and its decoder.
#[derive(Clone, Copy)]
pub(crate) struct DecodeEntry {
    kind: &'static str,
    decode: DecodeFn,
}

fn decode_and_deliver<M: ClusterMessage>(
    local: &PubSubRef,
    topic: &str,
    body: &str,
) -> Result<usize, serde_json::Error> {
    let message: M = serde_json::from_str(body)?;
    Ok(local.local_broadcast(topic, message))
}

pub(crate) fn decode_entry<M: ClusterMessage>() -> DecodeEntry {
    DecodeEntry {
        kind: type_name::<M>(),
        decode: decode_and_deliver::<M>,
    }
}

/// The message types this node knows, by name.
#[derive(Default)]
pub(crate) struct Decoders(RwLock<HashMap<&'static str, DecodeFn>>);

impl Decoders {
    pub(crate) fn add(&self, entry: DecodeEntry) {
        let mut decoders = self
            .0
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        decoders.entry(entry.kind).or_insert(entry.decode);
    }

    fn ensure<M: ClusterMessage>(&self) {
        let known = self
            .0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .contains_key(type_name::<M>());
        if !known {
            self.add(decode_entry::<M>());
        }
    }

    fn get(&self, kind: &str) -> Option<DecodeFn> {
        self.0
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(kind)
            .copied()
    }
}

/// A broadcast waiting for the publishing task.
#[derive(Debug)]
pub(crate) struct Outgoing {
    topic: String,
    kind: &'static str,
    body: String,
}

/// The PostgreSQL adapter of the cluster's PubSub (see the [module docs](self)).
#[derive(Clone)]
pub struct Postgres {
    outbox: mpsc::UnboundedSender<Outgoing>,
    decoders: Arc<Decoders>,
}

impl std::fmt::Debug for Postgres {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postgres").finish_non_exhaustive()
    }
}

impl Postgres {
    pub(crate) fn new(outbox: mpsc::UnboundedSender<Outgoing>, decoders: Arc<Decoders>) -> Self {
        Postgres { outbox, decoders }
    }
}

impl<M: ClusterMessage> PubSubAdapter<M> for Postgres {
    fn broadcast(&self, topic: &str, message: &M) {
        self.decoders.ensure::<M>();
        match serde_json::to_string(message) {
            Ok(body) => {
                // The publishing task is gone only while the cluster process stops.
                let _ = self.outbox.send(Outgoing {
                    topic: topic.to_owned(),
                    kind: type_name::<M>(),
                    body,
                });
            }
            Err(error) => tracing::error!(
                %error, topic, kind = type_name::<M>(),
                "a broadcast could not be serialized; other nodes do not receive it"
            ),
        }
    }
}

/// The cluster PubSub's handle type.
pub type ClusterPubSub = PubSubRef<Postgres>;

/// What precedes the body in a notification's payload (one line of JSON).
#[derive(Serialize, Deserialize)]
struct Header {
    /// The publishing node and its incarnation.
    o: String,
    i: i64,
    /// The publisher's sequence number.
    s: u64,
    t: String,
    y: String,
    /// The id of the row holding the body, for a large message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    r: Option<i64>,
}

/// A notification payload must be shorter than 8,000 bytes; past this, the body goes through
/// the payload table.
const NOTIFY_LIMIT: usize = 7_900;
/// At most this many broadcasts go in one `pg_notify` statement.
const BATCH: usize = 256;

/// Who this node is, to the PubSub tasks.
#[derive(Clone)]
pub(crate) struct Origin {
    pub(crate) node: NodeName,
    pub(crate) incarnation: i64,
    pub(crate) pool: PgPool,
    pub(crate) sql: Arc<Sql>,
}

/// The publishing task: sends the queued broadcasts in order, in batches.
pub(crate) async fn publish(origin: Origin, mut outbox: mpsc::UnboundedReceiver<Outgoing>) {
    let mut sequence = 0_u64;
    let mut batch = Vec::with_capacity(BATCH);
    let mut failing = false;
    while outbox.recv_many(&mut batch, BATCH).await > 0 {
        let mut payloads = Vec::with_capacity(batch.len());
        for outgoing in batch.drain(..) {
            sequence += 1;
            match payload(&origin, sequence, outgoing).await {
                Ok(payload) => payloads.push(payload),
                Err(error) => {
                    tracing::warn!(%error, "a large broadcast could not be stored; other nodes do not receive it");
                }
            }
        }
        let sent = sqlx::query(
            "SELECT pg_notify($1, p) FROM \
             (SELECT p FROM unnest($2::text[]) WITH ORDINALITY AS u(p, i) ORDER BY i) AS o",
        )
        .bind(&origin.sql.channel)
        .bind(&payloads)
        .execute(&origin.pool)
        .await;
        let mut dropped = 0_usize;
        if sent.is_err() {
            // At most once: what queued up while this batch failed is dropped with it, so that
            // a long outage does not pile broadcasts up in memory.
            while outbox.try_recv().is_ok() {
                dropped += 1;
            }
        }
        match sent {
            Ok(_) if failing => {
                failing = false;
                tracing::info!(node = %origin.node, "broadcasts reach other nodes again");
            }
            Err(error) if !failing => {
                failing = true;
                tracing::warn!(%error, node = %origin.node, lost = payloads.len() + dropped,
                    "broadcasts could not be sent to other nodes; retrying with the next ones");
            }
            Ok(_) | Err(_) => {}
        }
    }
}

async fn payload(
    origin: &Origin,
    sequence: u64,
    outgoing: Outgoing,
) -> Result<String, sqlx::Error> {
    let mut header = Header {
        o: origin.node.as_str().to_owned(),
        i: origin.incarnation,
        s: sequence,
        t: outgoing.topic,
        y: outgoing.kind.to_owned(),
        r: None,
    };
    let line = serde_json::to_string(&header).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    if line.len() + 1 + outgoing.body.len() < NOTIFY_LIMIT {
        return Ok(line + "\n" + &outgoing.body);
    }
    let id: i64 = sqlx::query_scalar(&origin.sql.payload_insert)
        .bind(&outgoing.body)
        .fetch_one(&origin.pool)
        .await?;
    header.r = Some(id);
    let line = serde_json::to_string(&header).map_err(|e| sqlx::Error::Encode(Box::new(e)))?;
    Ok(line + "\n")
}

/// What the listening task needs.
pub(crate) struct Receiver {
    pub(crate) origin: Origin,
    pub(crate) url: Arc<str>,
    pub(crate) local: PubSubRef,
    pub(crate) decoders: Arc<Decoders>,
    /// The last sequence number seen from each publisher (node, incarnation).
    last_seen: HashMap<(String, i64), u64>,
    unknown_kinds: HashSet<String>,
}

impl Receiver {
    pub(crate) fn new(
        origin: Origin,
        url: Arc<str>,
        local: PubSubRef,
        decoders: Arc<Decoders>,
    ) -> Self {
        Receiver {
            origin,
            url,
            local,
            decoders,
            last_seen: HashMap::new(),
            unknown_kinds: HashSet::new(),
        }
    }

    /// Connects and listens on the cluster's channel.
    pub(crate) async fn connect(&self) -> Result<PgListener, sqlx::Error> {
        let mut listener = PgListener::connect(&self.url).await?;
        listener.eager_reconnect(false);
        listener.listen(&self.origin.sql.channel).await?;
        Ok(listener)
    }

    /// The listening task: delivers what other nodes broadcast; reconnects when the connection
    /// is lost, and tells the subscribers what they may have missed.
    pub(crate) async fn run(mut self, mut listener: PgListener) {
        loop {
            loop {
                match listener.try_recv().await {
                    Ok(Some(notification)) => self.receive(notification.payload()).await,
                    Ok(None) => break,
                    Err(error) => {
                        tracing::debug!(%error, "the listening connection failed");
                        break;
                    }
                }
            }
            drop(listener);
            let lost_at = Instant::now();
            tracing::warn!(node = %self.origin.node,
                "lost the PubSub connection to the database; reconnecting (broadcasts from other nodes are missed meanwhile)");
            listener = self.reconnect().await;
            let disconnected_for = lost_at.elapsed();
            tracing::warn!(node = %self.origin.node, ?disconnected_for,
                "PubSub reconnected and listening again; broadcasts from other nodes in the meantime were missed");
            self.last_seen.clear();
            self.tell_subscribers(disconnected_for);
        }
    }

    async fn reconnect(&self) -> PgListener {
        let mut backoff = Duration::from_millis(50);
        loop {
            tokio::time::sleep(backoff).await;
            match self.connect().await {
                Ok(listener) => return listener,
                Err(error) => {
                    tracing::debug!(%error, "PubSub reconnection failed; retrying");
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
            }
        }
    }

    fn tell_subscribers(&self, disconnected_for: Duration) {
        let mut by_pid: HashMap<u64, (otp_core::Pid, Vec<String>)> = HashMap::new();
        for (topic, pid) in self.local.subscriptions() {
            by_pid
                .entry(pid.id())
                .or_insert_with(|| (pid, Vec::new()))
                .1
                .push(topic);
        }
        for (pid, mut topics) in by_pid.into_values() {
            topics.sort();
            topics.dedup();
            pid.send(MissedBroadcasts {
                topics,
                disconnected_for,
            });
        }
    }

    async fn receive(&mut self, payload: &str) {
        let (line, body) = payload.split_once('\n').unwrap_or((payload, ""));
        let header: Header = match serde_json::from_str(line) {
            Ok(header) => header,
            Err(error) => {
                tracing::warn!(%error, "an unreadable notification on the PubSub channel was dropped");
                return;
            }
        };
        if header.i == self.origin.incarnation && header.o == self.origin.node.as_str() {
            return; // this node's own broadcast, delivered here when it was made
        }
        let last = self
            .last_seen
            .insert((header.o.clone(), header.i), header.s);
        if let Some(last) = last
            && header.s > last + 1
        {
            tracing::warn!(
                from = header.o,
                missed = header.s - last - 1,
                "broadcasts from a node were missed"
            );
        }
        let fetched;
        let body = match header.r {
            None => body,
            Some(id) => {
                let row: Result<Option<String>, _> =
                    sqlx::query_scalar(&self.origin.sql.payload_fetch)
                        .bind(id)
                        .fetch_optional(&self.origin.pool)
                        .await;
                match row {
                    Ok(Some(stored)) => {
                        fetched = stored;
                        &fetched
                    }
                    Ok(None) => {
                        tracing::warn!(
                            from = header.o,
                            topic = header.t,
                            "a large broadcast's payload was already deleted; dropped"
                        );
                        return;
                    }
                    Err(error) => {
                        tracing::warn!(%error, from = header.o, topic = header.t,
                            "a large broadcast's payload could not be read; dropped");
                        return;
                    }
                }
            }
        };
        let Some(decode) = self.decoders.get(&header.y) else {
            if self.unknown_kinds.insert(header.y.clone()) {
                tracing::warn!(
                    kind = header.y,
                    topic = header.t,
                    "a broadcast of a type this node does not know was dropped; declare it with `ClusterConfig::message`"
                );
            }
            return;
        };
        if let Err(error) = decode(&self.local, &header.t, body) {
            tracing::warn!(%error, kind = header.y, topic = header.t,
                "a broadcast from another node could not be decoded; dropped");
        }
    }
}
