//! A queue: a supervised process that fetches up to its free slots, runs each attempt in its own
//! task, and applies the attempts' outcomes in batches.
//!
//! Nothing the queue knows lives only in its process: the running attempts and the outcomes not
//! yet recorded are kept in its [`QueueShared`], which outlives the process. A queue killed or
//! crashed at any point (while it records a batch, too) is restarted by its supervisor, and the
//! next incarnation records what the last one left: a job never stays executing on a node that
//! lives. A batch whose fate the killed process never heard is sent again; the attempt tokens
//! refuse what was already recorded.

use super::{Barrier, Finished, QueueShared, Ready, Shared, Wake, lock};
use crate::store::{Completion, CompletionOutcome, CompletionRequest};
use otp_core::prelude::*;
use std::sync::Arc;
use std::time::Duration;

/// The start argument of a queue's process.
#[derive(Clone)]
pub(crate) struct QueueArgs {
    pub(crate) shared: Arc<Shared>,
    pub(crate) queue: Arc<QueueShared>,
}

/// A queue's process.
pub(crate) struct Queue {
    shared: Arc<Shared>,
    local: Arc<QueueShared>,
    /// The last fetch took fewer jobs than it asked for: fetch again only when woken.
    drained: bool,
    /// The delay before trying the database again after an error.
    backoff: Duration,
    retry_armed: bool,
}

/// Try the database again.
#[derive(Debug)]
struct Retry;

const FIRST_BACKOFF: Duration = Duration::from_millis(250);
const MAX_BACKOFF: Duration = Duration::from_secs(10);

#[genserver]
impl Queue {
    #[init]
    fn init(args: QueueArgs, ctx: &mut Context<Self>) -> Self {
        *lock(&args.queue.pid) = Some(ctx.pid().clone());
        // Through the mailbox: collects what attempts of a previous incarnation left, then fetches.
        ctx.send_after(Duration::ZERO, Wake);
        Queue {
            shared: args.shared,
            local: args.queue,
            drained: false,
            backoff: FIRST_BACKOFF,
            retry_armed: false,
        }
    }

    #[handle_info]
    async fn wake(&mut self, _wake: Wake, ctx: &mut Context<Self>) {
        self.drained = false;
        self.collect();
        self.flush_and_fetch(ctx).await;
    }

    #[handle_info]
    async fn ready(&mut self, _ready: Ready, ctx: &mut Context<Self>) {
        if self.collect() > 0 {
            if self.drained {
                self.flush(ctx).await;
            } else {
                self.flush_and_fetch(ctx).await;
            }
        }
    }

    /// Answered between two handlers: a fetch that was under way when the request was sent
    /// (before a pause or a shutdown set the flag every fetch checks) has ended.
    #[handle_info]
    fn barrier(&mut self, request: Barrier) {
        let _ = request.0.send(());
    }

    #[handle_info]
    async fn retry(&mut self, _retry: Retry, ctx: &mut Context<Self>) {
        self.retry_armed = false;
        self.drained = false;
        self.collect();
        self.flush_and_fetch(ctx).await;
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        *lock(&self.local.pid) = None;
        if !reason.is_quiet() {
            // A crash: the attempts go on, and the next incarnation collects them and records
            // the outcomes still pending.
            return;
        }
        // The node's shutdown deadline, or this queue's own when only it is stopped.
        let deadline = if self.shared.is_stopping() {
            self.shared.grace_deadline()
        } else {
            tokio::time::Instant::now() + self.shared.config.shutdown_grace
        };
        loop {
            self.collect();
            if self.local.running() == 0 {
                break;
            }
            let finished = self.local.finished.notified();
            if tokio::time::timeout_at(deadline, finished).await.is_err() {
                break;
            }
        }
        self.collect();
        let abandoned: Vec<i64> = {
            let mut running = lock(&self.local.running);
            running
                .drain()
                .map(|(id, task)| {
                    task.abort();
                    id
                })
                .collect()
        };
        if !abandoned.is_empty() {
            tracing::warn!(
                queue = %self.local.name,
                jobs = ?abandoned,
                "shutdown grace elapsed: stopped running jobs, left executing for the lifeline"
            );
        }
        if self.has_pending() {
            let batch = self.requests();
            match self.shared.store.complete(batch).await {
                Ok(outcomes) => self.applied(&outcomes),
                Err(error) => tracing::error!(
                    queue = %self.local.name,
                    %error,
                    "could not record the last outcomes at shutdown: the lifeline will run those jobs again"
                ),
            }
        }
        self.shared.settled.notify_one();
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage) {
        tracing::warn!(queue = %self.local.name, ?msg, "queue: unexpected message");
    }
}

impl Queue {
    /// Moves ended attempts from the channel to the pending outcomes; returns how many.
    fn collect(&mut self) -> usize {
        let mut count = 0;
        {
            let mut done = lock(&self.local.done_rx);
            let mut running = lock(&self.local.running);
            let mut pending = lock(&self.local.pending);
            while let Ok(finished) = done.try_recv() {
                running.remove(&finished.job.id);
                pending.push(finished);
                count += 1;
            }
        }
        if count > 0 {
            self.shared.settled.notify_one();
        }
        count
    }

    fn has_pending(&self) -> bool {
        !lock(&self.local.pending).is_empty()
    }

    /// The batch of every pending outcome, each counted as sent. They stay pending until
    /// [`applied`](Self::applied): if this process stops before, its next incarnation sends them
    /// again.
    fn requests(&self) -> Vec<CompletionRequest> {
        let mut pending = lock(&self.local.pending);
        for finished in pending.iter_mut() {
            finished.sends += 1;
        }
        pending
            .iter()
            .map(|finished| CompletionRequest {
                job_id: finished.job.id,
                token: finished.token,
                completion: finished.completion.clone(),
            })
            .collect()
    }

    /// Applies the pending batch in one transaction; on an error keeps it and retries later.
    async fn flush(&mut self, ctx: &mut Context<Self>) {
        if !self.has_pending() {
            return;
        }
        let batch = self.requests();
        match self.shared.store.complete(batch).await {
            Ok(outcomes) => {
                self.applied(&outcomes);
                self.backoff = FIRST_BACKOFF;
            }
            Err(error) => {
                tracing::warn!(queue = %self.local.name, %error, "could not record job outcomes; retrying");
                self.arm_retry(ctx);
            }
        }
    }

    /// Applies the pending batch and fetches for the free slots: at the same time where the
    /// engine takes concurrent writers (PostgreSQL's row locks), which halves the round trips a
    /// cycle waits for; one after the other on SQLite, whose single writer would make them
    /// wait on each other. The fetch cannot take a job of the batch: those are still
    /// executing until the batch commits.
    async fn flush_and_fetch(&mut self, ctx: &mut Context<Self>) {
        if !self.has_pending() || !self.shared.store.concurrent_writes() {
            self.flush(ctx).await;
            self.fetch(ctx).await;
            return;
        }
        let store = Arc::clone(&self.shared.store);
        let complete = store.complete(self.requests());
        let (completed, ()) = tokio::join!(complete, self.fetch(ctx));
        match completed {
            Ok(outcomes) => self.applied(&outcomes),
            Err(error) => {
                tracing::warn!(queue = %self.local.name, %error, "could not record job outcomes; retrying");
                self.arm_retry(ctx);
            }
        }
    }

    /// Logs each outcome of the batch just applied and removes it from the pending outcomes
    /// (the batch was their oldest ones; any collected since stay).
    fn applied(&mut self, outcomes: &[CompletionOutcome]) {
        let recorded: Vec<Finished> = {
            let mut pending = lock(&self.local.pending);
            let count = outcomes.len().min(pending.len());
            pending.drain(..count).collect()
        };
        let mut next_due: Option<Duration> = None;
        for (finished, outcome) in recorded.iter().zip(outcomes) {
            log_outcome(finished, *outcome);
            if *outcome == CompletionOutcome::Applied
                && let Completion::Retry { backoff: delay, .. } | Completion::Snooze { delay } =
                    &finished.completion
            {
                next_due = Some(next_due.map_or(*delay, |due| due.min(*delay)));
            }
        }
        // The stager may sleep longer than that (no node notifies a retry).
        if let Some(delay) = next_due {
            self.shared.due_in(delay);
        }
    }

    /// Takes up to the free slots of available jobs and starts them.
    async fn fetch(&mut self, ctx: &mut Context<Self>) {
        if self.local.is_paused() || self.shared.is_stopping() {
            self.local.answered();
            return;
        }
        let limit = usize::try_from(self.local.limit()).unwrap_or(usize::MAX);
        let free = limit.saturating_sub(self.local.running());
        if free == 0 {
            self.local.answered();
            return;
        }
        let asked = u32::try_from(free).unwrap_or(u32::MAX);
        // In a task of its own, which starts what it fetched: a queue killed meanwhile (its
        // process aborted at this await) cannot leave fetched jobs executing with no attempt
        // running them, which no lifeline would rescue while this node lives. The attempts
        // report to the queue's next incarnation.
        let (shared, local) = (Arc::clone(&self.shared), Arc::clone(&self.local));
        let fetched = tokio::spawn(async move {
            let attempts = shared.store.fetch(&local.name, &shared.node, asked).await?;
            let count = attempts.len();
            for attempt in attempts {
                run_attempt(&shared, &local, attempt.job, attempt.token);
            }
            Ok::<_, crate::StoreError>(count)
        })
        .await
        .unwrap_or_else(|error| {
            Err(crate::StoreError::Corrupt {
                id: 0,
                reason: format!("the fetch task failed: {error}"),
            })
        });
        match fetched {
            Ok(count) => {
                *lock(&self.local.last_fetch) = Some(chrono::Utc::now());
                self.local.answered();
                self.backoff = FIRST_BACKOFF;
                self.drained = count < free;
            }
            Err(error) => {
                tracing::warn!(queue = %self.local.name, %error, "could not fetch jobs; retrying");
                self.arm_retry(ctx);
            }
        }
    }

    fn arm_retry(&mut self, ctx: &mut Context<Self>) {
        if !self.retry_armed {
            self.retry_armed = true;
            ctx.send_after(self.backoff, Retry);
            self.backoff = (self.backoff * 2).min(MAX_BACKOFF);
        }
    }
}

/// Starts an attempt in a task of its own, counted in the queue's running attempts until its
/// queue collects its outcome.
fn run_attempt(shared: &Shared, local: &Arc<QueueShared>, job: crate::Job, token: i64) {
    tracing::debug!(
        job.id = job.id,
        job.worker = %job.worker,
        job.queue = %job.queue,
        job.attempt = job.attempt,
        state = "executing",
        "job executing"
    );
    let queue = Arc::clone(local);
    let workers = Arc::clone(&shared.workers);
    let node = shared.node.clone();
    let id = job.id;
    let mut running = lock(&local.running);
    let task = tokio::spawn(async move {
        let completion = workers.run(job.clone(), &node).await;
        queue.report(Finished {
            job,
            token,
            completion,
            sends: 0,
        });
    });
    running.insert(id, task.abort_handle());
}

/// The tracing event of an applied (or fenced) outcome.
fn log_outcome(finished: &Finished, outcome: CompletionOutcome) {
    let job = &finished.job;
    if outcome == CompletionOutcome::Fenced && finished.sends > 1 {
        // Sent again by a restarted queue: most likely recorded by the first send.
        tracing::info!(
            job.id = job.id,
            job.worker = %job.worker,
            job.queue = %job.queue,
            job.attempt = job.attempt,
            "outcome sent again after the queue restarted: it was recorded before, or the \
             attempt was rescued, cancelled or run again meanwhile"
        );
        return;
    }
    if outcome == CompletionOutcome::Fenced {
        tracing::warn!(
            job.id = job.id,
            job.worker = %job.worker,
            job.queue = %job.queue,
            job.attempt = job.attempt,
            "fenced: the attempt was rescued, cancelled or run again meanwhile; its outcome is dropped"
        );
        return;
    }
    macro_rules! transition {
        ($level:ident, $state:literal, $($field:tt)*) => {
            tracing::$level!(
                job.id = job.id,
                job.worker = %job.worker,
                job.queue = %job.queue,
                job.attempt = job.attempt,
                state = $state,
                $($field)*
            )
        };
    }
    match &finished.completion {
        Completion::Completed => transition!(info, "completed", "job completed"),
        Completion::Retry { backoff, error } => {
            transition!(warn, "retryable", ?backoff, %error, "job failed; will retry");
        }
        Completion::Discard { error } => {
            transition!(error, "discarded", %error, "job failed its last attempt; discarded");
        }
        Completion::Cancel { reason } => transition!(info, "cancelled", %reason, "job cancelled"),
        Completion::Snooze { delay } => transition!(info, "scheduled", ?delay, "job snoozed"),
    }
}
