//! `Stats`: counts by queue and state, and how each local queue is doing.

use crate::runtime::lock;
use crate::{JobState, Jobs, JobsError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// A snapshot of the jobs in the database by queue and state, and of this node's queues.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Stats {
    /// This node's name.
    pub node: String,
    /// The nodes whose heartbeat is live (this one included, unless in manual testing mode).
    pub nodes: Vec<String>,
    /// This node is shutting down and its queues have stopped fetching: a job inserted from now
    /// on is not taken by this node (a fetch under way when shutdown began has ended).
    pub stopping: bool,
    /// Every queue with jobs in the database or running on this node, by name.
    pub queues: Vec<QueueStats>,
}

impl Stats {
    /// The queue named `name`, if it has jobs or runs here.
    #[must_use]
    pub fn queue(&self, name: &str) -> Option<&QueueStats> {
        self.queues.iter().find(|queue| queue.name == name)
    }
}

/// One queue: its jobs by state (every node's), and this node's process for it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct QueueStats {
    /// The queue's name.
    pub name: String,
    /// Its jobs by state; a state without jobs is absent.
    pub counts: BTreeMap<JobState, u64>,
    /// This node's process for the queue, if it runs here.
    pub local: Option<LocalQueue>,
}

impl QueueStats {
    /// The number of its jobs in `state`.
    #[must_use]
    pub fn count(&self, state: JobState) -> u64 {
        self.counts.get(&state).copied().unwrap_or_default()
    }
}

/// A queue as it runs on this node.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LocalQueue {
    /// At most this many of its jobs run at once here.
    pub limit: u32,
    /// Running here now.
    pub running: u32,
    /// Paused: fetching nothing.
    pub paused: bool,
    /// When it last fetched (this node's clock); `None` if never.
    pub last_fetch: Option<DateTime<Utc>>,
    /// It has available jobs and free slots, is not paused, and a wake-up (an insert's, the
    /// stager's) has waited more than five stage intervals for it to fetch: a queue that
    /// silently stopped, or whose fetches keep failing. When no job is inserted, the stager's
    /// wake-up comes at least every
    /// [`max_stage_interval`](crate::JobsConfig::max_stage_interval).
    pub stalled: bool,
}

impl Jobs {
    /// Counts by queue and state, and this node's queues (Oban's `check_queue`, with a stalled
    /// flag).
    ///
    /// ```
    /// use otp_jobs::prelude::*;
    ///
    /// #[derive(serde::Serialize, serde::Deserialize)]
    /// struct Ping;
    ///
    /// impl Worker for Ping {
    ///     const NAME: &'static str = "Ping";
    ///     async fn perform(self, _job: &Job) -> Result<(), JobError> { Ok(()) }
    /// }
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = JobsConfig::sqlite_memory().queue("default", 5).testing(Testing::Manual);
    /// let jobs = Jobs::start_link(config).await?;
    /// let job = Ping.new_job().insert(&jobs).await?;
    /// Ping.new_job().insert(&jobs).await?;
    /// jobs.cancel(job.id).await?;
    ///
    /// let stats = jobs.stats().await?;
    /// let default = stats.queue("default").expect("it has jobs");
    /// assert_eq!(default.count(JobState::Available), 1);
    /// assert_eq!(default.count(JobState::Cancelled), 1);
    /// assert_eq!(default.local.as_ref().map(|local| local.limit), Some(5));
    ///
    /// let retried = jobs.retry(job.id).await?.expect("the job exists");
    /// assert_eq!(retried.state, JobState::Available);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn stats(&self) -> Result<Stats, JobsError> {
        let mut queues: BTreeMap<String, QueueStats> = BTreeMap::new();
        for (queue, state, count) in self.shared.store.counts().await? {
            queues
                .entry(queue.clone())
                .or_insert_with(|| QueueStats {
                    name: queue,
                    counts: BTreeMap::new(),
                    local: None,
                })
                .counts
                .insert(state, count);
        }
        let manual = self.shared.config.testing == crate::Testing::Manual;
        let stall_after = chrono::TimeDelta::from_std(self.shared.config.stage_interval * 5)
            .unwrap_or(chrono::TimeDelta::MAX);
        let now = Utc::now();
        for (name, local) in &self.shared.queues {
            let stats = queues.entry(name.clone()).or_insert_with(|| QueueStats {
                name: name.clone(),
                counts: BTreeMap::new(),
                local: None,
            });
            let limit = local.limit();
            let running = u32::try_from(local.running()).unwrap_or(u32::MAX);
            let paused = local.is_paused();
            let last_fetch = *lock(&local.last_fetch);
            let waiting = *lock(&local.wake_pending_since);
            let stalled = !manual
                && !paused
                && !self.shared.is_stopping()
                && running < limit
                && stats.count(JobState::Available) > 0
                && waiting.is_some_and(|since| now - since > stall_after);
            stats.local = Some(LocalQueue {
                limit,
                running,
                paused,
                last_fetch,
                stalled,
            });
        }
        Ok(Stats {
            node: self.shared.node.clone(),
            nodes: self.shared.store.live_nodes().await?,
            stopping: self.shared.has_stopped_fetching(),
            queues: queues.into_values().collect(),
        })
    }
}
