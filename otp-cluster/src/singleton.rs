//! `Singleton`: a child that runs on exactly one node of the cluster at a time.

use std::sync::Arc;
use std::time::{Duration, Instant};

use otp_core::prelude::*;
use otp_core::{Child, ChildSpec, ChildType, Pid, Strategy, SupervisorRef, SupervisorSpec};

use crate::cluster::{Shared, incarnation};
use crate::sql::lease_millis;
use crate::{ClusterError, ClusterRef, DEFAULT_CLUSTER_NAME, NodeName};

/// Wraps a child spec so that its child runs on one node of the cluster at a time (a global
/// singleton, as `:global` names or Highlander give).
///
/// Every node lists the same `Singleton` in its tree, after its [`Cluster`](crate::Cluster).
/// Each runs a small process that contends for a lease row in the table `otp_singletons`
/// (on the database clock); the node that holds the lease starts the child under a
/// one-for-one supervisor of its own, which restarts it as its spec says, and renews the
/// lease every quarter of it. The others try to take the lease every quarter of it.
///
/// - When the owning node stops its singleton (an orderly shutdown), the child is stopped
///   first, then the lease released: another node starts it within a quarter lease.
/// - When the owning node dies or loses the database, its lease runs out and another node
///   starts the child within the lease and a quarter after its last renewal.
/// - The owner stops its child at once (`kill`) when it cannot renew its lease before the
///   lease would end, or finds that it lost it: the child never runs on two nodes at once,
///   even across a database restart, given that clocks run at the same rate (the lease is on
///   the database clock; each node measures from the moment it sent its last renewal).
/// - The name in the cluster is the spec's id unless [`name`](Self::name) sets another.
///
/// ```no_run
/// use otp_cluster::{Cluster, ClusterConfig, Singleton};
/// use otp_core::prelude::*;
/// use otp_core::{ChildSpec, supervisor};
///
/// #[derive(Clone)]
/// struct Cron;
///
/// #[genserver]
/// impl Cron {
///     #[handle_info(catch_all)]
///     fn unexpected(&mut self, _msg: AnyMessage) {}
/// }
///
/// # #[tokio::main]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = ClusterConfig::new("postgres://postgres@127.0.0.1/app");
/// let sup = supervisor! {
///     strategy: one_for_one,
///     children: [
///         Cluster(config),
///         Singleton(Singleton::new(ChildSpec::of::<Cron>(Cron))),
///     ],
/// }
/// .start_link()
/// .await?;
/// let cron = sup.child::<Singleton>("Cron").await?.ok_or("no singleton")?;
/// // On the node that runs it, its handle; on every node, where it runs.
/// let here: Option<CronRef> = cron.local::<Cron>().await?;
/// let node = cron.node().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Singleton {
    spec: ChildSpec,
    name: Option<String>,
    cluster: Arc<str>,
}

impl Singleton {
    /// The singleton of `spec`'s child, in the cluster registered under
    /// [`DEFAULT_CLUSTER_NAME`].
    #[must_use]
    pub fn new(spec: ChildSpec) -> Self {
        Singleton {
            spec,
            name: None,
            cluster: DEFAULT_CLUSTER_NAME.into(),
        }
    }

    /// Its name in the cluster (default: the spec's id).
    #[must_use]
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The cluster process it belongs to, by its registered name (see
    /// [`ClusterConfig::name`](crate::ClusterConfig::name)).
    #[must_use]
    pub fn cluster(mut self, cluster: impl Into<Arc<str>>) -> Self {
        self.cluster = cluster.into();
        self
    }

    fn cluster_name(&self) -> String {
        self.name
            .clone()
            .unwrap_or_else(|| self.spec.id().to_owned())
    }
}

impl Child for Singleton {
    type Args = Singleton;
    type Handle = SingletonRef;

    /// The singleton process's spec: the wrapped spec's id and restart type, a supervisor
    /// (it supervises the child where it runs).
    fn child_spec(singleton: Singleton) -> ChildSpec {
        let id = singleton.spec.id().to_owned();
        let restart = singleton.spec.restart();
        ChildSpec::from_fn(id, move |name: Option<Arc<str>>| {
            let singleton = singleton.clone();
            async move {
                let mut options = SingletonServer::options();
                if let Some(name) = name {
                    options = options.name(&*name);
                }
                Ok(options.start_link(singleton).await?.pid())
            }
        })
        .with_child_type(ChildType::Supervisor)
        .with_restart(restart)
    }

    fn handle(pid: &Pid) -> Option<SingletonRef> {
        otp_core::ServerRef::<SingletonServer>::from_pid(pid).map(|server| SingletonRef {
            server: server.into(),
        })
    }
}

/// A handle on this node's singleton process: the child's handle when it runs here, the node
/// that runs it.
#[derive(Clone, Debug)]
pub struct SingletonRef {
    server: SingletonServerRef,
}

impl SingletonRef {
    /// The singleton process's pid.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.server.pid()
    }

    /// The pid of the child if it runs on this node.
    pub async fn local_pid(&self) -> Result<Option<Pid>, CallError> {
        let (supervisor, id) = self.server.running().await?;
        match supervisor {
            Some(supervisor) => supervisor.child_pid(&id).await,
            None => Ok(None),
        }
    }

    /// The typed handle of the child (`C` is its type) if it runs on this node.
    pub async fn local<C: Child>(&self) -> Result<Option<C::Handle>, CallError> {
        let (supervisor, id) = self.server.running().await?;
        match supervisor {
            Some(supervisor) => supervisor.child::<C>(&id).await,
            None => Ok(None),
        }
    }

    /// The node that runs the child, as the cluster's table says (`None` between an owner's
    /// end and the next one's start).
    pub async fn node(&self) -> Result<Option<NodeName>, ClusterError> {
        let (cluster, name) = self
            .server
            .lookup()
            .await
            .map_err(|_| ClusterError::NotRunning("singleton".into()))?;
        cluster.singleton_node(&name).await
    }
}

/// The singleton process's timer.
struct Tick;

/// Where this node stands.
enum Role {
    Follower,
    /// Runs the child under `supervisor`; must stop it by `deadline` unless renewed.
    Owner {
        supervisor: SupervisorRef,
        deadline: Instant,
    },
}

/// The singleton process of one node.
pub(crate) struct SingletonServer {
    singleton: Singleton,
    name: String,
    cluster: ClusterRef,
    incarnation: i64,
    role: Role,
}

impl SingletonServer {
    fn shared(&self) -> &Shared {
        self.cluster.shared()
    }

    /// The owner stops its child this long before its lease would end.
    fn margin(&self) -> Duration {
        self.shared().lease / 10
    }

    async fn try_acquire(&self) -> Result<bool, sqlx::Error> {
        let shared = self.shared();
        let row: Option<String> = sqlx::query_scalar(&shared.sql.singleton_acquire)
            .bind(&self.name)
            .bind(shared.node.as_str())
            .bind(self.incarnation)
            .bind(lease_millis(shared.lease))
            .fetch_optional(&shared.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn renew(&self) -> Result<bool, sqlx::Error> {
        let shared = self.shared();
        let row: Option<String> = sqlx::query_scalar(&shared.sql.singleton_renew)
            .bind(&self.name)
            .bind(shared.node.as_str())
            .bind(self.incarnation)
            .bind(lease_millis(shared.lease))
            .fetch_optional(&shared.pool)
            .await?;
        Ok(row.is_some())
    }

    async fn release(&self) {
        let shared = self.shared();
        let released = sqlx::query(&shared.sql.singleton_release)
            .bind(&self.name)
            .bind(shared.node.as_str())
            .bind(self.incarnation)
            .execute(&shared.pool);
        if let Ok(Err(error)) = tokio::time::timeout(shared.lease, released).await {
            tracing::warn!(%error, singleton = self.name,
                "could not release the singleton's lease; another node takes it when it ends");
        }
    }

    /// Stops the child at once: the lease is lost or about to be.
    fn abandon(&mut self, why: &str) {
        if let Role::Owner { supervisor, .. } = std::mem::replace(&mut self.role, Role::Follower) {
            tracing::warn!(singleton = self.name, node = %self.shared().node, why,
                "singleton stopped on this node: its lease is lost");
            supervisor.pid().kill();
        }
    }

    async fn follow(&mut self, ctx: &mut Context<Self>) {
        let every = self.shared().lease / 4;
        let sent = Instant::now();
        match tokio::time::timeout(every, self.try_acquire()).await {
            Ok(Ok(true)) => {
                let deadline = sent + self.shared().lease;
                let spec =
                    SupervisorSpec::new(Strategy::OneForOne).child(self.singleton.spec.clone());
                match spec.start_link().await {
                    Ok(supervisor) => {
                        tracing::info!(singleton = self.name, node = %self.shared().node,
                            "singleton started on this node");
                        self.role = Role::Owner {
                            supervisor,
                            deadline,
                        };
                    }
                    Err(error) => {
                        tracing::error!(%error, singleton = self.name, "singleton failed to start");
                        self.release().await;
                        ctx.stop(ExitReason::error(error));
                    }
                }
            }
            Ok(Ok(false)) => {}
            Ok(Err(error)) => {
                tracing::debug!(%error, singleton = self.name, "could not try the singleton's lease");
            }
            Err(_elapsed) => {}
        }
    }

    async fn keep(&mut self, deadline: Instant) {
        let stop_at = deadline.checked_sub(self.margin()).unwrap_or(deadline);
        let now = Instant::now();
        if now >= stop_at {
            self.abandon("the lease could not be renewed in time");
            return;
        }
        let sent = now;
        let wait = (self.shared().lease / 4).min(stop_at - now);
        match tokio::time::timeout(wait, self.renew()).await {
            Ok(Ok(true)) => {
                let renewed = sent + self.shared().lease;
                if let Role::Owner { deadline, .. } = &mut self.role {
                    *deadline = renewed;
                }
            }
            Ok(Ok(false)) => self.abandon("another node holds the lease"),
            Ok(Err(error)) => {
                tracing::debug!(%error, singleton = self.name, "could not renew the singleton's lease");
                if Instant::now() >= stop_at {
                    self.abandon("the lease could not be renewed in time");
                }
            }
            Err(_elapsed) => {
                if Instant::now() >= stop_at {
                    self.abandon("the lease could not be renewed in time");
                }
            }
        }
    }

    fn next_tick(&self) -> Duration {
        let every = self.shared().lease / 4;
        match &self.role {
            Role::Follower => every,
            Role::Owner { deadline, .. } => {
                let stop_at = deadline.checked_sub(self.margin()).unwrap_or(*deadline);
                every.min(stop_at.saturating_duration_since(Instant::now()))
            }
        }
    }
}

#[genserver]
impl SingletonServer {
    #[init]
    fn init(singleton: Singleton, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        let cluster = ClusterRef::whereis(&singleton.cluster)
            .ok_or_else(|| ClusterError::NotRunning(singleton.cluster.to_string()))?;
        ctx.trap_exit(true);
        ctx.send_after(Duration::ZERO, Tick);
        Ok(SingletonServer {
            name: singleton.cluster_name(),
            singleton,
            cluster,
            incarnation: incarnation(),
            role: Role::Follower,
        })
    }

    #[handle_info]
    async fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        // The cluster process may have been restarted by its supervisor since the last tick.
        if let Some(cluster) = ClusterRef::whereis(&self.singleton.cluster) {
            self.cluster = cluster;
        }
        match &self.role {
            Role::Follower => self.follow(ctx).await,
            Role::Owner { deadline, .. } => {
                let deadline = *deadline;
                self.keep(deadline).await;
            }
        }
        ctx.send_after(self.next_tick(), Tick);
    }

    #[handle_info]
    async fn exit(&mut self, exit: Exit, ctx: &mut Context<Self>) {
        let ours =
            matches!(&self.role, Role::Owner { supervisor, .. } if supervisor.pid() == exit.from);
        if ours {
            // The child's supervisor gave up (its restart intensity): so does this process,
            // for its own supervisor to handle; another node may take over.
            self.role = Role::Follower;
            self.release().await;
            ctx.stop(exit.reason);
        }
    }

    #[handle_call]
    fn running(&mut self) -> (Option<SupervisorRef>, String) {
        let supervisor = match &self.role {
            Role::Owner { supervisor, .. } => Some(supervisor.clone()),
            Role::Follower => None,
        };
        (supervisor, self.singleton.spec.id().to_owned())
    }

    #[handle_call]
    fn lookup(&mut self) -> (ClusterRef, String) {
        (self.cluster.clone(), self.name.clone())
    }

    #[terminate]
    async fn terminate(&mut self, _reason: &ExitReason) {
        if let Role::Owner { supervisor, .. } = std::mem::replace(&mut self.role, Role::Follower) {
            let _ = supervisor.stop(ExitReason::Shutdown).await;
            self.release().await;
            tracing::info!(singleton = self.name, node = %self.shared().node,
                "singleton stopped on this node; its lease is released");
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::debug!(?msg, "singleton process: unexpected message");
    }
}
