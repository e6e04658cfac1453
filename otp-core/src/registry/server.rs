//! The registry's process: it owns the entries and gives them out to handles; when it exits,
//! the registry is closed and its entries dropped.

use std::sync::Arc;

use super::storage::Storage;
use crate::prelude::*;

pub(crate) struct RegistryServer<K, V>
where
    K: Eq + std::hash::Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    pub(crate) storage: Arc<Storage<K, V>>,
}

#[genserver]
impl<K, V> RegistryServer<K, V>
where
    K: Eq + std::hash::Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.storage.close();
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "registry received an unexpected message");
    }
}

impl<K, V> Drop for RegistryServer<K, V>
where
    K: Eq + std::hash::Hash + Clone + Send + Sync + 'static,
    V: Clone + Send + Sync + 'static,
{
    /// Killed, the registry runs no terminate: its entries go with its state.
    fn drop(&mut self) {
        self.storage.close();
    }
}
