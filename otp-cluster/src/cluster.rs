//! `Cluster`: this node's membership of the cluster, as a supervised process.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, LazyLock, Mutex, PoisonError, RwLock, Weak};
use std::time::Duration;

use otp_core::prelude::*;
use otp_core::{Child, ChildSpec, Pid, PubSub, PubSubOptions};
use sqlx::PgPool;
use sqlx::postgres::PgPoolOptions;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::pubsub::{ClusterPubSub, Decoders, Origin, Postgres, Receiver, publish};
use crate::sql::{Sql, create_tables, lease_millis};
use crate::{ClusterConfig, ClusterError, NodeDown, NodeName, NodeUp};

/// A node of the cluster, as a child of a supervision tree (`Cluster(config)` in
/// `supervisor!`). Its process joins the cluster (a heartbeat in the table `otp_nodes` with a
/// lease on the database clock), keeps the list of live nodes, tells the processes that
/// monitor nodes when one comes up or goes down, and runs the cluster's PubSub. Starting it
/// fails with a [`ClusterError`] as the init error when the database cannot be reached, or when
/// another live node has this node's name.
///
/// ```no_run
/// use otp_cluster::{Cluster, ClusterConfig};
/// use otp_core::supervisor;
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClusterConfig::new("postgres://postgres@127.0.0.1/app").node("web-1");
/// let app = supervisor! {
///     strategy: one_for_one,
///     children: [Cluster(config)],
/// };
/// let sup = app.start_link().await?;
/// let cluster = sup.child::<Cluster>("Cluster").await?.ok_or("no cluster")?;
/// println!("{} sees {:?}", cluster.node(), cluster.nodes());
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Cluster;

impl Cluster {
    /// Starts this node's cluster process linked to the calling process, registered under the
    /// config's name.
    pub async fn start_link(config: ClusterConfig) -> Result<ClusterRef, StartError> {
        let name = config.name.clone();
        let server = ClusterServer::options()
            .name(&*name)
            .start_link(config)
            .await?;
        ClusterRef::of(&server.pid()).ok_or(StartError::Init(ExitReason::Normal))
    }

    /// Starts this node's cluster process without a link.
    pub async fn start(config: ClusterConfig) -> Result<ClusterRef, StartError> {
        let name = config.name.clone();
        let server = ClusterServer::options().name(&*name).start(config).await?;
        ClusterRef::of(&server.pid()).ok_or(StartError::Init(ExitReason::Normal))
    }
}

impl Child for Cluster {
    type Args = ClusterConfig;
    type Handle = ClusterRef;

    fn child_spec(config: ClusterConfig) -> ChildSpec {
        ChildSpec::from_fn("Cluster", move |name: Option<Arc<str>>| {
            let config = config.clone();
            async move {
                let name = name.unwrap_or_else(|| config.name.clone());
                let server = ClusterServer::options()
                    .name(&*name)
                    .start_link(config)
                    .await?;
                Ok(server.pid())
            }
        })
    }

    fn handle(pid: &Pid) -> Option<ClusterRef> {
        ClusterRef::of(pid)
    }
}

/// The running clusters of this OS process, by the pid of their process.
static RUNNING: LazyLock<Mutex<HashMap<u64, Weak<Shared>>>> = LazyLock::new(Mutex::default);

/// What this node's cluster process and its handles share.
pub(crate) struct Shared {
    pub(crate) pid: Pid,
    pub(crate) node: NodeName,
    pub(crate) incarnation: i64,
    pub(crate) lease: Duration,
    pub(crate) pool: PgPool,
    pub(crate) sql: Arc<Sql>,
    nodes: RwLock<BTreeSet<NodeName>>,
    monitors: Mutex<Vec<Pid>>,
    pubsub: ClusterPubSub,
}

/// A handle on this node's cluster process: the node's name, the live nodes, node monitoring,
/// the cluster PubSub, where a singleton runs.
#[derive(Clone)]
pub struct ClusterRef {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for ClusterRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterRef")
            .field("node", &self.shared.node)
            .field("pid", &self.shared.pid)
            .finish_non_exhaustive()
    }
}

impl ClusterRef {
    fn of(pid: &Pid) -> Option<Self> {
        let running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
        let shared = running.get(&pid.id())?.upgrade()?;
        pid.is_alive().then_some(ClusterRef { shared })
    }

    /// The cluster process registered under `name` on this node
    /// ([`DEFAULT_CLUSTER_NAME`](crate::DEFAULT_CLUSTER_NAME) unless configured otherwise).
    #[must_use]
    pub fn whereis(name: &str) -> Option<Self> {
        ClusterRef::of(&otp_core::whereis(name)?)
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// The cluster process's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.shared.pid.clone()
    }

    /// This node's name (`Node.self/0`).
    #[must_use]
    pub fn node(&self) -> NodeName {
        self.shared.node.clone()
    }

    /// The other live nodes, by name (`Node.list/0`: this node is not in it), as of the last
    /// heartbeat.
    #[must_use]
    pub fn nodes(&self) -> Vec<NodeName> {
        let nodes = self
            .shared
            .nodes
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        nodes.iter().cloned().collect()
    }

    /// Sends `pid` a [`NodeUp`] info message when a node joins and a [`NodeDown`] when one
    /// leaves or misses its lease, until `pid` exits (`:net_kernel.monitor_nodes(true)`). Nodes
    /// already up are not announced: read them with [`nodes`](Self::nodes).
    pub fn monitor_nodes(&self, pid: &Pid) {
        let mut monitors = self
            .shared
            .monitors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        monitors.retain(Pid::is_alive);
        if !monitors.contains(pid) {
            monitors.push(pid.clone());
        }
    }

    /// Stops sending `pid` node events.
    pub fn demonitor_nodes(&self, pid: &Pid) {
        let mut monitors = self
            .shared
            .monitors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        monitors.retain(|monitor| monitor != pid && monitor.is_alive());
    }

    /// The cluster's PubSub: `broadcast` and `broadcast_from` reach the subscribers of every
    /// node, `local_broadcast` this node's (see [`Postgres`]).
    #[must_use]
    pub fn pubsub(&self) -> ClusterPubSub {
        self.shared.pubsub.clone()
    }

    /// The node that runs the singleton named `name`, if one holds its lease (see
    /// [`Singleton`](crate::Singleton)).
    pub async fn singleton_node(&self, name: &str) -> Result<Option<NodeName>, ClusterError> {
        let node: Option<String> = sqlx::query_scalar(&self.shared.sql.singleton_owner)
            .bind(name)
            .fetch_optional(&self.shared.pool)
            .await?;
        Ok(node.map(NodeName::from))
    }

    /// Stops the cluster process: the node leaves (its row is deleted, so the other nodes see
    /// it down at their next heartbeat).
    pub async fn stop(&self) -> Result<(), CallError> {
        let server = otp_core::ServerRef::<ClusterServer>::from_pid(&self.shared.pid)
            .ok_or(CallError::NoProc)?;
        server.stop(ExitReason::Shutdown).await
    }
}

/// A number that tells this run of a node or a singleton from any other.
pub(crate) fn incarnation() -> i64 {
    use std::hash::{BuildHasher, Hash, Hasher};
    let mut hasher = std::hash::RandomState::new().build_hasher();
    std::process::id().hash(&mut hasher);
    std::time::SystemTime::now().hash(&mut hasher);
    #[allow(clippy::cast_possible_wrap)] // any 64 bits will do
    let value = hasher.finish() as i64;
    value
}

/// A task aborted when its owner is dropped (the cluster process's state, even on `kill`).
struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// The cluster process.
pub(crate) struct ClusterServer {
    shared: Arc<Shared>,
    tasks: Vec<AbortOnDrop>,
}

#[genserver]
impl ClusterServer {
    #[init]
    async fn init(config: ClusterConfig, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        config.validate()?;
        let lease = config.lease;
        let pool = PgPoolOptions::new()
            .max_connections(4)
            .acquire_timeout(lease.max(Duration::from_secs(1)))
            .connect(&config.url)
            .await
            .map_err(ClusterError::from)?;
        create_tables(&pool, &config.schema)
            .await
            .map_err(ClusterError::from)?;
        let sql = Arc::new(Sql::new(&config.schema));
        let node = NodeName::from(config.node.clone().unwrap_or_else(generated_name));
        let incarnation = incarnation();
        let joined: Option<String> = sqlx::query_scalar(&sql.node_heartbeat)
            .bind(node.as_str())
            .bind(incarnation)
            .bind(lease_millis(lease))
            .fetch_optional(&pool)
            .await
            .map_err(ClusterError::from)?;
        if joined.is_none() {
            return Err(ClusterError::NodeNameTaken(node.to_string()).into());
        }

        let mut local_options = PubSubOptions::default();
        if let Some(name) = &config.pubsub_name {
            local_options = local_options.name(name.clone());
        }
        let local = PubSub::start_link(local_options).await?;
        let decoders = Arc::new(Decoders::default());
        for entry in &config.messages {
            decoders.add(*entry);
        }
        let (outbox, outbox_rx) = mpsc::unbounded_channel();
        let pubsub = local
            .clone()
            .with_adapter(Postgres::new(outbox, decoders.clone()));
        let origin = Origin {
            node: node.clone(),
            incarnation,
            pool: pool.clone(),
            sql: sql.clone(),
        };
        let receiver = Receiver::new(origin.clone(), config.url.clone(), local, decoders);
        let listener = receiver.connect().await.map_err(ClusterError::from)?;

        let shared = Arc::new(Shared {
            pid: ctx.pid().clone(),
            node,
            incarnation,
            lease,
            pool,
            sql,
            nodes: RwLock::default(),
            monitors: Mutex::default(),
            pubsub,
        });
        // The first list of nodes, before start returns, without events.
        if let Ok(nodes) = list_nodes(&shared).await {
            *shared.nodes.write().unwrap_or_else(PoisonError::into_inner) = nodes;
        }
        {
            let mut running = RUNNING.lock().unwrap_or_else(PoisonError::into_inner);
            running.retain(|_, shared| shared.strong_count() > 0);
            running.insert(ctx.pid().id(), Arc::downgrade(&shared));
        }
        let tasks = vec![
            AbortOnDrop(tokio::spawn(publish(origin, outbox_rx))),
            AbortOnDrop(tokio::spawn(receiver.run(listener))),
            AbortOnDrop(tokio::spawn(heartbeat(shared.clone()))),
        ];
        tracing::info!(node = %shared.node, "joined the cluster");
        Ok(ClusterServer { shared, tasks })
    }

    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        self.tasks.clear();
        let left = sqlx::query(&self.shared.sql.node_leave)
            .bind(self.shared.node.as_str())
            .bind(self.shared.incarnation)
            .execute(&self.shared.pool);
        if let Ok(Err(error)) = tokio::time::timeout(self.shared.lease, left).await {
            tracing::warn!(%error, node = %self.shared.node,
                "could not leave the cluster; the other nodes see this node down when its lease ends");
        }
        RUNNING
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.shared.pid.id());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::debug!(?msg, "cluster process: unexpected message");
    }
}

/// `node-<os pid>-<random>`.
fn generated_name() -> String {
    format!(
        "node-{}-{:08x}",
        std::process::id(),
        incarnation() & 0xffff_ffff
    )
}

async fn list_nodes(shared: &Shared) -> Result<BTreeSet<NodeName>, sqlx::Error> {
    let names: Vec<String> = sqlx::query_scalar(&shared.sql.node_list)
        .bind(shared.node.as_str())
        .fetch_all(&shared.pool)
        .await?;
    Ok(names.into_iter().map(NodeName::from).collect())
}

/// One heartbeat: renews this node's lease, reads the live nodes.
async fn beat(shared: &Shared, cleanup: bool) -> Result<BTreeSet<NodeName>, ClusterError> {
    let renewed: Option<String> = sqlx::query_scalar(&shared.sql.node_heartbeat)
        .bind(shared.node.as_str())
        .bind(shared.incarnation)
        .bind(lease_millis(shared.lease))
        .fetch_optional(&shared.pool)
        .await?;
    if renewed.is_none() {
        return Err(ClusterError::NodeNameTaken(shared.node.to_string()));
    }
    if cleanup {
        sqlx::query(&shared.sql.node_cleanup)
            .execute(&shared.pool)
            .await?;
        sqlx::query(&shared.sql.payload_cleanup)
            .execute(&shared.pool)
            .await?;
    }
    Ok(list_nodes(shared).await?)
}

/// The heartbeat task: every quarter lease, renews the lease and sends node events.
async fn heartbeat(shared: Arc<Shared>) {
    let every = shared.lease / 4;
    let mut ticks = tokio::time::interval(every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut failing = false;
    let mut count = 0_u64;
    loop {
        ticks.tick().await;
        count += 1;
        match tokio::time::timeout(
            every.max(Duration::from_millis(200)),
            beat(&shared, count.is_multiple_of(240)),
        )
        .await
        {
            Ok(Ok(nodes)) => {
                if failing {
                    failing = false;
                    tracing::info!(node = %shared.node, "heartbeats reach the database again");
                }
                update_nodes(&shared, nodes);
            }
            Ok(Err(error)) => {
                if !failing {
                    failing = true;
                    tracing::warn!(%error, node = %shared.node, "heartbeat failed; retrying");
                }
            }
            Err(_elapsed) => {
                if !failing {
                    failing = true;
                    tracing::warn!(node = %shared.node, "heartbeat timed out; retrying");
                }
            }
        }
    }
}

fn update_nodes(shared: &Shared, nodes: BTreeSet<NodeName>) {
    let (up, down): (Vec<NodeName>, Vec<NodeName>) = {
        let mut known = shared.nodes.write().unwrap_or_else(PoisonError::into_inner);
        let up = nodes.difference(&known).cloned().collect();
        let down = known.difference(&nodes).cloned().collect();
        *known = nodes;
        (up, down)
    };
    if up.is_empty() && down.is_empty() {
        return;
    }
    let mut monitors = shared
        .monitors
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    monitors.retain(Pid::is_alive);
    for node in up {
        tracing::info!(node = %shared.node, up = %node, "node up");
        for monitor in monitors.iter() {
            monitor.send(NodeUp(node.clone()));
        }
    }
    for node in down {
        tracing::info!(node = %shared.node, down = %node, "node down");
        for monitor in monitors.iter() {
            monitor.send(NodeDown(node.clone()));
        }
    }
}
