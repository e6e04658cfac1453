//! `JobsConfig`: the engine, queues, workers, cron entries and timings of a node.

use crate::registry::{Registered, Workers};
use crate::store::Store;
#[cfg(feature = "postgres")]
use crate::store::postgres;
#[cfg(feature = "sqlite")]
use crate::store::sqlite;
use crate::{JobsError, NewJob, Worker};
#[cfg(feature = "sqlite")]
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// Whether jobs run by themselves, as `Oban.Testing`'s modes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Testing {
    /// Queues, stager, lifeline, pruner and cron all run (production).
    #[default]
    Disabled,
    /// Nothing runs by itself: jobs are inserted and stay there until
    /// [`Jobs::drain_queue`](crate::Jobs::drain_queue) runs them.
    Manual,
}

/// The database a node keeps its jobs in.
#[derive(Clone)]
pub(crate) enum Engine {
    #[cfg(feature = "sqlite")]
    Sqlite(PathBuf),
    #[cfg(feature = "sqlite")]
    SqliteMemory,
    #[cfg(feature = "postgres")]
    Postgres(String),
}

impl Engine {
    fn is_postgres(&self) -> bool {
        match self {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(_) | Engine::SqliteMemory => false,
            #[cfg(feature = "postgres")]
            Engine::Postgres(_) => true,
        }
    }
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(feature = "sqlite")]
            Engine::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            #[cfg(feature = "sqlite")]
            Engine::SqliteMemory => f.write_str("SqliteMemory"),
            #[cfg(feature = "postgres")]
            Engine::Postgres(url) => f
                .debug_tuple("Postgres")
                .field(&without_password(url))
                .finish(),
        }
    }
}

/// The URL with its password replaced by `***`, for logs and `Debug`.
#[cfg(feature = "postgres")]
fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|at| at + 3) else {
        return url.to_owned();
    };
    let authority_end = url[scheme_end..]
        .find(['/', '?'])
        .map_or(url.len(), |at| scheme_end + at);
    let authority = &url[scheme_end..authority_end];
    match (authority.rfind('@'), authority.find(':')) {
        (Some(at), Some(colon)) if colon < at => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &authority[..colon],
            &url[scheme_end + at..]
        ),
        _ => url.to_owned(),
    }
}

#[cfg(all(test, feature = "postgres"))]
mod debug_tests {
    use super::{Engine, without_password};

    #[test]
    fn a_postgres_url_is_shown_without_its_password() {
        assert_eq!(
            without_password("postgres://app:s3cr:et@db.example:5432/jobs?sslmode=require"),
            "postgres://app:***@db.example:5432/jobs?sslmode=require"
        );
        assert_eq!(
            without_password("postgres://postgres@127.0.0.1:5432/postgres"),
            "postgres://postgres@127.0.0.1:5432/postgres"
        );
        assert_eq!(without_password("not a url"), "not a url");
        let shown = format!("{:?}", Engine::Postgres("postgres://u:pw@h/d".into()));
        assert!(!shown.contains("pw"), "{shown}");
    }
}

/// A cron entry: its expression and the job it inserts at each tick.
#[derive(Debug, Clone)]
pub(crate) struct CronEntry {
    pub(crate) expression: String,
    pub(crate) schedule: Result<croner::Cron, String>,
    pub(crate) job: NewJob,
}

/// How a node runs jobs: the guide's `config :my_app, Oban, repo: ..., queues: [...]`.
///
/// ```
/// use otp_jobs::prelude::*;
/// use std::time::Duration;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Report { id: i64 }
///
/// impl Worker for Report {
///     const NAME: &'static str = "Report";
///     async fn perform(self, _job: &Job) -> Result<(), JobError> { Ok(()) }
/// }
///
/// let config = JobsConfig::sqlite("jobs.db")
///     .queue("default", 10)
///     .queue("mailers", 20)
///     .worker::<Report>()
///     .cron("0 * * * *", Report { id: 1 })
///     .node("web-1")
///     .shutdown_grace(Duration::from_secs(15))
///     .prune_after(Duration::from_secs(7 * 86400));
/// ```
#[derive(Clone)]
pub struct JobsConfig {
    pub(crate) engine: Engine,
    pub(crate) queues: Vec<(String, u32)>,
    pub(crate) workers: Workers,
    pub(crate) cron: Vec<CronEntry>,
    pub(crate) node: Option<String>,
    pub(crate) shutdown_grace: Duration,
    pub(crate) prune_after: Duration,
    pub(crate) prune_interval: Duration,
    pub(crate) prune_limit: u32,
    pub(crate) lease: Duration,
    pub(crate) stage_interval: Duration,
    pub(crate) max_stage_interval: Duration,
    pub(crate) testing: Testing,
    pub(crate) schema: Option<String>,
    pub(crate) pool_size: Option<u32>,
    /// The store, opened by the first start and shared by every start of this configuration
    /// (a restart by a supervisor, a second `start_link`): an in-memory database survives them.
    pub(crate) store: Arc<tokio::sync::OnceCell<Arc<dyn Store>>>,
}

impl std::fmt::Debug for JobsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobsConfig")
            .field("engine", &self.engine)
            .field("queues", &self.queues)
            .field("workers", &self.workers.names())
            .field("node", &self.node)
            .field("schema", &self.schema)
            .field("pool_size", &self.pool_size)
            .field("testing", &self.testing)
            .finish_non_exhaustive()
    }
}

impl JobsConfig {
    fn new(engine: Engine) -> Self {
        Self {
            engine,
            queues: Vec::new(),
            workers: Workers::default(),
            cron: Vec::new(),
            node: None,
            shutdown_grace: Duration::from_secs(15),
            prune_after: Duration::from_secs(60),
            prune_interval: Duration::from_secs(30),
            prune_limit: 10_000,
            lease: Duration::from_secs(30),
            stage_interval: Duration::from_secs(1),
            max_stage_interval: Duration::from_secs(60),
            testing: Testing::Disabled,
            schema: None,
            pool_size: None,
            store: Arc::default(),
        }
    }

    /// Jobs in the SQLite database file at `path` (created if missing), in WAL mode: one node.
    /// (The `sqlite` feature, on by default.)
    #[cfg(feature = "sqlite")]
    #[must_use]
    pub fn sqlite(path: impl Into<PathBuf>) -> Self {
        Self::new(Engine::Sqlite(path.into()))
    }

    /// Jobs in a private in-memory SQLite database: for tests and examples. Every start of this
    /// configuration (and its clones) shares the one database; it is gone with the last of them.
    /// (The `sqlite` feature, on by default.)
    #[cfg(feature = "sqlite")]
    #[must_use]
    pub fn sqlite_memory() -> Self {
        Self::new(Engine::SqliteMemory)
    }

    /// Jobs in the PostgreSQL database at `url` (`postgres://user:pass@host/db`), which many
    /// nodes share.
    ///
    /// Behind a connection pooler in transaction mode (`PgBouncer`'s `pool_mode = transaction`,
    /// any version: no `max_prepared_statements` needed), found at start, jobs work as they do
    /// straight to the server, with these differences:
    ///
    /// - LISTEN receives nothing: the node polls for available jobs once a second (a warning
    ///   says so), and queue signals from other nodes ([`Jobs::pause_queue`](crate::Jobs::pause_queue)
    ///   and the like) do not arrive; the `_local` variants work.
    /// - Each statement is sent unnamed inside a transaction of its own (the pooler gives a
    ///   client its server session for a transaction, and other clients' prepared statements
    ///   share it): a BEGIN and a COMMIT around it, and its Parse, which a direct connection
    ///   does once per connection. Three more round trips per statement: inserts, fetches,
    ///   completions and heartbeats take about four times the round trips they take straight
    ///   to the server.
    /// - The [`schema`](Self::schema) travels as a startup option, which `PgBouncer` refuses
    ///   ("unsupported startup parameter: options"): set the `search_path` in the pooler's
    ///   entry for the database instead (`connect_query='SET search_path TO name'`).
    ///
    /// Leadership (cron, the pruner) is a lease row and the migrations' lock is
    /// transaction-scoped, so both hold there. For [`NewJob::insert_in`] behind such a pooler,
    /// see its documentation.
    ///
    /// (The `postgres` feature, on by default.)
    #[cfg(feature = "postgres")]
    #[must_use]
    pub fn postgres(url: impl Into<String>) -> Self {
        Self::new(Engine::Postgres(url.into()))
    }

    /// Runs queue `name` on this node, at most `limit` jobs at once (Oban's `queues: [name: limit]`).
    #[must_use]
    pub fn queue(mut self, name: impl Into<String>, limit: u32) -> Self {
        let name = name.into();
        self.queues.retain(|(queue, _)| *queue != name);
        self.queues.push((name, limit));
        self
    }

    /// This node can run `W`'s jobs. A fetched job whose worker is not registered fails its
    /// attempt with the error recorded.
    #[must_use]
    pub fn worker<W: Worker>(mut self) -> Self {
        self.workers
            .insert(W::NAME, Arc::new(Registered::<W>::new()));
        self
    }

    /// Inserts `value`'s job at each tick of the cron `expression` (5 fields, or 6 with seconds
    /// first; `@hourly` and the like), on one node at a time: the leader. Each tick inserts once,
    /// across nodes and leader changes. An invalid expression fails the start.
    #[must_use]
    pub fn cron<W: Worker>(mut self, expression: &str, value: W) -> Self {
        let schedule = expression
            .parse::<croner::Cron>()
            .map_err(|error| error.to_string());
        self.cron.push(CronEntry {
            expression: expression.to_owned(),
            schedule,
            job: crate::NewJob::new(&value),
        });
        self
    }

    /// This node's name, on the jobs it runs and in its heartbeat; it must be unique among the
    /// running nodes. Default: `<hostname>-<pid>`.
    #[must_use]
    pub fn node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    /// How long a shutdown waits for running jobs (default 15 s). Jobs still running then are
    /// stopped and left executing: the lifeline of any node, this one's next start included,
    /// makes them available again at once, since this node's heartbeat is gone (Oban's
    /// behaviour: the attempt is not counted as failed, the job runs again).
    #[must_use]
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }

    /// Finished jobs (completed, discarded, cancelled) are deleted this long after they finished
    /// (Oban's pruner: default 60 s).
    #[must_use]
    pub fn prune_after(mut self, max_age: Duration) -> Self {
        self.prune_after = max_age;
        self
    }

    /// How often the pruner runs (default 30 s), on the leader only.
    #[must_use]
    pub fn prune_interval(mut self, interval: Duration) -> Self {
        self.prune_interval = interval;
        self
    }

    /// How long this node's heartbeat lasts (default 30 s; renewed every third of it). Another
    /// node's lifeline rescues this node's jobs once it has expired.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// How often the stager makes due jobs available and wakes the queues that have available
    /// jobs, where the node hears no notifications (default 1 s): on SQLite, and on PostgreSQL
    /// behind a connection pooler in transaction mode. On a SQLite file, a round finds first
    /// whether anything was committed since the last one (a read of the WAL index, no
    /// statement), and is skipped when nothing was and no job fell due. Where PostgreSQL's
    /// LISTEN works, the stager instead sleeps until the earliest waiting job is due (an insert
    /// of a scheduled job notifies every node, a retry or a snooze tells the local stager), and
    /// an idle node runs no statement for it. Either way a round runs at least every
    /// [`max_stage_interval`](Self::max_stage_interval).
    #[must_use]
    pub fn stage_interval(mut self, interval: Duration) -> Self {
        self.stage_interval = interval;
        self
    }

    /// The longest the stager goes without a round where it can tell that nothing needs one
    /// (default 60 s): with PostgreSQL's LISTEN, and on a SQLite file. It bounds the delay of a
    /// job made due by something that notifies no node (a row written by another program, a
    /// retry recorded by a node that died before its own stager ran), and how long a stalled
    /// queue can go unflagged by [`Jobs::stats`](crate::Jobs::stats) when nothing is inserted.
    ///
    /// ```
    /// use otp_jobs::JobsConfig;
    /// use std::time::Duration;
    ///
    /// let config = JobsConfig::postgres("postgres://127.0.0.1/app")
    ///     .stage_interval(Duration::from_millis(500))
    ///     .max_stage_interval(Duration::from_secs(300));
    /// # let _ = config;
    /// ```
    #[must_use]
    pub fn max_stage_interval(mut self, interval: Duration) -> Self {
        self.max_stage_interval = interval;
        self
    }

    /// PostgreSQL: keeps the tables in schema `name` (Oban's `prefix`), created with them by the
    /// migrations at start, instead of the first schema of the connection's `search_path`
    /// (`public` by default). Sets of jobs in different schemas of one database are apart:
    /// their nodes neither share jobs nor wake each other. The name: letters, digits and
    /// underscores, not starting with a digit, at most 63 bytes; anything else fails the start.
    ///
    /// A job inserted in a transaction of the caller's own ([`NewJob::insert_in`]) goes to the
    /// first schema of that connection's `search_path`: put this one first there (`SET LOCAL
    /// search_path TO name` in the transaction, or `options[search_path]=name` in its URL).
    ///
    /// On SQLite, whose file is the whole database, a schema fails the start.
    ///
    /// ```
    /// use otp_jobs::JobsConfig;
    ///
    /// let config = JobsConfig::postgres("postgres://app@db.example/app")
    ///     .schema("billing_jobs")
    ///     .pool_size(20)
    ///     .queue("invoices", 10);
    /// assert!(format!("{config:?}").contains("billing_jobs"));
    /// ```
    #[must_use]
    pub fn schema(mut self, name: impl Into<String>) -> Self {
        self.schema = Some(name.into());
        self
    }

    /// The connections the node's pool keeps at most: default 10 on PostgreSQL (one of them
    /// holds the `LISTEN`, so at least 2), 4 on a SQLite file (at least 1; an in-memory
    /// database keeps its one connection). Each queue fetches and completes on one connection
    /// at a time, the stager, lifeline, pruner and cron on one each, inserts on the rest.
    ///
    /// ```
    /// use otp_jobs::JobsConfig;
    ///
    /// let config = JobsConfig::sqlite("jobs.db").pool_size(8).queue("default", 10);
    /// assert!(format!("{config:?}").contains("pool_size: Some(8)"));
    /// ```
    #[must_use]
    pub fn pool_size(mut self, size: u32) -> Self {
        self.pool_size = Some(size);
        self
    }

    /// The testing mode (default [`Testing::Disabled`]: everything runs).
    #[must_use]
    pub fn testing(mut self, testing: Testing) -> Self {
        self.testing = testing;
        self
    }

    /// The node name: the configured one, or `<hostname>-<pid>`.
    pub(crate) fn node_name(&self) -> String {
        self.node.clone().unwrap_or_else(|| {
            let host = std::env::var("HOSTNAME")
                .ok()
                .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
                .map(|host| host.trim().to_owned())
                .filter(|host| !host.is_empty())
                .unwrap_or_else(|| "node".to_owned());
            format!("{host}-{}", std::process::id())
        })
    }

    /// Checks the options that cannot be checked as they are given.
    pub(crate) fn validate(&self) -> Result<(), JobsError> {
        for entry in &self.cron {
            if let Err(error) = &entry.schedule {
                return Err(JobsError::Config(format!(
                    "cron expression `{}`: {error}",
                    entry.expression
                )));
            }
        }
        for (name, limit) in &self.queues {
            if name.is_empty() || *limit == 0 {
                return Err(JobsError::Config(format!(
                    "queue `{name}` needs a name and a limit of at least 1"
                )));
            }
        }
        let postgres = self.engine.is_postgres();
        if self.schema.is_some() && !postgres {
            return Err(JobsError::Config(
                "a schema is PostgreSQL's: a SQLite file is the whole database".to_owned(),
            ));
        }
        let least = if postgres { 2 } else { 1 };
        if self.pool_size.is_some_and(|size| size < least) {
            return Err(JobsError::Config(format!(
                "the pool size must be at least {least} on this engine{}",
                if postgres {
                    " (one connection holds the LISTEN)"
                } else {
                    ""
                }
            )));
        }
        if self.lease < Duration::from_millis(30)
            || self.stage_interval.is_zero()
            || self.max_stage_interval.is_zero()
        {
            return Err(JobsError::Config(
                "the lease must be at least 30 ms, and the stage intervals above zero".to_owned(),
            ));
        }
        Ok(())
    }

    /// The store, opened and migrated at the first call.
    pub(crate) async fn open_store(&self) -> Result<Arc<dyn Store>, JobsError> {
        let store = self
            .store
            .get_or_try_init(|| async {
                let store: Arc<dyn Store> = match &self.engine {
                    #[cfg(feature = "sqlite")]
                    Engine::Sqlite(path) => {
                        let size = self.pool_size.unwrap_or(sqlite::DEFAULT_POOL_SIZE);
                        Arc::new(crate::store::SqliteStore::open(path, size).await?)
                    }
                    #[cfg(feature = "sqlite")]
                    Engine::SqliteMemory => Arc::new(crate::store::SqliteStore::memory().await?),
                    #[cfg(feature = "postgres")]
                    Engine::Postgres(url) => {
                        let size = self.pool_size.unwrap_or(postgres::DEFAULT_POOL_SIZE);
                        let schema = self.schema.as_deref();
                        Arc::new(postgres::connect_pool(url, schema, size).await?)
                    }
                };
                store.migrate().await?;
                Ok::<_, JobsError>(store)
            })
            .await?;
        Ok(Arc::clone(store))
    }
}
