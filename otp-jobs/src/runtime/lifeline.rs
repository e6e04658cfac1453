//! The lifeline: renews this node's heartbeat every third of its lease, and rescues the jobs that
//! nodes whose lease expired left executing (never because a job runs long). At a clean stop it
//! removes the heartbeat, so that jobs stopped at shutdown are rescued at once.

use super::Shared;
use otp_core::prelude::*;
use std::sync::Arc;

/// The lifeline's process.
pub(crate) struct Lifeline {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Tick;

#[genserver]
impl Lifeline {
    #[init]
    fn init(shared: Arc<Shared>, ctx: &mut Context<Self>) -> Self {
        // The first child: when the node's processes restart together, a shutdown begun by the
        // drainer's stop is over.
        shared.reset_stopping();
        ctx.send_after(shared.config.lease / 3, Tick);
        Lifeline { shared }
    }

    #[handle_info]
    async fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        let store = &self.shared.store;
        if let Err(error) = store
            .heartbeat(&self.shared.node, self.shared.config.lease)
            .await
        {
            tracing::warn!(%error, node = %self.shared.node, "lifeline: heartbeat failed");
        }
        rescue(&self.shared).await;
        ctx.send_after(self.shared.config.lease / 3, Tick);
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        if reason.is_quiet()
            && let Err(error) = self.shared.store.leave(&self.shared.node).await
        {
            tracing::warn!(%error, node = %self.shared.node, "lifeline: could not remove the heartbeat");
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "lifeline: unexpected message");
    }
}

/// Rescues dead nodes' jobs, logging each, and wakes the local queues they return to.
pub(crate) async fn rescue(shared: &Shared) {
    match shared.store.rescue_orphans().await {
        Ok(jobs) => {
            for job in jobs {
                tracing::warn!(
                    job.id = job.id,
                    job.worker = %job.worker,
                    job.queue = %job.queue,
                    job.attempt = job.attempt,
                    state = %job.state,
                    by = ?job.attempted_by,
                    "lifeline: rescued a job its node left executing"
                );
                shared.wake(&job.queue);
            }
        }
        Err(error) => tracing::warn!(%error, "lifeline: could not rescue orphaned jobs"),
    }
}
