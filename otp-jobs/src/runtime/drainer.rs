//! The drainer: the last child of the runtime, so the first stopped. Its stop begins the
//! shutdown: queues stop fetching (it waits for a fetch under way to end, as Oban's producers
//! answer the shutdown between two dispatches), then it waits (up to the grace period) for every
//! queue's running jobs to finish, all queues at once; the queues, stopped after it, stop what
//! is left.

use super::Shared;
use otp_core::prelude::*;
use std::sync::Arc;
use std::sync::atomic::Ordering;

/// The drainer's process.
pub(crate) struct Drainer {
    shared: Arc<Shared>,
}

#[genserver]
impl Drainer {
    #[init]
    fn init(shared: Arc<Shared>) -> Self {
        Drainer { shared }
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        if !reason.is_quiet() {
            return; // a crash of the drainer itself: it is restarted, nothing stops
        }
        self.shared.stopping.store(true, Ordering::Release);
        let deadline = self.shared.grace_deadline();
        // Every fetch checks the flag before it starts; one already under way ends before its
        // queue answers. Past the deadline (a fetch stuck on the database) it is not waited for.
        let answers: Vec<_> = self
            .shared
            .queues
            .values()
            .filter_map(|queue| queue.barrier())
            .collect();
        for answered in answers {
            // A queue that is gone drops the request: nothing of its is under way.
            let _ = tokio::time::timeout_at(deadline, answered).await;
        }
        self.shared.fetching_stopped.store(true, Ordering::Release);
        loop {
            let settled = self.shared.settled.notified();
            if self.shared.running() == 0 {
                break;
            }
            if tokio::time::timeout_at(deadline, settled).await.is_err() {
                break;
            }
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "drainer: unexpected message");
    }
}
