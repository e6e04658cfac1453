//! Node names and the node up/down events (`:net_kernel.monitor_nodes`).

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// The name of a node of the cluster: given in [`ClusterConfig::node`](crate::ClusterConfig::node)
/// or generated (`node-<os pid>-<random>`).
///
/// ```
/// use otp_cluster::NodeName;
///
/// let node = NodeName::from("web-1");
/// assert_eq!(node.as_str(), "web-1");
/// assert_eq!(node.to_string(), "web-1");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct NodeName(Arc<str>);

impl NodeName {
    /// The name as a string.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for NodeName {
    fn from(name: &str) -> Self {
        NodeName(name.into())
    }
}

impl From<String> for NodeName {
    fn from(name: String) -> Self {
        NodeName(name.into())
    }
}

impl fmt::Display for NodeName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A node joined the cluster (`{:nodeup, node}`): sent as an info message to the processes
/// that called [`ClusterRef::monitor_nodes`](crate::ClusterRef::monitor_nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeUp(pub NodeName);

/// A node left the cluster or missed its lease (`{:nodedown, node}`): sent as an info message
/// to the processes that called [`ClusterRef::monitor_nodes`](crate::ClusterRef::monitor_nodes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodeDown(pub NodeName);
