//! What can go wrong when a node joins, and when it asks the database.

use std::time::Duration;

/// An error of the cluster: a bad configuration, a name taken, or the database.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ClusterError {
    /// The database answered with an error, or could not be reached.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The schema name is not a plain lower-case identifier (`[a-z_][a-z0-9_]*`, at most 40
    /// bytes): it is written into the cluster's SQL and its `NOTIFY` channel name.
    #[error(
        "invalid schema name `{0}`: use lower-case letters, digits and `_` (at most 40 bytes, not starting with a digit)"
    )]
    InvalidSchema(String),
    /// The node name is empty or longer than 200 bytes.
    #[error("invalid node name `{0}`: it must have 1 to 200 bytes")]
    InvalidNodeName(String),
    /// The lease is under the 100 ms minimum.
    #[error("lease of {0:?} is too short: it must be at least 100 ms")]
    LeaseTooShort(Duration),
    /// Another live node holds this node name (its lease has not expired).
    #[error("node name `{0}` is held by another live node")]
    NodeNameTaken(String),
    /// No cluster process is registered under this name on this node.
    #[error("no cluster is running under the name `{0}` on this node; start a `Cluster` first")]
    NotRunning(String),
}
