//! Nodes, PubSub across nodes, and cluster singletons for `otp-core`, through the PostgreSQL
//! database the nodes already share: no cluster protocol of its own.
//!
//! - **Nodes** ([`Cluster`], a child for `supervisor!`): a node has a name, given or
//!   generated, and joins by pointing at the database. It renews a lease in the table
//!   `otp_nodes` every quarter lease (default lease: [`DEFAULT_LEASE`], 5 s), on the
//!   database clock. [`ClusterRef::nodes`] lists the other live nodes (`Node.list/0`);
//!   [`ClusterRef::monitor_nodes`] sends a process [`NodeUp`] and [`NodeDown`] info messages
//!   (`:net_kernel.monitor_nodes/1`). A node that stops leaves at once; a node that dies
//!   (SIGKILL) or loses the database is seen down when its lease ends: within the lease and a
//!   quarter after its last heartbeat.
//! - **PubSub across nodes** ([`ClusterRef::pubsub`]): otp-core's
//!   [`PubSub`](otp_core::PubSub) with the [`Postgres`] adapter on `LISTEN/NOTIFY`.
//!   `broadcast` and `broadcast_from` reach the subscribers of every node, `local_broadcast`
//!   this node's. At most once, in order per publisher; messages are serde types (anything
//!   else does not compile); payloads over `NOTIFY`'s 8,000 bytes go through a table,
//!   transparently; a node that lost its listening connection reconnects and sends its
//!   subscribers a [`MissedBroadcasts`] info message.
//! - **Singletons** ([`Singleton`]): a child spec wrapped to run on one node of the cluster at
//!   a time, moved to another node within the lease when its node dies.
//!
//! ```no_run
//! use otp_cluster::{Cluster, ClusterConfig, ClusterRef, NodeDown, NodeUp};
//! use otp_core::prelude::*;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Clone, Debug, Serialize, Deserialize)]
//! struct Chat { from: String, text: String }
//!
//! struct Room;
//!
//! #[genserver]
//! impl Room {
//!     #[init]
//!     fn init(cluster: ClusterRef, ctx: &mut Context<Self>) -> Result<Self, InitError> {
//!         cluster.pubsub().subscribe("lobby")?;
//!         cluster.monitor_nodes(ctx.pid());
//!         Ok(Room)
//!     }
//!
//!     #[handle_info]
//!     fn chat(&mut self, chat: Chat) { println!("{}: {}", chat.from, chat.text); }
//!
//!     #[handle_info]
//!     fn node_up(&mut self, NodeUp(node): NodeUp) { println!("{node} joined"); }
//!
//!     #[handle_info]
//!     fn node_down(&mut self, NodeDown(node): NodeDown) { println!("{node} left"); }
//!
//!     #[handle_info(catch_all)]
//!     fn unexpected(&mut self, _msg: AnyMessage) {}
//! }
//!
//! # #[tokio::main]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let config = ClusterConfig::new("postgres://postgres@127.0.0.1/app");
//! let cluster = Cluster::start_link(config).await?;
//! Room::start(cluster.clone()).await?;
//! // Every node's subscribers of "lobby" receive it.
//! cluster.pubsub().broadcast("lobby", Chat { from: "web-1".into(), text: "hello".into() });
//! # Ok(())
//! # }
//! ```
//!
//! A type that is not serde does not compile on the cluster PubSub (and compiles with
//! `local_broadcast`):
//!
//! ```compile_fail
//! # async fn f(cluster: otp_cluster::ClusterRef) {
//! #[derive(Clone)]
//! struct NotSerde;
//! // error: `NotSerde` cannot be broadcast to other nodes through `Postgres`
//! cluster.pubsub().broadcast("lobby", NotSerde);
//! # }
//! ```
//!
//! # The tables
//!
//! In the configured schema (default `otp_cluster`, created if missing): `otp_nodes` (a row per
//! node: its lease), `otp_singletons` (a row per singleton: its owner and lease),
//! `otp_pubsub_payloads` (large broadcasts, kept ten minutes). The `NOTIFY` channel is
//! `<schema>_pubsub`.
//!
//! # Not built yet
//!
//! Remote calls to a process on another node and a cluster-wide registry. Both would go
//! through an existing engine rather than a protocol of our own: PostgreSQL could carry a
//! registry as a table of (name, node, incarnation) rows with the node leases above deciding
//! liveness, at a database round trip per registration and lookup (a local cache kept fresh by
//! `NOTIFY` would make lookups free); a call would be a `NOTIFY` to the owning node and a reply
//! on a per-node channel, two round trips through the database and an 8,000-byte limit, fine
//! for control messages, not for a hot path. NATS would carry both with request/reply and
//! sub-millisecond latency, at the cost of one more service to run; Redis sits between the two.
//! The choice is to be made by measuring a call's latency and throughput on each.

mod cluster;
mod config;
mod error;
mod node_name;
pub mod pubsub;
mod singleton;
mod sql;

pub use cluster::{Cluster, ClusterRef};
pub use config::{ClusterConfig, DEFAULT_CLUSTER_NAME, DEFAULT_LEASE};
pub use error::ClusterError;
pub use node_name::{NodeDown, NodeName, NodeUp};
pub use pubsub::{ClusterMessage, ClusterPubSub, MissedBroadcasts, Postgres};
pub use singleton::{Singleton, SingletonRef};
