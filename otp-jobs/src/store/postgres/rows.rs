//! Reading a job row, and the conversions between the runtime's numbers and the columns'.

use crate::store::StoreError;
use crate::{AttemptError, Job, JobState};
use sqlx::Row;
use sqlx::postgres::PgRow;
use std::time::Duration;

/// The columns of a job, in the order [`job_from_row`] reads them by name.
pub(super) const JOB_COLUMNS: &str = "id, state, queue, worker, args, meta, errors, attempt, \
     max_attempts, priority, inserted_at, scheduled_at, attempted_at, attempted_by, finished_at";

/// The longest delay the store schedules: a hundred years (a `Duration` may exceed what a
/// `timestamptz` can hold).
const MAX_DELAY: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// A delay in microseconds, for `now() + $n * interval '1 microsecond'`.
pub(super) fn micros(delay: Duration) -> i64 {
    i64::try_from(delay.min(MAX_DELAY).as_micros()).unwrap_or(i64::MAX)
}

/// A job from a row holding [`JOB_COLUMNS`].
pub(super) fn job_from_row(row: &PgRow) -> Result<Job, StoreError> {
    let id: i64 = row.try_get("id")?;
    let corrupt = |reason: String| StoreError::Corrupt { id, reason };
    let state: String = row.try_get("state")?;
    let errors: serde_json::Value = row.try_get("errors")?;
    let attempt: i32 = row.try_get("attempt")?;
    let max_attempts: i32 = row.try_get("max_attempts")?;
    let priority: i16 = row.try_get("priority")?;
    Ok(Job {
        id,
        state: state
            .parse::<JobState>()
            .map_err(|error| corrupt(error.to_string()))?,
        queue: row.try_get("queue")?,
        worker: row.try_get("worker")?,
        args: row.try_get("args")?,
        meta: row.try_get("meta")?,
        attempt: u32::try_from(attempt).map_err(|_| corrupt(format!("attempt {attempt}")))?,
        max_attempts: u32::try_from(max_attempts)
            .map_err(|_| corrupt(format!("max_attempts {max_attempts}")))?,
        priority: u8::try_from(priority).map_err(|_| corrupt(format!("priority {priority}")))?,
        errors: serde_json::from_value::<Vec<AttemptError>>(errors)
            .map_err(|error| corrupt(format!("errors do not read back: {error}")))?,
        inserted_at: row.try_get("inserted_at")?,
        scheduled_at: row.try_get("scheduled_at")?,
        attempted_at: row.try_get("attempted_at")?,
        attempted_by: row.try_get("attempted_by")?,
        finished_at: row.try_get("finished_at")?,
        conflict: false,
    })
}

/// Jobs from rows, in the rows' order.
pub(super) fn jobs_from_rows(rows: &[PgRow]) -> Result<Vec<Job>, StoreError> {
    rows.iter().map(job_from_row).collect()
}
