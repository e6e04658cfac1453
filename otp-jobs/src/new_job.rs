//! `NewJob`: a job about to be inserted, with its options (Oban's `Worker.new/2` changeset).

use crate::store::{JobInsert, Schedule, UniqueInsert};
use crate::{Job, JobsError, Unique, UniqueField, Worker};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use std::time::Duration;

/// A job to insert: a worker's value with the worker's defaults, adjusted by the builder
/// methods, then inserted with [`insert`](NewJob::insert), [`Jobs::insert_all`](crate::Jobs::insert_all)
/// or, inside a transaction of the caller's own, [`insert_in`](NewJob::insert_in).
///
/// It forgets the worker's type, so that jobs of several workers go in one batch.
///
/// ```
/// use otp_jobs::prelude::*;
/// use std::time::Duration;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct SendEmail { user_id: i64 }
///
/// impl Worker for SendEmail {
///     const NAME: &'static str = "SendEmail";
///     const QUEUE: &'static str = "mailers";
///     async fn perform(self, _job: &Job) -> Result<(), JobError> { Ok(()) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let jobs = Jobs::start_link(JobsConfig::sqlite_memory().testing(Testing::Manual)).await?;
/// let job = SendEmail { user_id: 1 }
///     .new_job()
///     .schedule_in(Duration::from_secs(3600))
///     .priority(3)
///     .insert(&jobs)
///     .await?;
/// assert_eq!((job.queue.as_str(), job.state, job.priority), ("mailers", JobState::Scheduled, 3));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a new job does nothing until it is inserted"]
pub struct NewJob {
    worker: &'static str,
    args: Result<serde_json::Value, String>,
    queue: String,
    meta: serde_json::Value,
    max_attempts: u32,
    priority: u8,
    schedule: Schedule,
    unique: Option<Unique>,
}

impl NewJob {
    /// A job of `value`'s worker, with the worker's queue, attempts, priority and uniqueness.
    /// ([`WorkerExt::new_job`](crate::WorkerExt::new_job) calls this.)
    pub fn new<W: Worker>(value: &W) -> Self {
        Self {
            worker: W::NAME,
            args: value.to_args().map_err(|error| error.to_string()),
            queue: W::QUEUE.to_owned(),
            meta: serde_json::Value::Object(serde_json::Map::new()),
            max_attempts: W::MAX_ATTEMPTS,
            priority: W::PRIORITY,
            schedule: Schedule::Now,
            unique: W::UNIQUE,
        }
    }

    /// Runs in `queue` instead of the worker's.
    pub fn queue(mut self, queue: impl Into<String>) -> Self {
        self.queue = queue.into();
        self
    }

    /// 0 (first) to 9 (last); a value above 9 is refused at insert.
    pub fn priority(mut self, priority: u8) -> Self {
        self.priority = priority;
        self
    }

    /// Discarded after this many failed attempts (at least 1).
    pub fn max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// Due after `delay` (the database's clock); scheduled until then.
    pub fn schedule_in(mut self, delay: Duration) -> Self {
        self.schedule = Schedule::In(delay);
        self
    }

    /// Due at `at`; available at once if it is past.
    pub fn schedule_at(mut self, at: DateTime<Utc>) -> Self {
        self.schedule = Schedule::At(at);
        self
    }

    /// Free-form metadata kept on the job.
    pub fn meta(mut self, meta: serde_json::Value) -> Self {
        self.meta = meta;
        self
    }

    /// Unique as `unique` says, instead of the worker's uniqueness.
    pub fn unique(mut self, unique: Unique) -> Self {
        self.unique = Some(unique);
        self
    }

    /// Not unique, whatever the worker says.
    pub fn not_unique(mut self) -> Self {
        self.unique = None;
        self
    }

    /// The worker's name.
    #[must_use]
    pub fn worker_name(&self) -> &'static str {
        self.worker
    }

    /// Inserts the job; see [`Jobs::insert`](crate::Jobs::insert).
    pub async fn insert(self, jobs: &crate::Jobs) -> Result<Job, JobsError> {
        jobs.insert(self).await
    }

    /// Inserts the job inside the caller's own transaction (a `sqlx::Transaction` of SQLite or
    /// PostgreSQL, dereferenced to its connection: `insert_in(&mut *tx)`), so that the job
    /// exists exactly when the rows it is about do: rolled back, there is no job.
    ///
    /// On PostgreSQL the insert's `NOTIFY` goes out when the transaction commits, and wakes the
    /// queues then; on SQLite they learn of it at the stager's next round (within
    /// [`stage_interval`](crate::JobsConfig::stage_interval), a second by default). The schema
    /// must exist ([`Jobs`](crate::Jobs) creates it at start, or run
    /// [`migrations`](crate::migrations) yourself).
    ///
    /// Behind a connection pooler in transaction mode (`PgBouncer`'s `pool_mode = transaction`),
    /// call it in a transaction, which holds one server session for the insert's statements
    /// (more than one for a unique job that conflicts). Unless the pooler keeps clients' prepared
    /// statements apart (`PgBouncer` 1.21 or later with `max_prepared_statements`), wrap the
    /// connection in [`UnnamedStatements`](crate::UnnamedStatements):
    /// `insert_in(&mut UnnamedStatements(&mut tx))`.
    pub async fn insert_in<C: crate::JobsConnection + ?Sized>(
        self,
        conn: &mut C,
    ) -> Result<Job, JobsError> {
        let mut jobs = conn.insert_new_jobs(vec![self]).await?;
        jobs.pop()
            .ok_or_else(|| JobsError::Config("the insert returned no job".to_owned()))
    }

    /// The inserts as the store takes them, in order; the first invalid job's error if any.
    pub(crate) fn resolve_all(
        jobs: impl IntoIterator<Item = NewJob>,
    ) -> Result<Vec<JobInsert>, JobsError> {
        jobs.into_iter().map(NewJob::resolve).collect()
    }

    /// The insert as the store takes it, every option checked and the unique key computed.
    pub(crate) fn resolve(self) -> Result<JobInsert, JobsError> {
        let args = self.args.map_err(|reason| JobsError::Args {
            worker: self.worker.to_owned(),
            reason,
        })?;
        if self.priority > 9 {
            return Err(JobsError::Config(format!(
                "priority {} is out of range: expected 0 (first) to 9 (last)",
                self.priority
            )));
        }
        if self.max_attempts == 0 {
            return Err(JobsError::Config(
                "max_attempts must be at least 1".to_owned(),
            ));
        }
        if self.queue.is_empty() {
            return Err(JobsError::Config("the queue name is empty".to_owned()));
        }
        let unique = self.unique.map(|unique| UniqueInsert {
            key: unique_key(&unique, self.worker, &self.queue, &args),
            period: unique.period_limit(),
            states: unique.compared_states().to_vec(),
        });
        Ok(JobInsert {
            queue: self.queue,
            worker: self.worker.to_owned(),
            args,
            meta: self.meta,
            max_attempts: self.max_attempts,
            priority: self.priority,
            schedule: self.schedule,
            unique,
        })
    }
}

/// The hex SHA-256 of the canonical JSON (keys sorted, no spaces) of the compared fields.
pub(crate) fn unique_key(
    unique: &Unique,
    worker: &str,
    queue: &str,
    args: &serde_json::Value,
) -> String {
    let mut compared = serde_json::Map::new();
    for field in unique.compared_fields() {
        let value = match field {
            UniqueField::Worker => serde_json::Value::from(worker),
            UniqueField::Queue => serde_json::Value::from(queue),
            UniqueField::Args if unique.compared_keys().is_empty() => args.clone(),
            UniqueField::Args => serde_json::Value::Object(
                unique
                    .compared_keys()
                    .iter()
                    .map(|key| {
                        let value = args.get(*key).cloned().unwrap_or_default();
                        ((*key).to_owned(), value)
                    })
                    .collect(),
            ),
        };
        let name = match field {
            UniqueField::Worker => "worker",
            UniqueField::Queue => "queue",
            UniqueField::Args => "args",
        };
        compared.insert(name.to_owned(), value);
    }
    let mut canonical = String::new();
    write_canonical(&serde_json::Value::Object(compared), &mut canonical);
    hex(&Sha256::digest(canonical.as_bytes()))
}

/// Lower-case hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut hex, byte| {
            use std::fmt::Write;
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

/// JSON with object keys sorted, whatever order the map keeps them in.
fn write_canonical(value: &serde_json::Value, out: &mut String) {
    match value {
        serde_json::Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::from(key.as_str()).to_string());
                out.push(':');
                write_canonical(&map[key], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_unique_key_ignores_key_order_and_uncompared_fields() {
        let unique = Unique::new();
        let a = unique_key(&unique, "w", "q", &json!({"a": 1, "b": {"x": 1, "y": 2}}));
        let b = unique_key(&unique, "w", "q", &json!({"b": {"y": 2, "x": 1}, "a": 1}));
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(a, unique_key(&unique, "w", "other", &json!({"a": 1})));

        let by_key = Unique::new().fields(&[UniqueField::Args]).keys(&["id"]);
        assert_eq!(
            unique_key(&by_key, "w", "q", &json!({"id": 1, "note": "x"})),
            unique_key(&by_key, "v", "r", &json!({"id": 1, "note": "y"}))
        );
        assert_ne!(
            unique_key(&by_key, "w", "q", &json!({"id": 1})),
            unique_key(&by_key, "w", "q", &json!({"id": 2}))
        );
    }
}
