//! The workers a node can run, by name, and running one attempt of a job.

use crate::store::Completion;
use crate::{FailedOutcome, Job, JobError, Worker};
use futures_util::FutureExt;
use std::collections::HashMap;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;
use tracing::Instrument;

type PerformFuture = Pin<Box<dyn Future<Output = Result<(), JobError>> + Send>>;

/// A worker without its type: what the registry keeps.
pub(crate) trait ErasedWorker: Send + Sync {
    /// Reads the job's args as the worker's value and performs it.
    fn perform(&self, job: Job) -> PerformFuture;
    fn backoff(&self, attempt: u32) -> Duration;
    fn timeout(&self) -> Option<Duration>;
}

/// `W`, registered.
pub(crate) struct Registered<W>(PhantomData<fn() -> W>);

impl<W> Registered<W> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<W: Worker> ErasedWorker for Registered<W> {
    fn perform(&self, job: Job) -> PerformFuture {
        Box::pin(async move {
            let value = W::from_args(&job.args).map_err(|error| {
                JobError::msg(format!(
                    "the arguments do not deserialize as `{}`: {error}",
                    W::NAME
                ))
            })?;
            value.perform(&job).await
        })
    }

    fn backoff(&self, attempt: u32) -> Duration {
        W::backoff(attempt)
    }

    fn timeout(&self) -> Option<Duration> {
        W::TIMEOUT
    }
}

/// The registered workers by name.
#[derive(Clone, Default)]
pub(crate) struct Workers(HashMap<&'static str, Arc<dyn ErasedWorker>>);

impl Workers {
    pub(crate) fn insert(&mut self, name: &'static str, worker: Arc<dyn ErasedWorker>) {
        self.0.insert(name, worker);
    }

    pub(crate) fn names(&self) -> Vec<&'static str> {
        let mut names: Vec<_> = self.0.keys().copied().collect();
        names.sort_unstable();
        names
    }

    fn get(&self, name: &str) -> Option<&Arc<dyn ErasedWorker>> {
        self.0.get(name)
    }

    /// Runs one attempt of `job` (already counted: `job.attempt` is this attempt) in a span
    /// `otp_jobs.perform`, catching a panic and enforcing the worker's timeout, and decides how
    /// it ends. Never panics.
    pub(crate) async fn run(&self, job: Job, node: &str) -> Completion {
        let span = tracing::info_span!(
            "otp_jobs.perform",
            job.id = job.id,
            job.worker = %job.worker,
            job.queue = %job.queue,
            job.attempt = job.attempt,
        );
        let Some(worker) = self.get(&job.worker) else {
            let error = format!(
                "unknown worker `{}`: no worker of that name is registered on node {node}",
                job.worker
            );
            return decide(&job, Err(JobError::msg(error)), crate::default_backoff);
        };
        let timeout = worker.timeout();
        let perform = AssertUnwindSafe(worker.perform(job.clone()))
            .catch_unwind()
            .instrument(span);
        let caught = match timeout {
            Some(limit) => tokio::time::timeout(limit, perform)
                .await
                .map_err(|_| limit),
            None => Ok(perform.await),
        };
        let result = match caught {
            Ok(Ok(result)) => result,
            Ok(Err(panic)) => Err(JobError::msg(format!(
                "panicked: {}",
                panic_message(panic.as_ref())
            ))),
            Err(limit) => Err(JobError::msg(format!(
                "timed out after {}",
                format_duration(limit)
            ))),
        };
        decide(&job, result, |attempt| worker.backoff(attempt))
    }
}

/// How an attempt ends, from perform's result and the job's attempts.
pub(crate) fn decide(
    job: &Job,
    result: Result<(), JobError>,
    backoff: impl Fn(u32) -> Duration,
) -> Completion {
    match result.map_err(JobError::into_outcome) {
        Ok(()) => Completion::Completed,
        Err(FailedOutcome::Cancel(reason)) => Completion::Cancel { reason },
        Err(FailedOutcome::Snooze(delay)) => Completion::Snooze { delay },
        Err(FailedOutcome::Error(error)) if job.attempt >= job.max_attempts => {
            Completion::Discard { error }
        }
        Err(FailedOutcome::Error(error)) => Completion::Retry {
            backoff: backoff(job.attempt),
            error,
        },
    }
}

/// The message of a caught panic.
pub(crate) fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = panic.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = panic.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic with a non-string payload".to_owned()
    }
}

/// `30s`, `1.5s`, `250ms`.
pub(crate) fn format_duration(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration < Duration::from_secs(1) {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}s", duration.as_secs_f64())
    }
}
