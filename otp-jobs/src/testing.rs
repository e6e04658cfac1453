//! Testing helpers, as `Oban.Testing` gives them: run a queue's jobs on demand and count the
//! outcomes, perform one worker directly, and query what is enqueued, all without sleeping.
//!
//! ```
//! use otp_jobs::prelude::*;
//! use otp_jobs::testing::{DrainOptions, Filter, perform_job};
//! use serde_json::json;
//!
//! #[derive(serde::Serialize, serde::Deserialize)]
//! struct Welcome { user_id: i64 }
//!
//! impl Worker for Welcome {
//!     const NAME: &'static str = "Welcome";
//!     async fn perform(self, _job: &Job) -> Result<(), JobError> {
//!         if self.user_id < 0 { Err(JobError::cancel("no such user")) } else { Ok(()) }
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! assert!(perform_job(Welcome { user_id: 1 }).await.is_ok());
//!
//! let config = JobsConfig::sqlite_memory().worker::<Welcome>().testing(Testing::Manual);
//! let jobs = Jobs::start_link(config).await?;
//! Welcome { user_id: 7 }.new_job().insert(&jobs).await?;
//! Welcome { user_id: -1 }.new_job().insert(&jobs).await?;
//! jobs.assert_enqueued(Filter::worker::<Welcome>().args(json!({"user_id": 7}))).await;
//!
//! let report = jobs.drain_queue(DrainOptions::new("default")).await?;
//! assert_eq!((report.completed, report.cancelled), (1, 1));
//! jobs.refute_enqueued(Filter::worker::<Welcome>()).await;
//! # Ok(())
//! # }
//! ```

use crate::store::{Completion, CompletionRequest, JobFilter};
use crate::{Job, JobError, JobState, Jobs, JobsError, Worker};
use chrono::Utc;

/// What [`Jobs::drain_queue`] runs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct DrainOptions {
    queue: String,
    with_scheduled: bool,
    with_recursion: bool,
}

impl DrainOptions {
    /// The available jobs of `queue`, once.
    pub fn new(queue: impl Into<String>) -> Self {
        Self {
            queue: queue.into(),
            with_scheduled: false,
            with_recursion: false,
        }
    }

    /// Also the jobs scheduled in the future (and retryable ones) when the drain starts.
    pub fn with_scheduled(mut self, with_scheduled: bool) -> Self {
        self.with_scheduled = with_scheduled;
        self
    }

    /// Again and again until the queue has nothing due: jobs that the drained jobs insert run
    /// too (not those they schedule in the future, nor retries after a backoff).
    pub fn with_recursion(mut self, with_recursion: bool) -> Self {
        self.with_recursion = with_recursion;
        self
    }
}

/// What a drain did, by outcome (Oban's `%{completed: n, ...}`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DrainReport {
    /// Performed successfully.
    pub completed: u64,
    /// Failed an attempt, with attempts left (Oban's `failure`).
    pub retryable: u64,
    /// Failed their last attempt.
    pub discarded: u64,
    /// Cancelled by their worker.
    pub cancelled: u64,
    /// Snoozed.
    pub snoozed: u64,
}

impl Jobs {
    /// Runs the due jobs of a queue in the calling task, one after another, and counts the
    /// outcomes (Oban.Testing's `drain_queue`). Meant for [`Testing::Manual`](crate::Testing),
    /// where nothing else runs them.
    pub async fn drain_queue(&self, options: DrainOptions) -> Result<DrainReport, JobsError> {
        let store = &self.shared.store;
        let mut report = DrainReport::default();
        store
            .stage(Some(&options.queue), options.with_scheduled)
            .await?;
        loop {
            let attempts = store
                .fetch(&options.queue, &self.shared.node, u32::MAX)
                .await?;
            if attempts.is_empty() {
                break;
            }
            for attempt in attempts {
                let completion = self
                    .shared
                    .workers
                    .run(attempt.job.clone(), &self.shared.node)
                    .await;
                match &completion {
                    Completion::Completed => report.completed += 1,
                    Completion::Retry { .. } => report.retryable += 1,
                    Completion::Discard { .. } => report.discarded += 1,
                    Completion::Cancel { .. } => report.cancelled += 1,
                    Completion::Snooze { .. } => report.snoozed += 1,
                }
                store
                    .complete(vec![CompletionRequest {
                        job_id: attempt.job.id,
                        token: attempt.token,
                        completion,
                    }])
                    .await?;
            }
            if !options.with_recursion {
                break;
            }
            store.stage(Some(&options.queue), false).await?;
        }
        Ok(report)
    }

    /// The enqueued jobs (available or scheduled) that match `filter`, by id (Oban.Testing's
    /// `all_enqueued`).
    pub async fn all_enqueued(&self, filter: Filter) -> Result<Vec<Job>, JobsError> {
        Ok(self.shared.store.list(filter.into_store_filter()).await?)
    }

    /// Panics unless a job matching `filter` is enqueued (Oban.Testing's `assert_enqueued`).
    ///
    /// # Panics
    ///
    /// When none is, or the database cannot be read; the message lists what is enqueued.
    pub async fn assert_enqueued(&self, filter: Filter) {
        let found = self.all_enqueued(filter.clone()).await;
        match found {
            Ok(found) if !found.is_empty() => {}
            Ok(_) => panic!(
                "expected a job matching {filter:?} to be enqueued; enqueued: {:?}",
                self.enqueued_summary().await
            ),
            Err(error) => panic!("could not read the enqueued jobs: {error}"),
        }
    }

    /// Panics if a job matching `filter` is enqueued (Oban.Testing's `refute_enqueued`).
    ///
    /// # Panics
    ///
    /// When one is, or the database cannot be read.
    pub async fn refute_enqueued(&self, filter: Filter) {
        match self.all_enqueued(filter.clone()).await {
            Ok(found) if found.is_empty() => {}
            Ok(found) => panic!(
                "expected no job matching {filter:?} to be enqueued; found: {:?}",
                summarize(&found)
            ),
            Err(error) => panic!("could not read the enqueued jobs: {error}"),
        }
    }

    async fn enqueued_summary(&self) -> Vec<String> {
        match self.all_enqueued(Filter::any()).await {
            Ok(jobs) => summarize(&jobs),
            Err(error) => vec![format!("(unreadable: {error})")],
        }
    }
}

fn summarize(jobs: &[Job]) -> Vec<String> {
    jobs.iter()
        .map(|job| format!("#{} {} in {} {}", job.id, job.worker, job.queue, job.args))
        .collect()
}

/// Which jobs [`Jobs::all_enqueued`] and the assertions look for.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Filter {
    worker: Option<String>,
    queue: Option<String>,
    args: Option<serde_json::Value>,
    states: Vec<JobState>,
}

impl Filter {
    /// Every enqueued job.
    pub fn any() -> Self {
        Self {
            worker: None,
            queue: None,
            args: None,
            states: vec![JobState::Available, JobState::Scheduled],
        }
    }

    /// The jobs of worker `W`.
    pub fn worker<W: Worker>() -> Self {
        Self::any().worker_named(W::NAME)
    }

    /// The jobs of the worker with this name.
    pub fn worker_named(mut self, name: impl Into<String>) -> Self {
        self.worker = Some(name.into());
        self
    }

    /// In this queue.
    pub fn queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = Some(queue.into());
        self
    }

    /// Whose arguments contain these (every key given, with an equal value; nested objects
    /// compare the same way).
    pub fn args(mut self, args: serde_json::Value) -> Self {
        self.args = Some(args);
        self
    }

    /// In these states instead of available or scheduled.
    pub fn states(mut self, states: &[JobState]) -> Self {
        self.states = states.to_vec();
        self
    }

    fn into_store_filter(self) -> JobFilter {
        JobFilter {
            worker: self.worker,
            queue: self.queue,
            states: self.states,
            args_contain: self.args,
            limit: None,
        }
    }
}

/// Performs `value` as a job would be, without a database: its arguments go through JSON as
/// stored ones do, and `perform` gets a job at its first attempt (Oban.Testing's `perform_job`).
/// A panic in `perform` propagates to the test.
pub async fn perform_job<W: Worker>(value: W) -> Result<(), JobError> {
    let args = value
        .to_args()
        .map_err(|error| JobError::msg(format!("the arguments do not serialize: {error}")))?;
    let value = W::from_args(&args).map_err(|error| {
        JobError::msg(format!(
            "the arguments do not deserialize as `{}`: {error}",
            W::NAME
        ))
    })?;
    let now = Utc::now();
    let job = Job {
        id: 0,
        state: JobState::Executing,
        queue: W::QUEUE.to_owned(),
        worker: W::NAME.to_owned(),
        args,
        meta: serde_json::Value::Object(serde_json::Map::new()),
        attempt: 1,
        max_attempts: W::MAX_ATTEMPTS,
        priority: W::PRIORITY,
        errors: Vec::new(),
        inserted_at: now,
        scheduled_at: now,
        attempted_at: Some(now),
        attempted_by: Some("test".to_owned()),
        finished_at: None,
        conflict: false,
    };
    value.perform(&job).await
}
