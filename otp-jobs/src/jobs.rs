//! `Jobs`: the handle of a running node, and the child a supervisor starts (Oban's
//! `{Oban, config}` in the application's tree).

use crate::runtime::cron::Cron;
use crate::runtime::drainer::Drainer;
use crate::runtime::lifeline::{self, Lifeline};
use crate::runtime::pruner::Pruner;
use crate::runtime::queue::{Queue, QueueArgs};
use crate::runtime::stager::Stager;
use crate::runtime::{QueueShared, Shared, lock};
use crate::{Job, JobsConfig, JobsError, NewJob, Testing};
use otp_core::{
    Child, ChildSpec, ChildType, ExitReason, Pid, Shutdown, StartError, Strategy, SupervisorRef,
    SupervisorSpec,
};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, LazyLock, Mutex, Weak};
use std::time::Duration;

/// The runtimes of this OS process by the pid number of their supervisor: for
/// [`Child::handle`], and for a start under the node name of one that ended
/// ([`stop_ended_runtimes`]).
static RUNNING: LazyLock<Mutex<HashMap<u64, Runtime>>> = LazyLock::new(Mutex::default);

/// A runtime of this OS process.
struct Runtime {
    supervisor: Pid,
    shared: Weak<Shared>,
    /// Its queues, which its running attempts report to.
    queues: Vec<Arc<QueueShared>>,
}

impl Runtime {
    fn new(supervisor: Pid, shared: &Arc<Shared>) -> Self {
        Runtime {
            supervisor,
            shared: Arc::downgrade(shared),
            queues: shared.queues.values().cloned().collect(),
        }
    }

    /// Stops the attempts still running: the runtime's supervisor has ended (killed by its
    /// parent, say), so no queue of it records their outcomes. Their jobs stay executing, for a
    /// lifeline or the next start under the node's name to rescue.
    fn stop_attempts(&self) {
        for queue in &self.queues {
            queue.stop_attempts();
        }
    }
}

/// Forgets the runtimes whose supervisor has ended, stopping the attempts they still run (their
/// queues died with their supervisor; the attempts, plain tasks, did not). Called by each
/// runtime's watcher when its supervisor ends, and at every start before its rescue, so that a
/// start under an ended runtime's node name never runs that runtime's jobs beside it, whether
/// or not the runtime's own watcher has run yet.
fn stop_ended_runtimes() {
    lock(&RUNNING).retain(|_, runtime| {
        let alive = runtime.supervisor.is_alive();
        if !alive {
            runtime.stop_attempts();
        }
        alive
    });
}

/// A running jobs node: insert jobs, query them, control its queues. Cheap to clone.
///
/// Started by [`Jobs::start_link`], or as a child of a supervisor (`Jobs(config)` in
/// `supervisor!`): a supervisor of its own whose children are the lifeline, the stager, one
/// process per queue, the pruner and cron, each restarted on a crash. Its running jobs end
/// with it: when that supervisor is killed (by its parent, say), the attempts it ran are
/// stopped and their jobs left executing, for the lifeline of another node, or this node's next
/// start, to rescue; a job never runs twice at once in one OS process.
///
/// ```
/// use otp_jobs::prelude::*;
/// use otp_core::supervisor;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Hello { name: String }
///
/// impl Worker for Hello {
///     const NAME: &'static str = "Hello";
///     async fn perform(self, _job: &Job) -> Result<(), JobError> { Ok(()) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let config = JobsConfig::sqlite_memory().queue("default", 10).worker::<Hello>();
/// let app = supervisor! { strategy: one_for_one, children: [ Jobs(config) ] }.start_link().await?;
/// let jobs = app.child::<Jobs>("Jobs").await?.expect("running");
/// let job = Hello { name: "world".into() }.new_job().insert(&jobs).await?;
/// assert_eq!(job.state, JobState::Available);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Jobs {
    pub(crate) shared: Arc<Shared>,
    supervisor: SupervisorRef,
}

impl std::fmt::Debug for Jobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jobs")
            .field("node", &self.shared.node)
            .field("pid", &self.supervisor.pid())
            .finish_non_exhaustive()
    }
}

impl Jobs {
    /// Opens the database (applying the migrations), then starts the node's processes linked to
    /// the calling process.
    pub async fn start_link(config: JobsConfig) -> Result<Jobs, JobsError> {
        Self::start_with(config, None, true).await
    }

    /// As [`start_link`](Self::start_link), without a link.
    pub async fn start(config: JobsConfig) -> Result<Jobs, JobsError> {
        Self::start_with(config, None, false).await
    }

    async fn start_with(
        config: JobsConfig,
        name: Option<Arc<str>>,
        link: bool,
    ) -> Result<Jobs, JobsError> {
        config.validate()?;
        let store = config.open_store().await?;
        let node = config.node_name();
        let manual = config.testing == Testing::Manual;
        let shared = Arc::new(Shared::new(store, node, config));
        if !manual {
            // A node that starts runs nothing yet: jobs an earlier run under this name left
            // executing are orphans, rescued now along with any dead node's (once the attempts
            // an earlier run in this OS process still has are stopped).
            stop_ended_runtimes();
            shared.store.leave(&shared.node).await?;
            lifeline::rescue(&shared).await;
            shared
                .store
                .heartbeat(&shared.node, shared.config.lease)
                .await?;
        }
        let mut spec = SupervisorSpec::new(Strategy::OneForOne);
        if let Some(name) = name {
            spec = spec.name(name);
        }
        if !manual {
            spec = spec.child(Self::children(&shared));
        }
        let supervisor = if link {
            spec.start_link().await?
        } else {
            spec.start().await?
        };
        if !manual {
            // PostgreSQL's LISTEN: other nodes' inserts wake the local queues, and their queue
            // signals control them.
            if let Some(mut notifications) = shared.store.notifications().await? {
                // From now on the stager sleeps until the next due job (every insert of a
                // scheduled job notifies it): a round now finds when that is.
                shared.listening.store(true, Ordering::Release);
                shared.due_in(Duration::ZERO);
                let weak = Arc::downgrade(&shared);
                tokio::spawn(async move {
                    while let Some(notification) = notifications.recv().await {
                        let Some(shared) = weak.upgrade() else { return };
                        shared.notified(notification);
                    }
                    // The listener ended (its pool closed): the stager polls again.
                    if let Some(shared) = weak.upgrade() {
                        shared.listening.store(false, Ordering::Release);
                        shared.due_in(Duration::ZERO);
                    }
                });
            }
        }
        lock(&RUNNING).insert(
            supervisor.pid().id(),
            Runtime::new(supervisor.pid(), &shared),
        );
        if !manual {
            // The attempts end with the runtime, as linked processes would (registered first,
            // so that a runtime that ends at once is found).
            let watched = supervisor.pid();
            tokio::spawn(async move {
                watched.wait_exit().await;
                stop_ended_runtimes();
            });
        }
        Ok(Jobs { shared, supervisor })
    }

    /// The processes of a node that runs jobs, under one supervisor (so that the drainer, last,
    /// stops first).
    fn children(shared: &Arc<Shared>) -> ChildSpec {
        let grace = shared.config.shutdown_grace;
        let mut tree = SupervisorSpec::new(Strategy::OneForOne)
            .max_restarts(10)
            .child(ChildSpec::of::<Lifeline>(Arc::clone(shared)).with_id("lifeline"))
            .child(ChildSpec::of::<Stager>(Arc::clone(shared)).with_id("stager"));
        for queue in shared.queues.values() {
            let args = QueueArgs {
                shared: Arc::clone(shared),
                queue: Arc::clone(queue),
            };
            tree = tree.child(
                ChildSpec::of::<Queue>(args)
                    .with_id(format!("queue:{}", queue.name))
                    .with_shutdown(Shutdown::Timeout(grace + Duration::from_secs(5))),
            );
        }
        tree = tree
            .child(ChildSpec::of::<Pruner>(Arc::clone(shared)).with_id("pruner"))
            .child(ChildSpec::of::<Cron>(Arc::clone(shared)).with_id("cron"))
            .child(
                ChildSpec::of::<Drainer>(Arc::clone(shared))
                    .with_id("drainer")
                    .with_shutdown(Shutdown::Timeout(grace + Duration::from_secs(1))),
            );
        tree.into_child_spec("processes")
    }

    /// The pid of the node's supervisor.
    #[must_use]
    pub fn pid(&self) -> Pid {
        self.supervisor.pid()
    }

    /// This node's name.
    #[must_use]
    pub fn node(&self) -> &str {
        &self.shared.node
    }

    /// Stops the node gracefully: queues stop fetching, running jobs get the shutdown grace to
    /// finish, then the processes stop (see [`JobsConfig::shutdown_grace`]).
    pub async fn shutdown(&self) -> Result<(), JobsError> {
        self.supervisor
            .stop(ExitReason::Shutdown)
            .await
            .map_err(|error| JobsError::NotRunning(error.to_string()))
    }

    /// Inserts a job: available at once (the queue is woken) or scheduled. A unique job that
    /// conflicts returns the existing job with `conflict` set instead.
    pub async fn insert(&self, job: NewJob) -> Result<Job, JobsError> {
        let mut jobs = self.insert_all([job]).await?;
        jobs.pop()
            .ok_or_else(|| JobsError::NotRunning("the insert returned no job".to_owned()))
    }

    /// Inserts jobs in one transaction, in order (Oban's `insert_all`).
    pub async fn insert_all(
        &self,
        jobs: impl IntoIterator<Item = NewJob>,
    ) -> Result<Vec<Job>, JobsError> {
        let inserts = NewJob::resolve_all(jobs)?;
        let jobs = self.shared.store.insert(inserts).await?;
        for job in &jobs {
            if job.conflict {
                tracing::debug!(
                    job.id = job.id,
                    job.worker = %job.worker,
                    job.queue = %job.queue,
                    job.attempt = job.attempt,
                    "unique job conflict: the existing job is returned"
                );
                continue;
            }
            tracing::debug!(
                job.id = job.id,
                job.worker = %job.worker,
                job.queue = %job.queue,
                job.attempt = job.attempt,
                state = %job.state,
                "job inserted"
            );
        }
        let mut woken: Vec<&str> = Vec::new();
        for job in &jobs {
            if !job.conflict
                && job.state == crate::JobState::Available
                && !woken.contains(&job.queue.as_str())
            {
                woken.push(&job.queue);
                self.shared.wake(&job.queue);
            }
        }
        Ok(jobs)
    }

    /// One job by id.
    pub async fn job(&self, id: i64) -> Result<Option<Job>, JobsError> {
        Ok(self.shared.store.get(id).await?)
    }

    /// Cancels a job that has not finished (Oban's `cancel_job`): a running attempt goes on, but
    /// its outcome is refused. Returns the job after the change (unchanged if it had finished),
    /// `None` if there is no such job.
    pub async fn cancel(&self, id: i64) -> Result<Option<Job>, JobsError> {
        let job = self.shared.store.cancel(id).await?;
        if let Some(job) = &job {
            tracing::info!(
                job.id = job.id,
                job.worker = %job.worker,
                job.queue = %job.queue,
                job.attempt = job.attempt,
                state = %job.state,
                "job cancelled"
            );
        }
        Ok(job)
    }

    /// Makes a job that is not executing or available available now, with one more attempt if it
    /// used them all (Oban's `retry_job`). Returns the job after the change.
    pub async fn retry(&self, id: i64) -> Result<Option<Job>, JobsError> {
        let job = self.shared.store.retry(id).await?;
        if let Some(job) = &job {
            tracing::info!(
                job.id = job.id,
                job.worker = %job.worker,
                job.queue = %job.queue,
                job.attempt = job.attempt,
                state = %job.state,
                "job retried"
            );
            self.shared.wake(&job.queue);
        }
        Ok(job)
    }
}

impl Child for Jobs {
    type Args = JobsConfig;
    type Handle = Jobs;

    fn child_spec(config: JobsConfig) -> ChildSpec {
        ChildSpec::from_fn("Jobs", move |name| {
            let config = config.clone();
            async move {
                Jobs::start_with(config, name, true)
                    .await
                    .map(|jobs| jobs.pid())
                    .map_err(|error| StartError::Init(ExitReason::error(error)))
            }
        })
        .with_child_type(ChildType::Supervisor)
    }

    fn handle(pid: &Pid) -> Option<Jobs> {
        let shared = lock(&RUNNING).get(&pid.id())?.shared.upgrade()?;
        let supervisor = SupervisorRef::from_pid(pid)?;
        Some(Jobs { shared, supervisor })
    }
}
