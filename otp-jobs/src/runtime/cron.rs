//! Cron: at each tick of each entry, the leader inserts the entry's job, unique by (entry, tick)
//! so that a tick inserts once across nodes and leader changes.

use super::Shared;
use crate::JobState;
use crate::store::UniqueInsert;
use chrono::{DateTime, Utc};
use otp_core::prelude::*;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// A tick older than this when the leader looks is not inserted (a node asleep, a clock jump).
const MISSED_TICK: chrono::TimeDelta = chrono::TimeDelta::seconds(60);

/// Cron's process.
pub(crate) struct Cron {
    shared: Arc<Shared>,
    /// The last tick inserted (or found taken) per entry.
    done: Vec<Option<DateTime<Utc>>>,
}

#[derive(Debug)]
struct Tick;

#[genserver]
impl Cron {
    #[init]
    fn init(shared: Arc<Shared>, ctx: &mut Context<Self>) -> Self {
        let done = vec![None; shared.config.cron.len()];
        let cron = Cron { shared, done };
        cron.arm(ctx);
        cron
    }

    #[handle_info]
    async fn tick(&mut self, _tick: Tick, ctx: &mut Context<Self>) {
        self.insert_due().await;
        self.arm(ctx);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(?msg, "cron: unexpected message");
    }
}

impl Cron {
    /// Sets the timer for the next tick of any entry.
    fn arm(&self, ctx: &mut Context<Self>) {
        let now = Utc::now();
        let next = self
            .shared
            .config
            .cron
            .iter()
            .filter_map(|entry| entry.schedule.as_ref().ok())
            .filter_map(|schedule| schedule.find_next_occurrence(&now, false).ok())
            .min();
        if let Some(next) = next {
            let delay = (next - now).to_std().unwrap_or(Duration::ZERO);
            // A few milliseconds late, so that the tick is in the past when it fires.
            ctx.send_after(delay + Duration::from_millis(5), Tick);
        }
    }

    async fn insert_due(&mut self) {
        let now = Utc::now();
        let shared = Arc::clone(&self.shared);
        let mut due = Vec::new();
        for (index, entry) in shared.config.cron.iter().enumerate() {
            let Ok(schedule) = &entry.schedule else {
                continue;
            };
            let Ok(tick) = schedule.find_previous_occurrence(&now, true) else {
                continue;
            };
            if now - tick > MISSED_TICK || self.done[index].is_some_and(|done| done >= tick) {
                continue;
            }
            due.push((index, entry, tick));
        }
        if due.is_empty() {
            return;
        }
        match shared
            .store
            .try_lead("cron", &shared.node, shared.config.lease)
            .await
        {
            Ok(true) => {}
            Ok(false) => return,
            Err(error) => {
                tracing::warn!(%error, "cron: could not take the lead");
                return;
            }
        }
        for (index, entry, tick) in due {
            let mut insert = match entry.job.clone().resolve() {
                Ok(insert) => insert,
                Err(error) => {
                    tracing::error!(cron = %entry.expression, %error, "cron: the entry's job is invalid");
                    self.done[index] = Some(tick);
                    continue;
                }
            };
            let tick_text = tick.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
            let mut digest = Sha256::new();
            for part in [
                "cron",
                &index.to_string(),
                &entry.expression,
                &insert.worker,
                &insert.queue,
                &insert.args.to_string(),
                &tick_text,
            ] {
                digest.update(part.as_bytes());
                digest.update([0]);
            }
            let key = crate::new_job::hex(&digest.finalize());
            insert.unique = Some(UniqueInsert {
                key,
                period: None,
                states: JobState::ALL.to_vec(),
            });
            if let serde_json::Value::Object(meta) = &mut insert.meta {
                meta.insert("cron".to_owned(), entry.expression.clone().into());
                meta.insert("cron_tick".to_owned(), tick_text.into());
                meta.insert("inserted_by".to_owned(), shared.node.clone().into());
            }
            match shared.store.insert(vec![insert]).await {
                Ok(jobs) => {
                    self.done[index] = Some(tick);
                    for job in jobs.iter().filter(|job| !job.conflict) {
                        tracing::info!(
                            job.id = job.id,
                            job.worker = %job.worker,
                            job.queue = %job.queue,
                            job.attempt = job.attempt,
                            state = %job.state,
                            cron = %entry.expression,
                            "cron: inserted"
                        );
                        shared.wake(&job.queue);
                    }
                }
                Err(error) => {
                    tracing::warn!(%error, cron = %entry.expression, "cron: insert failed");
                }
            }
        }
    }
}
