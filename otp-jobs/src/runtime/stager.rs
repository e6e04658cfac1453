//! The stager: every second (by default) makes due scheduled and retryable jobs available and
//! wakes the local queues that have available jobs. One statement per interval, which finds the
//! due jobs on an index by time: a job waiting for a later time is not read (on SQLite, the
//! write lock is taken only when a job is due).

use super::Shared;
use otp_core::prelude::*;
use std::sync::Arc;

/// The stager's process.
pub(crate) struct Stager {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Tick;

#[genserver]
impl Stager {
    #[init]
    fn init(shared: Arc<Shared>, ctx: &mut Context<Self>) -> Self {
        ctx.send_after(shared.config.stage_interval, Tick);
        Stager { shared }
    }

    #[handle_info]
    async fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        match self.shared.store.stage(None, false).await {
            Ok(queues) => {
                for queue in queues {
                    self.shared.wake(&queue);
                }
            }
            Err(error) => tracing::warn!(%error, "stager: could not stage jobs"),
        }
        ctx.send_after(self.shared.config.stage_interval, Tick);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "stager: unexpected message");
    }
}
