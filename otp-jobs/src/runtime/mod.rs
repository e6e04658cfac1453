//! The running runtime: the state its processes share, and the processes (one per queue, the
//! stager, the lifeline, the pruner, cron, and the drainer that makes shutdown graceful).

pub(crate) mod cron;
pub(crate) mod drainer;
#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod intercepted;
pub(crate) mod lifeline;
pub(crate) mod pruner;
pub(crate) mod queue;
#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod queue_tests;
pub(crate) mod signal;
pub(crate) mod stager;
#[cfg(all(test, feature = "sqlite", feature = "postgres"))]
mod stager_tests;

use self::signal::{Notification, QueueAction};

use crate::registry::Workers;
use crate::store::{Completion, Store};
use crate::{Job, JobsConfig};
use chrono::{DateTime, Utc};
use otp_core::Pid;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::task::AbortHandle;
use tokio::time::Instant;

/// Locks a mutex, recovering it from a panic elsewhere (the data stays consistent: every
/// critical section is a single insert, remove or read).
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// What the processes of one running [`Jobs`](crate::Jobs) share.
pub(crate) struct Shared {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) node: String,
    pub(crate) config: JobsConfig,
    pub(crate) workers: Arc<Workers>,
    pub(crate) queues: HashMap<String, Arc<QueueShared>>,
    /// Set when shutdown begins: queues stop fetching.
    pub(crate) stopping: AtomicBool,
    /// Set once every queue has acknowledged `stopping`: no fetch is under way any more, so a
    /// job inserted from then on is not taken by this node.
    pub(crate) fetching_stopped: AtomicBool,
    /// When running jobs are stopped, once shutdown has begun.
    pub(crate) grace_deadline: Mutex<Option<Instant>>,
    /// Notified when a queue's running jobs finish.
    pub(crate) settled: Notify,
    /// Set while the node hears notifications (PostgreSQL's LISTEN works): the stager then
    /// sleeps until the next job is due, rather than running every stage interval.
    pub(crate) listening: AtomicBool,
    /// The stager's process, while it runs.
    pub(crate) stager: Mutex<Option<Pid>>,
}

impl Shared {
    pub(crate) fn new(store: Arc<dyn Store>, node: String, config: JobsConfig) -> Self {
        let queues = config
            .queues
            .iter()
            .map(|(name, limit)| (name.clone(), Arc::new(QueueShared::new(name, *limit))))
            .collect();
        Self {
            store,
            node,
            workers: Arc::new(config.workers.clone()),
            config,
            queues,
            stopping: AtomicBool::new(false),
            fetching_stopped: AtomicBool::new(false),
            grace_deadline: Mutex::new(None),
            settled: Notify::new(),
            listening: AtomicBool::new(false),
            stager: Mutex::new(None),
        }
    }

    /// Wakes the local queue `name`, if it runs here.
    pub(crate) fn wake(&self, name: &str) {
        if let Some(queue) = self.queues.get(name) {
            queue.wake();
        }
    }

    /// Tells the stager that a job waits until `delay` from now: it runs a round then, if it
    /// would sleep longer.
    pub(crate) fn due_in(&self, delay: Duration) {
        if let Some(pid) = lock(&self.stager).as_ref() {
            pid.send(stager::DueIn(delay));
        }
    }

    /// Whether the node hears notifications, so that the stager may sleep until the next due
    /// job.
    pub(crate) fn is_listening(&self) -> bool {
        self.listening.load(Ordering::Acquire)
    }

    /// Applies what a node said: a wake-up, a due time, or a queue signal (not this node's own
    /// echo; ignored for a queue that does not run here).
    pub(crate) fn notified(&self, notification: Notification) {
        match notification {
            Notification::Available(queue) => self.wake(&queue),
            Notification::Due(delay) => self.due_in(delay),
            Notification::Signal(signal) => {
                if signal.from == self.node {
                    return;
                }
                if let Some(queue) = self.queues.get(&signal.queue) {
                    tracing::info!(
                        queue = %signal.queue,
                        from = %signal.from,
                        action = ?signal.action,
                        "queue signal from another node applied"
                    );
                    queue.control(signal.action);
                }
            }
        }
    }

    pub(crate) fn is_stopping(&self) -> bool {
        self.stopping.load(Ordering::Acquire)
    }

    /// Whether every queue has stopped fetching for the shutdown.
    pub(crate) fn has_stopped_fetching(&self) -> bool {
        self.fetching_stopped.load(Ordering::Acquire)
    }

    /// Fetching again after the processes restarted together.
    pub(crate) fn reset_stopping(&self) {
        *lock(&self.grace_deadline) = None;
        self.fetching_stopped.store(false, Ordering::Release);
        self.stopping.store(false, Ordering::Release);
    }

    /// The instant running jobs are stopped at: set when shutdown begins.
    pub(crate) fn grace_deadline(&self) -> Instant {
        *lock(&self.grace_deadline)
            .get_or_insert_with(|| Instant::now() + self.config.shutdown_grace)
    }

    /// The number of jobs running in every queue of this node.
    pub(crate) fn running(&self) -> usize {
        self.queues.values().map(|queue| queue.running()).sum()
    }
}

/// An attempt that ended: what its queue applies in its next batch.
#[derive(Debug)]
pub(crate) struct Finished {
    pub(crate) job: Job,
    pub(crate) token: i64,
    pub(crate) completion: Completion,
    /// How many times a batch carrying it was handed to the store: more than once when a queue
    /// process stopped (killed, crashed) before it heard whether the batch was recorded.
    pub(crate) sends: u32,
}

/// One queue's state, shared by the queue's process (across its restarts), the tasks running its
/// jobs, and the [`Jobs`](crate::Jobs) handle.
pub(crate) struct QueueShared {
    pub(crate) name: String,
    pub(crate) limit: AtomicU32,
    pub(crate) paused: AtomicBool,
    /// The running attempts by job id.
    pub(crate) running: Mutex<HashMap<i64, AbortHandle>>,
    pub(crate) done_tx: UnboundedSender<Finished>,
    pub(crate) done_rx: Mutex<UnboundedReceiver<Finished>>,
    /// Ended attempts whose outcome is not recorded yet, oldest first. Kept here rather than in
    /// the queue's process, and removed only once the store has recorded them: a queue process
    /// killed or crashed while it records a batch leaves it to its next incarnation, so that no
    /// job stays executing on a node that lives (whose jobs the lifeline does not rescue).
    pub(crate) pending: Mutex<Vec<Finished>>,
    /// Notified by each attempt that ends.
    pub(crate) finished: Notify,
    /// The queue's process, while it runs.
    pub(crate) pid: Mutex<Option<Pid>>,
    pub(crate) last_fetch: Mutex<Option<DateTime<Utc>>>,
    /// Since when a wake-up has waited for the queue to fetch (or to find it has no room).
    pub(crate) wake_pending_since: Mutex<Option<DateTime<Utc>>>,
}

/// A wake-up for a queue: jobs may be available.
#[derive(Debug)]
pub(crate) struct Wake;

/// A wake-up for a queue: attempts ended.
#[derive(Debug)]
pub(crate) struct Ready;

/// A request to a queue, answered between two of its handlers: when the answer comes, no fetch
/// that began before the request is still under way.
#[derive(Debug)]
pub(crate) struct Barrier(pub(crate) tokio::sync::oneshot::Sender<()>);

impl QueueShared {
    fn new(name: &str, limit: u32) -> Self {
        let (done_tx, done_rx) = unbounded_channel();
        Self {
            name: name.to_owned(),
            limit: AtomicU32::new(limit),
            paused: AtomicBool::new(false),
            running: Mutex::new(HashMap::new()),
            done_tx,
            done_rx: Mutex::new(done_rx),
            pending: Mutex::new(Vec::new()),
            finished: Notify::new(),
            pid: Mutex::new(None),
            last_fetch: Mutex::new(None),
            wake_pending_since: Mutex::new(None),
        }
    }

    pub(crate) fn wake(&self) {
        lock(&self.wake_pending_since).get_or_insert_with(Utc::now);
        if let Some(pid) = lock(&self.pid).as_ref() {
            pid.send(Wake);
        }
    }

    /// The queue answered its wake-ups: it fetched, or has no room or is paused.
    pub(crate) fn answered(&self) {
        *lock(&self.wake_pending_since) = None;
    }

    pub(crate) fn running(&self) -> usize {
        lock(&self.running).len()
    }

    /// Stops the running attempts (their runtime ended): their jobs stay executing, for a
    /// lifeline to rescue.
    pub(crate) fn stop_attempts(&self) {
        let stopped: Vec<i64> = lock(&self.running)
            .drain()
            .map(|(id, task)| {
                task.abort();
                id
            })
            .collect();
        if !stopped.is_empty() {
            tracing::warn!(
                queue = %self.name,
                jobs = ?stopped,
                "the jobs runtime ended: stopped its running jobs, left executing for the lifeline"
            );
        }
    }

    /// Sends a [`Barrier`] to the queue's process; `None` when no process runs (so no fetch is
    /// under way). The answer is awaited on the receiver.
    pub(crate) fn barrier(&self) -> Option<tokio::sync::oneshot::Receiver<()>> {
        let pid = lock(&self.pid).clone()?;
        let (answer, answered) = tokio::sync::oneshot::channel();
        pid.send(Barrier(answer));
        Some(answered)
    }

    /// Applies a change of the queue's control (this node's queue only): paused, resumed or
    /// scaled. A fetch already under way is not waited for (see [`barrier`](Self::barrier)).
    pub(crate) fn control(&self, action: QueueAction) {
        match action {
            QueueAction::Pause => self.paused.store(true, Ordering::Release),
            QueueAction::Resume => {
                self.paused.store(false, Ordering::Release);
                self.wake();
            }
            QueueAction::Scale { limit } => {
                self.limit.store(limit, Ordering::Release);
                self.wake();
            }
        }
    }

    pub(crate) fn limit(&self) -> u32 {
        self.limit.load(Ordering::Acquire)
    }

    pub(crate) fn is_paused(&self) -> bool {
        self.paused.load(Ordering::Acquire)
    }

    /// Called by an attempt's task when it ends.
    pub(crate) fn report(&self, finished: Finished) {
        let _ = self.done_tx.send(finished);
        self.finished.notify_one();
        if let Some(pid) = lock(&self.pid).as_ref() {
            pid.send(Ready);
        }
    }
}
