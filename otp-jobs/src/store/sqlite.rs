//! The SQLite engine: one database file in WAL mode (or a private in-memory database), one node.
//!
//! Writes take the database's write lock at their start (`BEGIN IMMEDIATE`), so that two
//! transactions never deadlock upgrading a read lock, and wait up to the busy timeout for it.
//! Times are integer microseconds since the epoch from SQLite's own clock.

#[cfg(test)]
pub(crate) mod scratch;
mod wal_index;

use self::wal_index::WalIndex;
use super::{
    Attempt, Completion, CompletionOutcome, CompletionRequest, JobFilter, JobInsert, Schedule,
    Staged, Store, StoreError, StoreFuture,
};
use crate::runtime::signal::{Notification, QueueSignal};
use crate::{AttemptError, Job, JobState};
use chrono::{DateTime, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Row, SqlitePool};
use std::path::Path;
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

/// SQLite's now, in microseconds since the epoch (millisecond precision).
const NOW: &str = "CAST(unixepoch('subsec') * 1000000 AS INTEGER)";

/// The columns of a job, in the order [`job_from_row`] reads them.
const COLUMNS: &str = "id, state, queue, worker, args, meta, errors, attempt, max_attempts, \
     priority, inserted_at, scheduled_at, attempted_at, attempted_by, finished_at, attempt_token";

/// The connections of a file database's pool by default.
pub(crate) const DEFAULT_POOL_SIZE: u32 = 4;

/// How long a writer waits for the database's write lock.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// The SQLite engine.
#[derive(Debug, Clone)]
pub(crate) struct SqliteStore {
    pool: SqlitePool,
    /// The file database's WAL index, which tells whether anything was committed; `None` in
    /// memory.
    wal_index: Option<WalIndex>,
}

impl SqliteStore {
    /// Opens (creating it if missing) the database file at `path`, in WAL mode, with a pool of
    /// at most `pool_size` connections.
    pub(crate) async fn open(path: &Path, pool_size: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(pool_size)
            // A ping is a round trip to the connection's worker thread; a file does not go
            // away between two statements as a server connection can.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            wal_index: Some(WalIndex::beside(path)),
        })
    }

    /// A private in-memory database, gone when the store is dropped: one connection, kept open.
    pub(crate) async fn memory() -> Result<Self, StoreError> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "otp-jobs-memory-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let options = SqliteConnectOptions::new()
            .filename(name)
            .in_memory(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            wal_index: None,
        })
    }

    async fn write(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }
}

/// Microseconds since the epoch.
fn micros(duration: Duration) -> i64 {
    i64::try_from(duration.as_micros()).unwrap_or(i64::MAX)
}

fn time_from(id: i64, micros: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| StoreError::Corrupt {
        id,
        reason: format!("time {micros} out of range"),
    })
}

fn json_from(id: i64, column: &str, text: &str) -> Result<serde_json::Value, StoreError> {
    serde_json::from_str(text).map_err(|error| StoreError::Corrupt {
        id,
        reason: format!("{column} is not JSON: {error}"),
    })
}

fn number<T: TryFrom<i64>>(id: i64, column: &str, value: i64) -> Result<T, StoreError> {
    T::try_from(value).map_err(|_| StoreError::Corrupt {
        id,
        reason: format!("{column} {value} out of range"),
    })
}

/// A job from a row of [`COLUMNS`], and its attempt token.
fn job_from_row(row: &SqliteRow) -> Result<(Job, Option<i64>), StoreError> {
    let id: i64 = row.try_get("id")?;
    let state: String = row.try_get("state")?;
    let state = JobState::from_str(&state).map_err(|error| StoreError::Corrupt {
        id,
        reason: error.to_string(),
    })?;
    let errors: String = row.try_get("errors")?;
    let errors: Vec<AttemptError> =
        serde_json::from_str(&errors).map_err(|error| StoreError::Corrupt {
            id,
            reason: format!("errors do not read back: {error}"),
        })?;
    let optional_time = |column: &str| -> Result<Option<DateTime<Utc>>, StoreError> {
        row.try_get::<Option<i64>, _>(column)?
            .map(|micros| time_from(id, micros))
            .transpose()
    };
    let job = Job {
        id,
        state,
        queue: row.try_get("queue")?,
        worker: row.try_get("worker")?,
        args: json_from(id, "args", &row.try_get::<String, _>("args")?)?,
        meta: json_from(id, "meta", &row.try_get::<String, _>("meta")?)?,
        attempt: number(id, "attempt", row.try_get("attempt")?)?,
        max_attempts: number(id, "max_attempts", row.try_get("max_attempts")?)?,
        priority: number(id, "priority", row.try_get("priority")?)?,
        errors,
        inserted_at: time_from(id, row.try_get("inserted_at")?)?,
        scheduled_at: time_from(id, row.try_get("scheduled_at")?)?,
        attempted_at: optional_time("attempted_at")?,
        attempted_by: row.try_get("attempted_by")?,
        finished_at: optional_time("finished_at")?,
        conflict: false,
    };
    Ok((job, row.try_get("attempt_token")?))
}

fn jobs_from_rows(rows: &[SqliteRow]) -> Result<Vec<Job>, StoreError> {
    rows.iter()
        .map(|row| job_from_row(row).map(|(job, _)| job))
        .collect()
}

/// The stager's two statements. The first reads, in rows of (queue, due in microseconds): each
/// queue with available jobs `(queue, NULL)`, whether any job is due `(NULL, NULL)`, and when the
/// earliest job still waiting is due `(NULL, microseconds)` (not when `include_future`, which
/// stages them all). The second is the update that makes the due jobs available. `?1` is the
/// queue when `in_queue`; `include_future` stages jobs whatever their time (for testing).
fn stage_sql(in_queue: bool, include_future: bool) -> (String, String) {
    let in_queue = if in_queue { "AND queue = ?1" } else { "" };
    // Written out rather than `(?2 OR scheduled_at <= ..)`: a condition on a bound flag keeps
    // SQLite from searching `otp_jobs_stage` by time, and it would read every waiting job. The
    // index is named: without statistics (`ANALYZE`) SQLite prefers the fetch index, on which
    // the scheduled jobs are not in time order.
    let due = if include_future {
        String::new()
    } else {
        format!("AND scheduled_at <= {NOW}")
    };
    let next_due = if include_future {
        String::new()
    } else {
        format!(
            "UNION ALL \
             SELECT NULL, min(scheduled_at) - {NOW} FROM otp_jobs INDEXED BY otp_jobs_stage \
                 WHERE state IN ('scheduled', 'retryable') AND scheduled_at > {NOW} {in_queue} \
                 HAVING min(scheduled_at) IS NOT NULL"
        )
    };
    let names = format!(
        "SELECT DISTINCT queue, NULL FROM otp_jobs WHERE state = 'available' {in_queue} \
         UNION ALL \
         SELECT NULL, NULL WHERE EXISTS (SELECT 1 FROM otp_jobs INDEXED BY otp_jobs_stage \
             WHERE state IN ('scheduled', 'retryable') {due} {in_queue}) \
         {next_due}"
    );
    let staged = format!(
        "UPDATE otp_jobs INDEXED BY otp_jobs_stage SET state = 'available' \
         WHERE state IN ('scheduled', 'retryable') {due} {in_queue} \
         RETURNING queue"
    );
    (names, staged)
}

/// The jobs the lifeline rescues: executing, by a node with no live lease (never because a job
/// runs long).
fn orphaned() -> String {
    format!(
        "state = 'executing' AND (attempted_by IS NULL OR attempted_by NOT IN \
             (SELECT node FROM otp_jobs_nodes WHERE expires_at > {NOW}))"
    )
}

/// Applies the embedded migrations not yet applied, in one transaction.
async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS otp_jobs_migrations (
             version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at INTEGER NOT NULL)",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM otp_jobs_migrations")
        .fetch_all(&mut *tx)
        .await?;
    for migration in crate::migrations::SQLITE {
        if applied.contains(&migration.version) {
            continue;
        }
        sqlx::Executor::execute(&mut *tx, migration.sql).await?;
        sqlx::query(&format!(
            "INSERT INTO otp_jobs_migrations (version, description, applied_at) VALUES (?1, ?2, {NOW})"
        ))
        .bind(migration.version)
        .bind(migration.description)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Inserts `jobs` on `conn` (a transaction of the store's, or the caller's own), in order.
pub(crate) async fn insert_jobs(
    conn: &mut SqliteConnection,
    jobs: Vec<JobInsert>,
) -> Result<Vec<Job>, StoreError> {
    let mut inserted = Vec::with_capacity(jobs.len());
    for job in jobs {
        inserted.push(insert_one(conn, &job).await?);
    }
    Ok(inserted)
}

async fn insert_one(conn: &mut SqliteConnection, job: &JobInsert) -> Result<Job, StoreError> {
    let (at, offset) = match job.schedule {
        Schedule::Now => (None, 0),
        Schedule::In(delay) => (None, micros(delay)),
        Schedule::At(at) => (Some(at.timestamp_micros()), 0),
    };
    let sql = format!(
        "INSERT INTO otp_jobs (state, queue, worker, args, meta, max_attempts, priority, \
             inserted_at, scheduled_at, unique_key) \
         VALUES (CASE WHEN COALESCE(?1, {NOW} + ?2) <= {NOW} THEN 'available' ELSE 'scheduled' END, \
             ?3, ?4, ?5, ?6, ?7, ?8, {NOW}, COALESCE(?1, {NOW} + ?2), ?9) \
         ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING \
         RETURNING {COLUMNS}"
    );
    let unique_key = job.unique.as_ref().map(|unique| unique.key.clone());
    // Two rounds at most: a holder that no longer counts gives its key up, then the insert wins.
    for _ in 0..2 {
        let row = sqlx::query(&sql)
            .bind(at)
            .bind(offset)
            .bind(&job.queue)
            .bind(&job.worker)
            .bind(job.args.to_string())
            .bind(job.meta.to_string())
            .bind(i64::from(job.max_attempts))
            .bind(i64::from(job.priority))
            .bind(&unique_key)
            .fetch_optional(&mut *conn)
            .await?;
        if let Some(row) = row {
            return Ok(job_from_row(&row)?.0);
        }
        let Some(unique) = &job.unique else {
            break;
        };
        let holder = sqlx::query(&format!(
            "SELECT {COLUMNS}, ({NOW} - inserted_at) AS age FROM otp_jobs WHERE unique_key = ?1"
        ))
        .bind(&unique.key)
        .fetch_optional(&mut *conn)
        .await?;
        let Some(holder) = holder else {
            continue; // deleted meanwhile: insert again
        };
        let age: i64 = holder.try_get("age")?;
        let (mut existing, _) = job_from_row(&holder)?;
        let within_period = unique.period.is_none_or(|period| age <= micros(period));
        if within_period && unique.states.contains(&existing.state) {
            existing.conflict = true;
            return Ok(existing);
        }
        sqlx::query("UPDATE otp_jobs SET unique_key = NULL WHERE id = ?1 AND unique_key = ?2")
            .bind(existing.id)
            .bind(&unique.key)
            .execute(&mut *conn)
            .await?;
    }
    Err(StoreError::Database(sqlx::Error::Protocol(
        "a unique insert found no holder and no room".into(),
    )))
}

async fn complete_one(
    tx: &mut SqliteConnection,
    request: &CompletionRequest,
) -> Result<CompletionOutcome, StoreError> {
    const FENCE: &str = "WHERE id = ?1 AND state = 'executing' AND attempt_token = ?2";
    const APPEND: &str = "errors = json_insert(errors, '$[#]', json_object('attempt', attempt, \
                          'at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'error', ?3))";
    let sql = match &request.completion {
        Completion::Completed => format!(
            "UPDATE otp_jobs SET state = 'completed', finished_at = {NOW}, attempt_token = NULL \
             {FENCE} RETURNING id"
        ),
        Completion::Retry { .. } => format!(
            "UPDATE otp_jobs SET state = 'retryable', scheduled_at = {NOW} + ?4, {APPEND}, \
             attempt_token = NULL {FENCE} RETURNING id"
        ),
        Completion::Discard { .. } => format!(
            "UPDATE otp_jobs SET state = 'discarded', finished_at = {NOW}, {APPEND}, \
             attempt_token = NULL {FENCE} RETURNING id"
        ),
        Completion::Cancel { .. } => format!(
            "UPDATE otp_jobs SET state = 'cancelled', finished_at = {NOW}, {APPEND}, \
             attempt_token = NULL {FENCE} RETURNING id"
        ),
        Completion::Snooze { .. } => format!(
            "UPDATE otp_jobs SET state = 'scheduled', scheduled_at = {NOW} + ?4, \
             attempt = MAX(attempt - 1, 0), attempt_token = NULL {FENCE} RETURNING id"
        ),
    };
    let (message, delay) = match &request.completion {
        Completion::Completed => (None, 0),
        Completion::Retry { backoff, error } => (Some(error.as_str()), micros(*backoff)),
        Completion::Discard { error } => (Some(error.as_str()), 0),
        Completion::Cancel { reason } => (Some(reason.as_str()), 0),
        Completion::Snooze { delay } => (None, micros(*delay)),
    };
    let applied = sqlx::query_scalar::<_, i64>(&sql)
        .bind(request.job_id)
        .bind(request.token)
        .bind(message)
        .bind(delay)
        .fetch_optional(&mut *tx)
        .await?;
    Ok(if applied.is_some() {
        CompletionOutcome::Applied
    } else {
        CompletionOutcome::Fenced
    })
}

impl Store for SqliteStore {
    fn concurrent_writes(&self) -> bool {
        false
    }

    fn data_version(&self) -> Option<u64> {
        self.wal_index.as_ref()?.version()
    }

    fn multi_node(&self) -> bool {
        false
    }

    fn migrate(&self) -> StoreFuture<'_, ()> {
        Box::pin(migrate(&self.pool))
    }

    fn insert(&self, jobs: Vec<JobInsert>) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(async move {
            let mut tx = self.write().await?;
            let inserted = insert_jobs(&mut tx, jobs).await?;
            tx.commit().await?;
            Ok(inserted)
        })
    }

    fn fetch(&self, queue: &str, node: &str, limit: u32) -> StoreFuture<'_, Vec<Attempt>> {
        let (queue, node) = (queue.to_owned(), node.to_owned());
        Box::pin(async move {
            let mut tx = self.write().await?;
            let rows = sqlx::query(&format!(
                "UPDATE otp_jobs SET state = 'executing', attempt = attempt + 1, \
                     attempted_at = {NOW}, attempted_by = ?1, attempt_token = random() \
                 WHERE id IN (SELECT id FROM otp_jobs WHERE state = 'available' AND queue = ?2 \
                     ORDER BY priority, scheduled_at, id LIMIT ?3) \
                 RETURNING {COLUMNS}"
            ))
            .bind(&node)
            .bind(&queue)
            .bind(i64::from(limit))
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            let mut attempts = rows
                .iter()
                .map(|row| {
                    let (job, token) = job_from_row(row)?;
                    Ok(Attempt {
                        token: token.unwrap_or_default(),
                        job,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            attempts.sort_by_key(|attempt| {
                (
                    attempt.job.priority,
                    attempt.job.scheduled_at,
                    attempt.job.id,
                )
            });
            Ok(attempts)
        })
    }

    fn complete(&self, batch: Vec<CompletionRequest>) -> StoreFuture<'_, Vec<CompletionOutcome>> {
        Box::pin(async move {
            let mut tx = self.write().await?;
            let mut outcomes = Vec::with_capacity(batch.len());
            for request in &batch {
                outcomes.push(complete_one(&mut tx, request).await?);
            }
            tx.commit().await?;
            Ok(outcomes)
        })
    }

    fn stage(&self, queue: Option<&str>, include_future: bool) -> StoreFuture<'_, Staged> {
        let queue = queue.map(str::to_owned);
        Box::pin(async move {
            // The stager's round: when nothing is due (the common case), one read and no write
            // lock. Every queue with available jobs is named, not only those staged now: that
            // wakes a queue for the jobs a caller's own transaction inserted, which no wake-up
            // reached. The due jobs are found on their own index (`otp_jobs_stage`), so
            // jobs waiting for a later time are not read.
            let (names_sql, staged_sql) = stage_sql(queue.is_some(), include_future);
            let mut names = sqlx::query_as::<_, (Option<String>, Option<i64>)>(&names_sql);
            if let Some(queue) = &queue {
                names = names.bind(queue);
            }
            let mut queues = Vec::new();
            let (mut any_due, mut next_due) = (false, None);
            for row in names.fetch_all(&self.pool).await? {
                match row {
                    (Some(queue), _) => queues.push(queue),
                    (None, None) => any_due = true,
                    (None, Some(micros)) => {
                        next_due = Some(Duration::from_micros(u64::try_from(micros).unwrap_or(0)));
                    }
                }
            }
            if any_due {
                let mut tx = self.write().await?;
                let mut staged = sqlx::query_scalar::<_, String>(&staged_sql);
                if let Some(queue) = &queue {
                    staged = staged.bind(queue);
                }
                let staged = staged.fetch_all(&mut *tx).await?;
                tx.commit().await?;
                queues.extend(staged);
            }
            queues.sort_unstable();
            queues.dedup();
            Ok(Staged { queues, next_due })
        })
    }

    fn heartbeat(&self, node: &str, lease: Duration) -> StoreFuture<'_, ()> {
        let node = node.to_owned();
        Box::pin(async move {
            sqlx::query(&format!(
                "INSERT INTO otp_jobs_nodes (node, expires_at) VALUES (?1, {NOW} + ?2) \
                 ON CONFLICT (node) DO UPDATE SET expires_at = excluded.expires_at"
            ))
            .bind(&node)
            .bind(micros(lease))
            .execute(&self.pool)
            .await?;
            Ok(())
        })
    }

    fn leave(&self, node: &str) -> StoreFuture<'_, ()> {
        let node = node.to_owned();
        Box::pin(async move {
            sqlx::query("DELETE FROM otp_jobs_nodes WHERE node = ?1")
                .bind(&node)
                .execute(&self.pool)
                .await?;
            sqlx::query("DELETE FROM otp_jobs_leaders WHERE node = ?1")
                .bind(&node)
                .execute(&self.pool)
                .await?;
            Ok(())
        })
    }

    fn live_nodes(&self) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(&format!(
                "SELECT node FROM otp_jobs_nodes WHERE expires_at > {NOW} ORDER BY node"
            ))
            .fetch_all(&self.pool)
            .await?)
        })
    }

    fn rescue_orphans(&self) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(async move {
            // Every lease/3 on every node, and nearly always nothing to rescue: one read first,
            // and the write lock only when a job is orphaned (as the stager does).
            let orphaned = orphaned();
            let any: bool = sqlx::query_scalar(&format!(
                "SELECT EXISTS (SELECT 1 FROM otp_jobs WHERE {orphaned})"
            ))
            .fetch_one(&self.pool)
            .await?;
            if !any {
                return Ok(Vec::new());
            }
            let mut tx = self.write().await?;
            let rows = sqlx::query(&format!(
                "UPDATE otp_jobs SET \
                     state = CASE WHEN attempt >= max_attempts THEN 'discarded' ELSE 'available' END, \
                     finished_at = CASE WHEN attempt >= max_attempts THEN {NOW} ELSE NULL END, \
                     scheduled_at = {NOW}, attempt_token = NULL, \
                     errors = json_insert(errors, '$[#]', json_object('attempt', attempt, \
                         'at', strftime('%Y-%m-%dT%H:%M:%fZ', 'now'), 'error', \
                         'node ' || COALESCE(attempted_by, '?') || ' died during attempt ' || attempt)) \
                 WHERE {orphaned} \
                 RETURNING {COLUMNS}"
            ))
            .fetch_all(&mut *tx)
            .await?;
            tx.commit().await?;
            jobs_from_rows(&rows)
        })
    }

    fn try_lead(&self, role: &str, node: &str, lease: Duration) -> StoreFuture<'_, bool> {
        let (role, node) = (role.to_owned(), node.to_owned());
        Box::pin(async move {
            let leader: Option<String> = sqlx::query_scalar(&format!(
                "INSERT INTO otp_jobs_leaders (role, node, expires_at) VALUES (?1, ?2, {NOW} + ?3) \
                 ON CONFLICT (role) DO UPDATE SET node = excluded.node, \
                     expires_at = excluded.expires_at \
                 WHERE otp_jobs_leaders.node = excluded.node OR otp_jobs_leaders.expires_at <= {NOW} \
                 RETURNING node"
            ))
            .bind(&role)
            .bind(&node)
            .bind(micros(lease))
            .fetch_optional(&self.pool)
            .await?;
            Ok(leader.is_some())
        })
    }

    fn prune(&self, max_age: Duration, limit: u32) -> StoreFuture<'_, u64> {
        Box::pin(async move {
            let done = sqlx::query(&format!(
                "DELETE FROM otp_jobs WHERE id IN (SELECT id FROM otp_jobs INDEXED BY otp_jobs_prune \
                     WHERE state IN ('completed', 'discarded', 'cancelled') \
                     AND finished_at < {NOW} - ?1 LIMIT ?2)"
            ))
            .bind(micros(max_age))
            .bind(i64::from(limit))
            .execute(&self.pool)
            .await?;
            Ok(done.rows_affected())
        })
    }

    fn get(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!("SELECT {COLUMNS} FROM otp_jobs WHERE id = ?1"))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?;
            row.map(|row| job_from_row(&row).map(|(job, _)| job))
                .transpose()
        })
    }

    fn list(&self, filter: JobFilter) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(async move {
            let states: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
            let states = serde_json::to_string(&states).unwrap_or_else(|_| "[]".to_owned());
            let rows = sqlx::query(&format!(
                "SELECT {COLUMNS} FROM otp_jobs WHERE (?1 IS NULL OR worker = ?1) \
                 AND (?2 IS NULL OR queue = ?2) \
                 AND (?3 = '[]' OR state IN (SELECT value FROM json_each(?3))) ORDER BY id"
            ))
            .bind(&filter.worker)
            .bind(&filter.queue)
            .bind(states)
            .fetch_all(&self.pool)
            .await?;
            let jobs = jobs_from_rows(&rows)?.into_iter().filter(|job| {
                filter
                    .args_contain
                    .as_ref()
                    .is_none_or(|wanted| contains(&job.args, wanted))
            });
            Ok(match filter.limit {
                Some(limit) => jobs.take(limit as usize).collect(),
                None => jobs.collect(),
            })
        })
    }

    fn counts(&self) -> StoreFuture<'_, Vec<(String, JobState, u64)>> {
        Box::pin(async move {
            let rows = sqlx::query(
                "SELECT queue, state, COUNT(*) AS n FROM otp_jobs GROUP BY queue, state \
                 ORDER BY queue, state",
            )
            .fetch_all(&self.pool)
            .await?;
            rows.iter()
                .map(|row| {
                    let state: String = row.try_get("state")?;
                    let state =
                        JobState::from_str(&state).map_err(|error| StoreError::Corrupt {
                            id: 0,
                            reason: error.to_string(),
                        })?;
                    let count: i64 = row.try_get("n")?;
                    Ok((
                        row.try_get("queue")?,
                        state,
                        u64::try_from(count).unwrap_or_default(),
                    ))
                })
                .collect()
        })
    }

    fn cancel(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!(
                "UPDATE otp_jobs SET state = 'cancelled', finished_at = {NOW}, attempt_token = NULL \
                 WHERE id = ?1 AND state NOT IN ('completed', 'discarded', 'cancelled') \
                 RETURNING {COLUMNS}"
            ))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            match row {
                Some(row) => Ok(Some(job_from_row(&row)?.0)),
                None => self.get(id).await,
            }
        })
    }

    fn notifications(&self) -> StoreFuture<'_, Option<UnboundedReceiver<Notification>>> {
        Box::pin(async { Ok(None) })
    }

    fn signal(&self, _signal: &QueueSignal) -> StoreFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }

    fn retry(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!(
                "UPDATE otp_jobs SET state = 'available', scheduled_at = {NOW}, finished_at = NULL, \
                     max_attempts = MAX(max_attempts, attempt + 1), attempt_token = NULL \
                 WHERE id = ?1 AND state NOT IN ('executing', 'available') \
                 RETURNING {COLUMNS}"
            ))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
            match row {
                Some(row) => Ok(Some(job_from_row(&row)?.0)),
                None => self.get(id).await,
            }
        })
    }
}

/// Whether `haystack` contains `needle` as PostgreSQL's `@>` on jsonb decides: every key of an
/// object with a contained value, every element of an array in some element, scalars equal.
fn contains(haystack: &serde_json::Value, needle: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (haystack, needle) {
        (Value::Object(have), Value::Object(want)) => want
            .iter()
            .all(|(key, value)| have.get(key).is_some_and(|had| contains(had, value))),
        (Value::Array(have), Value::Array(want)) => want
            .iter()
            .all(|value| have.iter().any(|had| contains(had, value))),
        (have, want) => have == want,
    }
}

#[cfg(test)]
#[path = "sqlite_tests.rs"]
mod tests;
