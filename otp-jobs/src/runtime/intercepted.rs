//! For tests: a store that passes every call to another store, except the calls a test
//! intercepts (a batch of completions stopped at the worst moment, the stager's rounds counted).

use crate::runtime::signal::{Notification, QueueSignal};
use crate::store::{
    Attempt, CompletionOutcome, CompletionRequest, JobFilter, JobInsert, Staged, Store, StoreFuture,
};
use crate::{Job, JobState};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// What a test does instead of the inner store's call; by default, the call itself.
pub(crate) trait Intercept: Send + Sync + 'static {
    fn complete<'a>(
        &'a self,
        inner: &'a dyn Store,
        batch: Vec<CompletionRequest>,
    ) -> StoreFuture<'a, Vec<CompletionOutcome>> {
        inner.complete(batch)
    }

    fn stage<'a>(
        &'a self,
        inner: &'a dyn Store,
        queue: Option<&str>,
        include_future: bool,
    ) -> StoreFuture<'a, Staged> {
        inner.stage(queue, include_future)
    }
}

/// `inner`, with the calls `test` intercepts.
pub(crate) struct Intercepted<I> {
    pub(crate) inner: Arc<dyn Store>,
    pub(crate) test: I,
}

impl<I: Intercept> Store for Intercepted<I> {
    fn migrate(&self) -> StoreFuture<'_, ()> {
        self.inner.migrate()
    }
    fn insert(&self, jobs: Vec<JobInsert>) -> StoreFuture<'_, Vec<Job>> {
        self.inner.insert(jobs)
    }
    fn fetch(&self, queue: &str, node: &str, limit: u32) -> StoreFuture<'_, Vec<Attempt>> {
        self.inner.fetch(queue, node, limit)
    }
    fn complete(&self, batch: Vec<CompletionRequest>) -> StoreFuture<'_, Vec<CompletionOutcome>> {
        self.test.complete(&*self.inner, batch)
    }
    fn concurrent_writes(&self) -> bool {
        self.inner.concurrent_writes()
    }
    fn multi_node(&self) -> bool {
        self.inner.multi_node()
    }
    fn data_version(&self) -> Option<u64> {
        self.inner.data_version()
    }
    fn stage(&self, queue: Option<&str>, include_future: bool) -> StoreFuture<'_, Staged> {
        self.test.stage(&*self.inner, queue, include_future)
    }
    fn heartbeat(&self, node: &str, lease: Duration) -> StoreFuture<'_, ()> {
        self.inner.heartbeat(node, lease)
    }
    fn leave(&self, node: &str) -> StoreFuture<'_, ()> {
        self.inner.leave(node)
    }
    fn live_nodes(&self) -> StoreFuture<'_, Vec<String>> {
        self.inner.live_nodes()
    }
    fn rescue_orphans(&self) -> StoreFuture<'_, Vec<Job>> {
        self.inner.rescue_orphans()
    }
    fn try_lead(&self, role: &str, node: &str, lease: Duration) -> StoreFuture<'_, bool> {
        self.inner.try_lead(role, node, lease)
    }
    fn prune(&self, max_age: Duration, limit: u32) -> StoreFuture<'_, u64> {
        self.inner.prune(max_age, limit)
    }
    fn get(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        self.inner.get(id)
    }
    fn list(&self, filter: JobFilter) -> StoreFuture<'_, Vec<Job>> {
        self.inner.list(filter)
    }
    fn counts(&self) -> StoreFuture<'_, Vec<(String, JobState, u64)>> {
        self.inner.counts()
    }
    fn cancel(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        self.inner.cancel(id)
    }
    fn notifications(&self) -> StoreFuture<'_, Option<UnboundedReceiver<Notification>>> {
        self.inner.notifications()
    }
    fn signal(&self, signal: &QueueSignal) -> StoreFuture<'_, ()> {
        self.inner.signal(signal)
    }
    fn retry(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        self.inner.retry(id)
    }
}
