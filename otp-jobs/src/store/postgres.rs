//! The PostgreSQL engine: many nodes share one database.
//!
//! - Fetches take jobs with `FOR UPDATE SKIP LOCKED`, so two nodes never take the same job, and
//!   give each attempt a fresh token; every completion presents it (fencing).
//! - Inserts wake other nodes with `NOTIFY` (payload: the queue's name), received on a dedicated
//!   `LISTEN` connection that reconnects by itself; a pooler in transaction mode is detected at
//!   start, and then nodes poll instead, and every statement is sent unnamed in a transaction
//!   (see `exec`).
//! - Heartbeats, leases and every timestamp are the database's clock (`now()`).
//! - Every value is a bound parameter; the only text spliced into SQL is the schema name, checked
//!   at [`connect`], and the channel of the pooler probe, a name of the probe's own.

mod exec;
mod insert;
mod migrate;
mod notify;
mod ping;
mod rows;
#[cfg(test)]
pub(crate) mod tests;

use self::exec::{Conn, Db};
use self::rows::{JOB_COLUMNS, job_from_row, jobs_from_rows, micros};
use super::{
    Attempt, Completion, CompletionOutcome, CompletionRequest, JobFilter, JobInsert, Staged, Store,
    StoreError, StoreFuture,
};
use crate::runtime::signal::{Notification, QueueSignal};
use crate::{Job, JobState};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{PgPool, Row};
use std::str::FromStr;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;

pub(crate) use self::insert::insert_with;

/// The connections a node's pool keeps at most by default (one of them for LISTEN).
pub(crate) const DEFAULT_POOL_SIZE: u32 = 10;

/// How long a query waits for a connection before it fails (a database that went away makes
/// `insert` fail with a clear error instead of hanging).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// The PostgreSQL [`Store`].
#[derive(Debug, Clone)]
pub(crate) struct PgStore {
    pool: PgPool,
    schema: Option<String>,
    /// How long the LISTEN self-test waits for its echo.
    probe_timeout: Duration,
    /// Whether the self-test sends its NOTIFY (tests turn it off to see the fallback).
    send_probe: bool,
    /// Whether a pooler in transaction mode was found at connect: then wake-ups come from
    /// polling, not LISTEN.
    pooled: bool,
}

/// [`connect_pool`] with the default pool size.
#[cfg(test)]
pub(crate) async fn connect(url: &str, schema: Option<&str>) -> Result<PgStore, StoreError> {
    connect_pool(url, schema, DEFAULT_POOL_SIZE).await
}

/// Connects to the database at `url` (failing after a few seconds when it does not answer)
/// with a pool of at most `pool_size` connections (one of them for LISTEN); [`Store::migrate`]
/// comes next. With `schema`, the tables live in that schema (created by the migration) instead
/// of the first one of the `search_path`, so that several sets of jobs (or tests) share a
/// database apart.
pub(crate) async fn connect_pool(
    url: &str,
    schema: Option<&str>,
    pool_size: u32,
) -> Result<PgStore, StoreError> {
    let mut options = PgConnectOptions::from_str(url)?;
    if let Some(schema) = schema {
        check_schema_name(schema)?;
        options = options.options([("search_path", schema)]);
    }
    // Behind a pooler in transaction mode LISTEN receives nothing, and the self-test of
    // `notifications` could not even send its NOTIFY: it is found here, before the pool.
    let pooled = notify::transaction_pooler(&options, notify::PROBE_TIMEOUT).await?;
    let pool = ping::test_before_lending(PgPoolOptions::new())
        .max_connections(pool_size)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await?;
    Ok(PgStore {
        pool,
        schema: schema.map(str::to_owned),
        probe_timeout: notify::PROBE_TIMEOUT,
        send_probe: true,
        pooled,
    })
}

/// A schema name is spliced into `CREATE SCHEMA` (identifiers cannot be bound): letters, digits
/// and underscores only, not starting with a digit, at most 63 bytes.
fn check_schema_name(schema: &str) -> Result<(), StoreError> {
    let valid = !schema.is_empty()
        && schema.len() <= 63
        && !schema.starts_with(|c: char| c.is_ascii_digit())
        && schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_');
    if valid {
        Ok(())
    } else {
        Err(StoreError::Database(sqlx::Error::Configuration(
            format!(
                "`{schema}` is not a usable schema name for otp_jobs (letters, digits and \
                 underscores, not starting with a digit, at most 63 bytes)"
            )
            .into(),
        )))
    }
}

impl PgStore {
    /// The executor of every statement the store sends outside a transaction of its own: see
    /// [`exec`].
    fn db(&self) -> Db<'_> {
        Db::new(&self.pool, self.pooled)
    }

    /// The pool, for the tests' own queries.
    #[cfg(test)]
    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// The kind of a completion as the batch statement reads it, its delay and its error.
fn completion_columns(completion: &Completion) -> (&'static str, Option<i64>, Option<&str>) {
    match completion {
        Completion::Completed => ("completed", None, None),
        Completion::Retry { backoff, error } => ("retryable", Some(micros(*backoff)), Some(error)),
        Completion::Discard { error } => ("discarded", None, Some(error)),
        Completion::Cancel { reason } => ("cancelled", None, Some(reason)),
        Completion::Snooze { delay } => ("scheduled", Some(micros(*delay)), None),
    }
}

/// An attempt's error appended to `errors`, as [`AttemptError`](crate::AttemptError) reads it.
const APPEND_ERROR: &str =
    "jsonb_build_array(jsonb_build_object('attempt', j.attempt, 'at', now(), 'error', ";

impl Store for PgStore {
    fn migrate(&self) -> StoreFuture<'_, ()> {
        Box::pin(migrate::run(
            &self.pool,
            self.schema.as_deref(),
            self.pooled,
        ))
    }

    fn insert(&self, jobs: Vec<JobInsert>) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(async move {
            if jobs.is_empty() {
                return Ok(Vec::new());
            }
            if insert::is_one_statement(&jobs) && !self.pooled {
                // One statement is atomic by itself: no BEGIN and COMMIT round trips (behind a
                // pooler in transaction mode, the transaction pins the server session).
                let mut conn = self.pool.acquire().await?;
                return insert_with(&mut conn, jobs, false).await;
            }
            let mut tx = self.pool.begin().await?;
            let inserted = insert_with(&mut tx, jobs, self.pooled).await?;
            tx.commit().await?;
            Ok(inserted)
        })
    }

    fn fetch(&self, queue: &str, node: &str, limit: u32) -> StoreFuture<'_, Vec<Attempt>> {
        let (queue, node) = (queue.to_owned(), node.to_owned());
        Box::pin(ping::untested(async move {
            if limit == 0 {
                return Ok(Vec::new());
            }
            // A token from the database's random source, 62 bits: it only has to differ from
            // the attempt it replaces.
            let rows = sqlx::query(&format!(
                "WITH picked AS ( \
                     SELECT id FROM otp_jobs WHERE state = 'available' AND queue = $1 \
                     ORDER BY priority, scheduled_at, id LIMIT $3 FOR UPDATE SKIP LOCKED) \
                 UPDATE otp_jobs AS j SET state = 'executing', attempt = j.attempt + 1, \
                     attempted_at = now(), attempted_by = $2, \
                     attempt_token = floor(random() * 4611686018427387904)::bigint \
                 FROM picked WHERE j.id = picked.id \
                 RETURNING j.attempt_token, {}",
                qualified_columns("j")
            ))
            .bind(&queue)
            .bind(&node)
            .bind(i64::from(limit))
            .fetch_all(self.db())
            .await?;
            let mut attempts = rows
                .iter()
                .map(|row| {
                    Ok(Attempt {
                        job: job_from_row(row)?,
                        token: row.try_get("attempt_token")?,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            attempts.sort_unstable_by(|a, b| {
                (a.job.priority, a.job.scheduled_at, a.job.id).cmp(&(
                    b.job.priority,
                    b.job.scheduled_at,
                    b.job.id,
                ))
            });
            Ok(attempts)
        }))
    }

    fn complete(&self, batch: Vec<CompletionRequest>) -> StoreFuture<'_, Vec<CompletionOutcome>> {
        Box::pin(ping::untested(async move {
            if batch.is_empty() {
                return Ok(Vec::new());
            }
            let mut ids = Vec::with_capacity(batch.len());
            let mut tokens = Vec::with_capacity(batch.len());
            let mut states = Vec::with_capacity(batch.len());
            let mut delays = Vec::with_capacity(batch.len());
            let mut errors = Vec::with_capacity(batch.len());
            for request in &batch {
                let (state, delay, error) = completion_columns(&request.completion);
                ids.push(request.job_id);
                tokens.push(request.token);
                states.push(state);
                delays.push(delay);
                errors.push(error);
            }
            // One statement for the batch; a row changes only under its attempt's token.
            let applied: Vec<i64> = sqlx::query_scalar(&format!(
                "UPDATE otp_jobs AS j SET state = c.state, \
                     scheduled_at = CASE WHEN c.delay_us IS NULL THEN j.scheduled_at \
                         ELSE now() + c.delay_us * interval '1 microsecond' END, \
                     finished_at = CASE WHEN c.state IN ('completed', 'discarded', 'cancelled') \
                         THEN now() END, \
                     attempt = CASE WHEN c.state = 'scheduled' THEN j.attempt - 1 \
                         ELSE j.attempt END, \
                     errors = CASE WHEN c.error IS NULL THEN j.errors \
                         ELSE j.errors || {APPEND_ERROR} c.error)) END, \
                     attempt_token = NULL \
                 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::bigint[], $5::text[]) \
                     AS c(id, token, state, delay_us, error) \
                 WHERE j.id = c.id AND j.state = 'executing' AND j.attempt_token = c.token \
                 RETURNING j.id"
            ))
            .bind(&ids)
            .bind(&tokens)
            .bind(&states)
            .bind(&delays)
            .bind(&errors)
            .fetch_all(self.db())
            .await?;
            Ok(batch
                .iter()
                .map(|request| {
                    if applied.contains(&request.job_id) {
                        CompletionOutcome::Applied
                    } else {
                        tracing::debug!(
                            job.id = request.job_id,
                            token = request.token,
                            "otp_jobs: completion fenced"
                        );
                        CompletionOutcome::Fenced
                    }
                })
                .collect())
        }))
    }

    fn stage(&self, queue: Option<&str>, include_future: bool) -> StoreFuture<'_, Staged> {
        let queue = queue.map(str::to_owned);
        Box::pin(ping::untested(async move {
            let sql = stage_sql(queue.is_some(), include_future);
            let mut staged = sqlx::query_as::<_, (Vec<String>, Option<i64>)>(&sql);
            if let Some(queue) = &queue {
                staged = staged.bind(queue);
            }
            let (queues, next_due_ms) = staged.fetch_one(self.db()).await?;
            Ok(Staged {
                queues,
                // Negative when the job fell due since the statement began: a round at once.
                next_due: next_due_ms
                    .map(|ms| Duration::from_millis(u64::try_from(ms).unwrap_or(0))),
            })
        }))
    }

    fn heartbeat(&self, node: &str, lease: Duration) -> StoreFuture<'_, ()> {
        let node = node.to_owned();
        Box::pin(ping::untested(async move {
            sqlx::query(
                "INSERT INTO otp_jobs_nodes (node, expires_at) \
                 VALUES ($1, now() + $2 * interval '1 microsecond') \
                 ON CONFLICT (node) DO UPDATE SET expires_at = EXCLUDED.expires_at",
            )
            .bind(node)
            .bind(micros(lease))
            .execute(self.db())
            .await?;
            Ok(())
        }))
    }

    fn leave(&self, node: &str) -> StoreFuture<'_, ()> {
        let node = node.to_owned();
        Box::pin(async move {
            let mut tx = self.pool.begin().await?;
            sqlx::query("DELETE FROM otp_jobs_nodes WHERE node = $1")
                .bind(&node)
                .execute(Conn::new(&mut tx, self.pooled))
                .await?;
            sqlx::query("DELETE FROM otp_jobs_leaders WHERE node = $1")
                .bind(&node)
                .execute(Conn::new(&mut tx, self.pooled))
                .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    fn live_nodes(&self) -> StoreFuture<'_, Vec<String>> {
        Box::pin(async move {
            Ok(sqlx::query_scalar(
                "SELECT node FROM otp_jobs_nodes WHERE expires_at > now() ORDER BY node",
            )
            .fetch_all(self.db())
            .await?)
        })
    }

    fn rescue_orphans(&self) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(ping::untested(async move {
            // Only jobs whose node has no live lease; how long a job has run never matters.
            let rows = sqlx::query(&format!(
                "UPDATE otp_jobs AS j SET \
                     state = CASE WHEN j.attempt >= j.max_attempts THEN 'discarded' \
                         ELSE 'available' END, \
                     finished_at = CASE WHEN j.attempt >= j.max_attempts THEN now() END, \
                     errors = j.errors || {APPEND_ERROR} 'node ' \
                         || coalesce(j.attempted_by, 'unknown') || ' died during attempt ' \
                         || j.attempt)), \
                     attempt_token = NULL \
                 WHERE j.state = 'executing' AND NOT EXISTS ( \
                     SELECT 1 FROM otp_jobs_nodes AS n \
                     WHERE n.node = j.attempted_by AND n.expires_at > now()) \
                 RETURNING {}",
                qualified_columns("j")
            ))
            .fetch_all(self.db())
            .await?;
            let mut jobs = jobs_from_rows(&rows)?;
            jobs.sort_unstable_by_key(|job| job.id);
            Ok(jobs)
        }))
    }

    fn try_lead(&self, role: &str, node: &str, lease: Duration) -> StoreFuture<'_, bool> {
        let (role, node) = (role.to_owned(), node.to_owned());
        Box::pin(ping::untested(async move {
            // Takes the role when free or expired, keeps it when held; the row lock of the
            // upsert orders contenders.
            let leader: Option<String> = sqlx::query_scalar(
                "INSERT INTO otp_jobs_leaders AS l (role, node, expires_at) \
                 VALUES ($1, $2, now() + $3 * interval '1 microsecond') \
                 ON CONFLICT (role) DO UPDATE \
                     SET node = EXCLUDED.node, expires_at = EXCLUDED.expires_at \
                     WHERE l.node = EXCLUDED.node OR l.expires_at <= now() \
                 RETURNING node",
            )
            .bind(role)
            .bind(&node)
            .bind(micros(lease))
            .fetch_optional(self.db())
            .await?;
            Ok(leader.as_deref() == Some(node.as_str()))
        }))
    }

    fn prune(&self, max_age: Duration, limit: u32) -> StoreFuture<'_, u64> {
        Box::pin(ping::untested(async move {
            let result = sqlx::query(
                "DELETE FROM otp_jobs WHERE id IN ( \
                     SELECT id FROM otp_jobs \
                     WHERE state IN ('completed', 'discarded', 'cancelled') \
                         AND finished_at < now() - $1 * interval '1 microsecond' \
                     LIMIT $2 FOR UPDATE SKIP LOCKED)",
            )
            .bind(micros(max_age))
            .bind(i64::from(limit))
            .execute(self.db())
            .await?;
            Ok(result.rows_affected())
        }))
    }

    fn get(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!("SELECT {JOB_COLUMNS} FROM otp_jobs WHERE id = $1"))
                .bind(id)
                .fetch_optional(self.db())
                .await?;
            row.as_ref().map(job_from_row).transpose()
        })
    }

    fn list(&self, filter: JobFilter) -> StoreFuture<'_, Vec<Job>> {
        Box::pin(async move {
            let states: Vec<&str> = filter.states.iter().map(|state| state.as_str()).collect();
            let rows = sqlx::query(&format!(
                "SELECT {JOB_COLUMNS} FROM otp_jobs \
                 WHERE ($1::text IS NULL OR worker = $1) AND ($2::text IS NULL OR queue = $2) \
                     AND (cardinality($3::text[]) = 0 OR state = ANY($3)) \
                     AND ($4::jsonb IS NULL OR args @> $4) \
                 ORDER BY id LIMIT $5"
            ))
            .bind(filter.worker)
            .bind(filter.queue)
            .bind(states)
            .bind(filter.args_contain)
            .bind(filter.limit.map(i64::from))
            .fetch_all(self.db())
            .await?;
            jobs_from_rows(&rows)
        })
    }

    fn counts(&self) -> StoreFuture<'_, Vec<(String, JobState, u64)>> {
        Box::pin(async move {
            let rows: Vec<(String, String, i64)> = sqlx::query_as(
                "SELECT queue, state, count(*) FROM otp_jobs GROUP BY queue, state \
                 ORDER BY queue, state",
            )
            .fetch_all(self.db())
            .await?;
            rows.into_iter()
                .map(|(queue, state, count)| {
                    let state = state
                        .parse::<JobState>()
                        .map_err(|error| StoreError::Corrupt {
                            id: 0,
                            reason: error.to_string(),
                        })?;
                    Ok((queue, state, u64::try_from(count).unwrap_or(0)))
                })
                .collect()
        })
    }

    fn cancel(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!(
                "UPDATE otp_jobs SET state = 'cancelled', finished_at = now(), \
                     attempt_token = NULL \
                 WHERE id = $1 AND state NOT IN ('completed', 'discarded', 'cancelled') \
                 RETURNING {JOB_COLUMNS}"
            ))
            .bind(id)
            .fetch_optional(self.db())
            .await?;
            match row {
                Some(row) => Ok(Some(job_from_row(&row)?)),
                None => self.get(id).await,
            }
        })
    }

    fn notifications(&self) -> StoreFuture<'_, Option<UnboundedReceiver<Notification>>> {
        Box::pin(notify::listen(
            &self.pool,
            self.probe_timeout,
            self.send_probe,
            self.pooled,
        ))
    }

    fn signal(&self, signal: &QueueSignal) -> StoreFuture<'_, ()> {
        let payload = notify::signal_payload(signal);
        Box::pin(async move {
            sqlx::query(&format!("SELECT pg_notify({}, $1)", notify::CHANNEL_SQL))
                .bind(payload)
                .execute(self.db())
                .await?;
            Ok(())
        })
    }

    fn retry(&self, id: i64) -> StoreFuture<'_, Option<Job>> {
        Box::pin(async move {
            let row = sqlx::query(&format!(
                "UPDATE otp_jobs SET state = 'available', scheduled_at = now(), \
                     finished_at = NULL, attempt_token = NULL, \
                     max_attempts = greatest(max_attempts, attempt + 1) \
                 WHERE id = $1 AND state <> 'executing' \
                 RETURNING {JOB_COLUMNS}"
            ))
            .bind(id)
            .fetch_optional(self.db())
            .await?;
            let job = match row {
                Some(row) => Some(job_from_row(&row)?),
                None => self.get(id).await?,
            };
            if let Some(job) = &job
                && job.state == JobState::Available
            {
                sqlx::query(&format!("SELECT pg_notify({}, $1)", notify::CHANNEL_SQL))
                    .bind(&job.queue)
                    .execute(self.db())
                    .await?;
            }
            Ok(job)
        })
    }
}

/// [`JOB_COLUMNS`] qualified by a table alias (for `UPDATE ... FROM`, where names are ambiguous).
fn qualified_columns(alias: &str) -> String {
    JOB_COLUMNS
        .split(", ")
        .map(|column| format!("{alias}.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The stager's round, one statement: makes the due scheduled and retryable jobs available (all
/// of them when `include_future`, for testing; in queue `$1` only when `in_queue`), notifies
/// the queues they went to, so that every node's queues wake, and names those queues with every
/// queue that has available jobs. The last part is the safety net for a wake-up that never came
/// (a row written by another program, a notification lost while LISTEN reconnected). The one
/// row also says in how many milliseconds (rounded up, by the database's clock) the earliest
/// job still waiting is due, so that the stager sleeps until then.
///
/// The conditions are written out rather than as `($2 OR scheduled_at <= now())`: under a
/// generic plan, a condition on a parameter keeps PostgreSQL from searching `otp_jobs_stage` by
/// time, and it reads every waiting job on every round. The due jobs are locked first and then
/// updated by id, so the update reads them by primary key, not by a scan. The next due time is
/// the first entry of the same index past now.
fn stage_sql(in_queue: bool, include_future: bool) -> String {
    let due = if include_future {
        ""
    } else {
        "AND scheduled_at <= now()"
    };
    let (in_queue, in_queue_j) = if in_queue {
        ("AND queue = $1", "AND j.queue = $1")
    } else {
        ("", "")
    };
    // Staging every job (for testing) leaves none waiting; the subquery would still see them.
    let next_due = if include_future {
        "NULL::bigint".to_owned()
    } else {
        format!(
            "(SELECT ceil(extract(epoch FROM min(scheduled_at) - clock_timestamp()) * 1000)::bigint \
              FROM otp_jobs WHERE state IN ('scheduled', 'retryable') AND scheduled_at > now() \
              {in_queue})"
        )
    };
    format!(
        "WITH RECURSIVE due AS ( \
             SELECT id FROM otp_jobs \
             WHERE state IN ('scheduled', 'retryable') {due} {in_queue} \
             FOR UPDATE SKIP LOCKED), \
         staged AS ( \
             UPDATE otp_jobs AS j SET state = 'available' FROM due WHERE j.id = due.id \
             RETURNING j.queue), \
         notified AS ( \
             SELECT s.queue FROM (SELECT DISTINCT queue FROM staged) AS s, \
                 LATERAL (SELECT pg_notify({channel}, s.queue)) AS n), \
         available(queue) AS ( \
             (SELECT queue FROM otp_jobs WHERE state = 'available' {in_queue} \
              ORDER BY queue LIMIT 1) \
             UNION ALL \
             SELECT (SELECT j.queue FROM otp_jobs AS j \
                     WHERE j.state = 'available' AND j.queue > a.queue {in_queue_j} \
                     ORDER BY j.queue LIMIT 1) \
             FROM available AS a WHERE a.queue IS NOT NULL) \
         SELECT ARRAY(SELECT queue FROM notified \
                      UNION SELECT queue FROM available WHERE queue IS NOT NULL \
                      ORDER BY queue), \
             {next_due}",
        channel = notify::CHANNEL_SQL,
    )
}
