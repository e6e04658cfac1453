//! How a node joins a cluster: the database, the node's name, the lease.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::ClusterError;
use crate::ClusterMessage;
use crate::pubsub::{DecodeEntry, decode_entry};

/// The lease when none is set: a node that misses its heartbeats this long is down, and a
/// singleton whose node does is started elsewhere.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(5);

/// The name a [`Cluster`](crate::Cluster) process is registered under unless
/// [`ClusterConfig::name`] says otherwise.
pub const DEFAULT_CLUSTER_NAME: &str = "otp_cluster";

/// How a node joins a cluster: the PostgreSQL database all its nodes share, its name, the lease.
///
/// ```
/// use std::time::Duration;
/// use otp_cluster::ClusterConfig;
///
/// let config = ClusterConfig::new("postgres://postgres@127.0.0.1/app")
///     .node("web-1")
///     .schema("otp_cluster")
///     .lease(Duration::from_secs(3));
/// assert_eq!(config.lease_duration(), Duration::from_secs(3));
/// ```
#[derive(Clone)]
pub struct ClusterConfig {
    pub(crate) url: Arc<str>,
    pub(crate) schema: String,
    pub(crate) node: Option<String>,
    pub(crate) lease: Duration,
    pub(crate) name: Arc<str>,
    pub(crate) pubsub_name: Option<Arc<str>>,
    pub(crate) messages: Vec<DecodeEntry>,
}

impl ClusterConfig {
    /// A node of the cluster whose tables live in the database at `url`
    /// (`postgres://user:password@host:port/database`).
    pub fn new(url: impl Into<Arc<str>>) -> Self {
        ClusterConfig {
            url: url.into(),
            schema: "otp_cluster".to_owned(),
            node: None,
            lease: DEFAULT_LEASE,
            name: DEFAULT_CLUSTER_NAME.into(),
            pubsub_name: None,
            messages: Vec::new(),
        }
    }

    /// This node's name, unique among the live nodes; generated when not given.
    #[must_use]
    pub fn node(mut self, name: impl Into<String>) -> Self {
        self.node = Some(name.into());
        self
    }

    /// The schema of the cluster's tables (default `otp_cluster`), created if missing. Nodes
    /// meet only the nodes of the same schema: two clusters can share a database.
    #[must_use]
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = schema.into();
        self
    }

    /// How long a node stays up without a heartbeat, and a singleton's owner without renewing
    /// (default [`DEFAULT_LEASE`], at least 100 ms). Heartbeats and renewals run every quarter
    /// of it.
    #[must_use]
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// The lease.
    #[must_use]
    pub fn lease_duration(&self) -> Duration {
        self.lease
    }

    /// The name the cluster process is registered under on this node (default
    /// [`DEFAULT_CLUSTER_NAME`]); [`Singleton`](crate::Singleton)s find it by this name.
    #[must_use]
    pub fn name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.name = name.into();
        self
    }

    /// Registers the cluster's PubSub under `name` too, so that
    /// [`PubSubRef::named`](otp_core::PubSubRef::named) finds it (with the local adapter).
    #[must_use]
    pub fn pubsub_name(mut self, name: impl Into<Arc<str>>) -> Self {
        self.pubsub_name = Some(name.into());
        self
    }

    /// Declares a message type that other nodes broadcast to this one. A node decodes what it
    /// receives by the type's name, and knows the types it declared here or broadcast itself:
    /// declare each type this node receives but never broadcasts. A message of a type the node
    /// does not know is dropped with a warning.
    #[must_use]
    pub fn message<M: ClusterMessage>(mut self) -> Self {
        self.messages.push(decode_entry::<M>());
        self
    }

    pub(crate) fn validate(&self) -> Result<(), ClusterError> {
        let schema = &self.schema;
        let valid_schema = !schema.is_empty()
            && schema.len() <= 40
            && !schema.starts_with(|c: char| c.is_ascii_digit())
            && schema
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid_schema {
            return Err(ClusterError::InvalidSchema(schema.clone()));
        }
        if let Some(node) = &self.node
            && (node.is_empty() || node.len() > 200)
        {
            return Err(ClusterError::InvalidNodeName(node.clone()));
        }
        if self.lease < Duration::from_millis(100) {
            return Err(ClusterError::LeaseTooShort(self.lease));
        }
        Ok(())
    }
}

impl fmt::Debug for ClusterConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The url is left out: it may hold a password.
        f.debug_struct("ClusterConfig")
            .field("schema", &self.schema)
            .field("node", &self.node)
            .field("lease", &self.lease)
            .field("name", &self.name)
            .field("pubsub_name", &self.pubsub_name)
            .field("messages", &self.messages.len())
            .finish_non_exhaustive()
    }
}
