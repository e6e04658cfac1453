//! The pruner: on the leader only, deletes finished jobs older than `prune_after`.

use super::Shared;
use otp_core::prelude::*;
use std::sync::Arc;

/// The pruner's process.
pub(crate) struct Pruner {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Tick;

#[genserver]
impl Pruner {
    #[init]
    fn init(shared: Arc<Shared>, ctx: &mut Context<Self>) -> Self {
        ctx.send_after(shared.config.prune_interval, Tick);
        Pruner { shared }
    }

    #[handle_info]
    async fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        let config = &self.shared.config;
        let lease = config.prune_interval * 2;
        match self
            .shared
            .store
            .try_lead("pruner", &self.shared.node, lease)
            .await
        {
            Ok(true) => match self
                .shared
                .store
                .prune(config.prune_after, config.prune_limit)
                .await
            {
                Ok(0) => {}
                Ok(pruned) => tracing::debug!(pruned, "pruner: deleted finished jobs"),
                Err(error) => tracing::warn!(%error, "pruner: could not prune"),
            },
            Ok(false) => {}
            Err(error) => tracing::warn!(%error, "pruner: could not take the lead"),
        }
        ctx.send_after(config.prune_interval, Tick);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "pruner: unexpected message");
    }
}
