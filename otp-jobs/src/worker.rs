//! The `Worker` trait: what a job does, and its defaults (queue, attempts, priority, uniqueness).

use crate::{Job, JobError, JobState};
use serde::{Deserialize, Serialize};
use std::future::Future;
use std::time::Duration;

/// A kind of job: its arguments are the implementing value (stored as JSON), `perform` is what
/// runs. Written by `#[worker(...)]` on an `impl` block (Oban's `use Oban.Worker, ...`); the
/// constants are the options of that attribute.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a worker",
    label = "not a worker",
    note = "add `#[worker]` (or `#[worker(queue = \"...\")]`) to an `impl` block of `{Self}` with an `async fn perform`"
)]
pub trait Worker: JobArgs + Send + Sync + 'static {
    /// The name stored on each job: nodes find the worker that runs a job by it. The macro uses
    /// the type's path (`my_app::workers::SendEmail`) unless `name = "..."` is given; renaming or
    /// moving the type orphans stored jobs unless the old name is kept with `name`.
    const NAME: &'static str;
    /// The queue its jobs go to unless the insert says otherwise.
    const QUEUE: &'static str = "default";
    /// The attempts a job may take before it is discarded (Oban's default, 20).
    const MAX_ATTEMPTS: u32 = 20;
    /// 0 (first) to 9 (last).
    const PRIORITY: u8 = 0;
    /// How long one attempt may run before it is stopped and counted as failed; `None` for no
    /// limit.
    const TIMEOUT: Option<Duration> = None;
    /// Whether, and how, its jobs are unique.
    const UNIQUE: Option<Unique> = None;

    /// The delay before the retry that follows failed attempt number `attempt` (1 for the
    /// first); Oban's `15 + 2^attempt` seconds with up to 10% jitter unless overridden.
    #[must_use]
    fn backoff(attempt: u32) -> Duration {
        default_backoff(attempt)
    }

    /// Runs the job. `Ok(())` completes it; see [`JobError`] for the other outcomes. A panic or a
    /// timeout counts as a failed attempt.
    fn perform(self, job: &Job) -> impl Future<Output = Result<(), JobError>> + Send;
}

/// `new_job` for every [`Worker`] (in the prelude): `SendEmail { .. }.new_job()`, Oban's
/// `Worker.new/2`.
///
/// It stands beside `Worker` rather than in it: a method of `Worker` requires all of
/// `Worker`'s supertraits where it is called, so a worker type without the serde derives would
/// be an error at every `new_job` as well as the one on the type.
///
/// ```
/// use otp_jobs::prelude::*;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Ping;
///
/// #[worker(queue = "pings", priority = 2)]
/// impl Ping {
///     async fn perform(self, _job: &Job) -> Result<(), JobError> {
///         Ok(())
///     }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().testing(Testing::Manual)).await?;
/// let job = Ping.new_job().insert(&jobs).await?;
/// assert_eq!((job.queue.as_str(), job.priority), ("pings", 2));
/// # Ok(())
/// # }
/// ```
pub trait WorkerExt: Worker {
    /// A job of this value, with this worker's defaults, ready to be adjusted and inserted
    /// (Oban's `Worker.new/2`): `SendEmail { .. }.new_job().schedule_in(d).insert(&jobs)`.
    fn new_job(&self) -> crate::NewJob
    where
        Self: Sized,
    {
        crate::NewJob::new(self)
    }
}

impl<W: Worker> WorkerExt for W {}

/// What a job's arguments can be: every type that is `Serialize` and `DeserializeOwned` (derive
/// both). A worker's value is stored as JSON on its job and read back when the job runs.
///
/// It stands between [`Worker`] and serde so that a worker type without the derives is one
/// error on the type that says what to add, rather than one per missing serde trait.
///
/// ```
/// use otp_jobs::JobArgs;
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
/// struct SendEmail {
///     user_id: i64,
/// }
///
/// let args = SendEmail { user_id: 7 }.to_args()?;
/// assert_eq!(args, serde_json::json!({ "user_id": 7 }));
/// assert_eq!(SendEmail::from_args(&args)?, SendEmail { user_id: 7 });
/// # Ok::<(), serde_json::Error>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a job's arguments: it is not `Serialize` and `Deserialize`",
    label = "derive `Serialize` and `Deserialize` for this type",
    note = "add `#[derive(serde::Serialize, serde::Deserialize)]` to `{Self}`: a job stores its worker's value as JSON"
)]
pub trait JobArgs: Sized {
    /// The value as the JSON stored on its job.
    fn to_args(&self) -> Result<serde_json::Value, serde_json::Error>;

    /// The value back from a job's stored JSON.
    fn from_args(args: &serde_json::Value) -> Result<Self, serde_json::Error>;
}

#[diagnostic::do_not_recommend]
impl<T: Serialize + for<'de> Deserialize<'de>> JobArgs for T {
    fn to_args(&self) -> Result<serde_json::Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    fn from_args(args: &serde_json::Value) -> Result<Self, serde_json::Error> {
        T::deserialize(args)
    }
}

/// Oban's backoff: `15 + 2^attempt` seconds plus up to 10% jitter, capped so it never
/// overflows.
///
/// ```
/// use std::time::Duration;
/// let delay = otp_jobs::default_backoff(3);
/// assert!(delay >= Duration::from_secs(23) && delay <= Duration::from_secs_f64(23.0 * 1.1));
/// ```
#[must_use]
pub fn default_backoff(attempt: u32) -> Duration {
    let base = 15.0 + 2f64.powi(i32::try_from(attempt.min(32)).unwrap_or(32));
    Duration::from_secs_f64(base * (1.0 + fastrand::f64() * 0.1))
}

/// What a job's uniqueness compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UniqueField {
    /// The arguments (all of them, or the listed keys).
    Args,
    /// The queue.
    Queue,
    /// The worker.
    Worker,
}

/// A worker's uniqueness, as Oban's `unique:` option: an insert that matches a job inserted within
/// `period`, in one of `states`, on `fields` (and on `keys` of the arguments when given), returns
/// that job marked as a conflict instead of inserting a new one. Enforced by a unique index, so
/// concurrent inserts from many nodes cannot duplicate.
///
/// ```
/// use otp_jobs::{Unique, UniqueField};
/// use std::time::Duration;
///
/// const REPORT: Unique = Unique::new()
///     .period(Duration::from_secs(300))
///     .fields(&[UniqueField::Args, UniqueField::Worker])
///     .keys(&["report_id"]);
/// assert_eq!(REPORT.period_limit(), Some(Duration::from_secs(300)));
/// assert_eq!(Unique::new().period_limit(), Some(Duration::from_secs(60)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unique {
    period: Option<Duration>,
    fields: &'static [UniqueField],
    keys: &'static [&'static str],
    states: &'static [JobState],
}

impl Unique {
    /// The states a unique job is compared in by default: all but cancelled and discarded.
    pub const DEFAULT_STATES: &'static [JobState] = &[
        JobState::Scheduled,
        JobState::Available,
        JobState::Executing,
        JobState::Retryable,
        JobState::Completed,
    ];

    /// Oban's defaults: a period of 60 s, fields args, queue and worker, all arguments, states
    /// [`DEFAULT_STATES`](Self::DEFAULT_STATES).
    #[must_use]
    pub const fn new() -> Self {
        Self {
            period: Some(Duration::from_secs(60)),
            fields: &[UniqueField::Args, UniqueField::Queue, UniqueField::Worker],
            keys: &[],
            states: Self::DEFAULT_STATES,
        }
    }

    /// Compares with jobs inserted within `period`.
    #[must_use]
    pub const fn period(mut self, period: Duration) -> Self {
        self.period = Some(period);
        self
    }

    /// Compares with jobs inserted at any time (Oban's `period: :infinity`).
    #[must_use]
    pub const fn forever(mut self) -> Self {
        self.period = None;
        self
    }

    /// The fields compared.
    #[must_use]
    pub const fn fields(mut self, fields: &'static [UniqueField]) -> Self {
        self.fields = fields;
        self
    }

    /// Only these top-level keys of the arguments are compared (with [`UniqueField::Args`]).
    #[must_use]
    pub const fn keys(mut self, keys: &'static [&'static str]) -> Self {
        self.keys = keys;
        self
    }

    /// The states in which an existing job counts as a duplicate.
    #[must_use]
    pub const fn states(mut self, states: &'static [JobState]) -> Self {
        self.states = states;
        self
    }

    /// The period; `None` when unique forever.
    #[must_use]
    pub const fn period_limit(&self) -> Option<Duration> {
        self.period
    }

    /// The fields compared.
    #[must_use]
    pub const fn compared_fields(&self) -> &'static [UniqueField] {
        self.fields
    }

    /// The argument keys compared; empty for all.
    #[must_use]
    pub const fn compared_keys(&self) -> &'static [&'static str] {
        self.keys
    }

    /// The states in which a job counts as a duplicate.
    #[must_use]
    pub const fn compared_states(&self) -> &'static [JobState] {
        self.states
    }
}

impl Default for Unique {
    fn default() -> Self {
        Self::new()
    }
}

/// What `#[worker]` accepts as `perform`'s return type: `()` or `Result<(), E>` for any error
/// that converts into [`JobError`].
#[diagnostic::on_unimplemented(
    message = "`perform` cannot return `{Self}`",
    label = "return `()` or `Result<(), E>` where `E` converts into `otp_jobs::JobError`",
    note = "every `std::error::Error` converts into `JobError`; use `JobError::cancel(..)` or `JobError::snooze(..)` for the other outcomes"
)]
pub trait IntoPerformResult {
    /// The result as a `Result<(), JobError>`.
    fn into_perform_result(self) -> Result<(), JobError>;
}

impl IntoPerformResult for () {
    fn into_perform_result(self) -> Result<(), JobError> {
        Ok(())
    }
}

#[diagnostic::do_not_recommend]
impl<E: Into<JobError>> IntoPerformResult for Result<(), E> {
    fn into_perform_result(self) -> Result<(), JobError> {
        self.map_err(Into::into)
    }
}
