//! The stager: makes due scheduled and retryable jobs available and wakes the local queues that
//! have available jobs. One statement per round, which finds the due jobs on an index by time:
//! a job waiting for a later time is not read (on SQLite, the write lock is taken only when a
//! job is due).
//!
//! When the rounds run:
//! - where the node hears notifications (PostgreSQL's LISTEN), when the earliest waiting job is
//!   due, as the last round found it; earlier when a node inserts a scheduled job due sooner
//!   (its `NOTIFY` says when) or this node records a retry or a snooze; and at least every
//!   [`max_stage_interval`](crate::JobsConfig::max_stage_interval). An idle node runs none.
//! - elsewhere (SQLite, a pooler in transaction mode), every
//!   [`stage_interval`](crate::JobsConfig::stage_interval): the round is also how queues learn
//!   of jobs that no wake-up announced. Where the store can tell cheaply that nothing was
//!   committed since the last round (a SQLite file, by its WAL index), the round is skipped
//!   until something is, or a job falls due, or the last round is
//!   [`max_stage_interval`](crate::JobsConfig::max_stage_interval) old.

use super::{Shared, lock};
use otp_core::prelude::*;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

/// The stager's process.
pub(crate) struct Stager {
    shared: Arc<Shared>,
    /// The next round: its timer, when it runs, and its number (a round whose number is not
    /// this one's was replaced by an earlier one, and is ignored).
    next: Option<(TimerRef, Instant)>,
    round: u64,
    /// What the last round found, while polling.
    last: Option<LastRound>,
}

/// What the last round found: when it ran, the database's data version before it (see
/// [`Store::data_version`](crate::store::Store::data_version)), and when the next waiting job
/// is due.
struct LastRound {
    at: Instant,
    version: Option<u64>,
    due_at: Option<Instant>,
}

/// Run a round, unless a later call replaced it.
#[derive(Debug)]
struct Round(u64);

/// A job waits until this long from now: run a round then, if the next one comes later.
#[derive(Debug)]
pub(crate) struct DueIn(pub(crate) Duration);

/// The shortest pause between two rounds, so that a due time already past costs one round.
const MIN_PAUSE: Duration = Duration::from_millis(1);

#[genserver]
impl Stager {
    #[init]
    fn init(shared: Arc<Shared>, ctx: &mut Context<Self>) -> Self {
        *lock(&shared.stager) = Some(ctx.pid().clone());
        let mut stager = Stager {
            shared,
            next: None,
            round: 0,
            last: None,
        };
        // A round at once: jobs that fell due while no stager ran.
        stager.schedule(Duration::ZERO, ctx);
        stager
    }

    #[handle_info]
    async fn round(&mut self, round: Round, ctx: &mut Context<Self>) {
        if round.0 != self.round {
            return;
        }
        self.next = None;
        let config = &self.shared.config;
        let listening = self.shared.is_listening();
        // Polling: skipped when nothing was committed since the last round and nothing fell
        // due, unless that round is `max_stage_interval` old.
        let version = if listening {
            None
        } else {
            self.shared.store.data_version()
        };
        let now = Instant::now();
        if let Some(last) = &self.last
            && version.is_some()
            && version == last.version
            && last.due_at.is_none_or(|due_at| now < due_at)
            && now < last.at + config.max_stage_interval
        {
            self.schedule(config.stage_interval, ctx);
            return;
        }
        let pause = match self.shared.store.stage(None, false).await {
            Ok(staged) => {
                for queue in &staged.queues {
                    self.shared.wake(queue);
                }
                self.last = Some(LastRound {
                    at: now,
                    version,
                    due_at: staged.next_due.map(|due| now + due),
                });
                if listening {
                    staged
                        .next_due
                        .map_or(config.max_stage_interval, |due| {
                            due.min(config.max_stage_interval)
                        })
                        .max(MIN_PAUSE)
                } else {
                    config.stage_interval
                }
            }
            Err(error) => {
                tracing::warn!(%error, "stager: could not stage jobs");
                self.last = None;
                config.stage_interval
            }
        };
        self.schedule(pause, ctx);
    }

    /// Brings the next round forward to `delay` from now (where the node hears notifications;
    /// elsewhere rounds run every stage interval anyway).
    #[handle_info]
    fn due_in(&mut self, due: DueIn, ctx: &mut Context<Self>) {
        if !self.shared.is_listening() {
            return;
        }
        let at = Instant::now() + due.0;
        match &self.next {
            Some((_, next)) if *next <= at => {}
            _ => self.schedule(due.0, ctx),
        }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        *lock(&self.shared.stager) = None;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "stager: unexpected message");
    }
}

impl Stager {
    /// Schedules the next round `delay` from now, replacing the one scheduled.
    fn schedule(&mut self, delay: Duration, ctx: &mut Context<Self>) {
        if let Some((timer, _)) = self.next.take() {
            let _ = timer.cancel();
        }
        self.round += 1;
        let timer = ctx.send_after(delay, Round(self.round));
        self.next = Some((timer, Instant::now() + delay));
    }
}
