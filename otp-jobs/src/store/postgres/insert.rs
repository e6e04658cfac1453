//! Inserting jobs on one connection (a pooled one, a transaction of the store's, or the caller's
//! own): runs of plain jobs in one statement each, unique jobs one by one under the unique
//! index. Each insert statement also sends the `NOTIFY` of the queues it made jobs available in
//! (delivered when its transaction commits), so that a single insert is one round trip.

use super::exec::Conn;
use super::notify::{CHANNEL_SQL, DUE_PREFIX};
use super::rows::{JOB_COLUMNS, job_from_row, micros};
use crate::store::{JobInsert, Schedule, StoreError, UniqueInsert};
use crate::{Job, JobState};
use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use std::sync::LazyLock;

/// How many times a unique insert clears a stale holder and tries again before it reports the
/// holder as the conflict (each round needs another insert to have raced it).
const UNIQUE_ROUNDS: usize = 8;

/// Inserts `jobs` in order on `conn`, without beginning or committing a transaction: in the
/// caller's transaction, the jobs (and their wake-up) exist when it commits and vanish if it
/// rolls back. With `unnamed`, every statement is sent unnamed (behind a pooler in transaction
/// mode, `conn` being in a transaction).
pub(crate) async fn insert_with(
    conn: &mut PgConnection,
    jobs: Vec<JobInsert>,
    unnamed: bool,
) -> Result<Vec<Job>, StoreError> {
    let mut inserted = Vec::with_capacity(jobs.len());
    let mut plain = Vec::new();
    for job in jobs {
        match job.unique.clone() {
            None => plain.push(job),
            Some(unique) => {
                inserted.extend(insert_plain(conn, std::mem::take(&mut plain), unnamed).await?);
                inserted.push(insert_unique(conn, &job, &unique, unnamed).await?);
            }
        }
    }
    inserted.extend(insert_plain(conn, plain, unnamed).await?);
    Ok(inserted)
}

/// Whether inserting `jobs` takes a single statement (so no transaction of its own): plain jobs
/// only, or one job. A unique job that conflicts takes more, each safe on its own: reading the
/// holder, and releasing the key of a holder that no longer counts before trying again.
pub(crate) fn is_one_statement(jobs: &[JobInsert]) -> bool {
    jobs.len() == 1 || jobs.iter().all(|job| job.unique.is_none())
}

/// The columns of a batch, one array each (bound as `unnest`'s arguments).
#[derive(Default)]
struct Columns {
    queue: Vec<String>,
    worker: Vec<String>,
    args: Vec<serde_json::Value>,
    meta: Vec<serde_json::Value>,
    max_attempts: Vec<i32>,
    priority: Vec<i16>,
    delay_us: Vec<Option<i64>>,
    at: Vec<Option<DateTime<Utc>>>,
    unique_key: Vec<Option<String>>,
}

impl Columns {
    fn push(&mut self, job: JobInsert, unique_key: Option<String>) {
        let (delay_us, at) = match job.schedule {
            Schedule::Now => (None, None),
            Schedule::In(delay) => (Some(micros(delay)), None),
            Schedule::At(at) => (None, Some(at)),
        };
        self.queue.push(job.queue);
        self.worker.push(job.worker);
        self.args.push(job.args);
        self.meta.push(job.meta);
        self.max_attempts
            .push(i32::try_from(job.max_attempts).unwrap_or(i32::MAX));
        self.priority.push(i16::from(job.priority));
        self.delay_us.push(delay_us);
        self.at.push(at);
        self.unique_key.push(unique_key);
    }
}

/// The insert of a batch: `scheduled_at` from the database's now, the state from it; with the
/// `NOTIFY` of each queue it made jobs available in, and for scheduled jobs one `NOTIFY` saying
/// in how many milliseconds the earliest of them is due (so that each node's stager, which
/// sleeps until the next due job, wakes in time). The notifying parts are referenced by the
/// final `SELECT` (one-row counts), so that they run; `pg_notify` is queued and sent at commit.
/// It returns only what the database decided (id, state, times): the rest of each job is what
/// was inserted, and reading the JSON columns back would cost as much as the insert.
///
/// Plain jobs (no `unique_key`) cannot conflict, and take no `ON CONFLICT`: with one, every row
/// is a speculative insertion (a lock taken and released, and one more WAL record each).
fn insert_sql(unique: bool) -> String {
    let (key_column, key_value, key_type, key_name, on_conflict) = if unique {
        (
            ", unique_key",
            ", t.unique_key",
            ", $9::text[]",
            ", unique_key",
            "ON CONFLICT (unique_key) WHERE unique_key IS NOT NULL DO NOTHING ",
        )
    } else {
        ("", "", "", "", "")
    };
    format!(
        "WITH inserted AS (INSERT INTO otp_jobs (state, queue, worker, args, meta, max_attempts, priority, \
             scheduled_at{key_column}) \
         SELECT CASE WHEN t.due > now() THEN 'scheduled' ELSE 'available' END, t.queue, \
             t.worker, t.args, t.meta, t.max_attempts, t.priority, t.due{key_value} \
         FROM (SELECT s.*, CASE WHEN s.delay_us IS NOT NULL \
                   THEN now() + s.delay_us * interval '1 microsecond' \
                   ELSE coalesce(s.at, now()) END AS due \
               FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[], $5::int[], \
                   $6::smallint[], $7::bigint[], $8::timestamptz[]{key_type}) \
               WITH ORDINALITY AS s(queue, worker, args, meta, max_attempts, priority, \
                   delay_us, at{key_name}, ord)) AS t \
         ORDER BY t.ord \
         {on_conflict}\
         RETURNING id, state, queue, inserted_at, scheduled_at), \
         notified AS (SELECT count(pg_notify({CHANNEL_SQL}, q.queue)) AS queues \
             FROM (SELECT DISTINCT queue FROM inserted WHERE state = 'available') AS q), \
         due AS (SELECT count(pg_notify({CHANNEL_SQL}, '{DUE_PREFIX}' || \
                     greatest(0, ceil(extract(epoch FROM d.at - clock_timestamp()) * 1000))::bigint)) \
             FROM (SELECT min(scheduled_at) AS at FROM inserted WHERE state = 'scheduled') AS d \
             WHERE d.at IS NOT NULL) \
         SELECT i.id, i.state, i.inserted_at, i.scheduled_at FROM inserted AS i \
             CROSS JOIN notified CROSS JOIN due"
    )
}

/// The insert of plain jobs, built once.
static PLAIN_SQL: LazyLock<String> = LazyLock::new(|| insert_sql(false));

/// The insert of a unique job, built once.
static UNIQUE_SQL: LazyLock<String> = LazyLock::new(|| insert_sql(true));

/// What the database decided for an inserted job: id, state, `inserted_at`, `scheduled_at`.
type Inserted = (i64, String, DateTime<Utc>, DateTime<Utc>);

/// Inserts the batch; returns the jobs inserted, in order. Every job of the batch is inserted,
/// except a unique one that conflicts (a batch of its own): then none.
async fn run_insert(
    conn: &mut PgConnection,
    columns: Columns,
    unnamed: bool,
) -> Result<Vec<Job>, StoreError> {
    // A batch is unique jobs only if it holds a key (one job: see `insert_unique`).
    let unique = columns.unique_key.iter().any(Option::is_some);
    let sql = if unique { &*UNIQUE_SQL } else { &*PLAIN_SQL };
    let mut query = sqlx::query_as(sql)
        .bind(&columns.queue)
        .bind(&columns.worker)
        .bind(&columns.args)
        .bind(&columns.meta)
        .bind(&columns.max_attempts)
        .bind(&columns.priority)
        .bind(&columns.delay_us)
        .bind(&columns.at);
    if unique {
        query = query.bind(&columns.unique_key);
    }
    let mut rows: Vec<Inserted> = query.fetch_all(Conn::new(conn, unnamed)).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    if rows.len() != columns.queue.len() {
        return Err(StoreError::Corrupt {
            id: 0,
            reason: format!(
                "an insert of {} jobs returned {} rows",
                columns.queue.len(),
                rows.len()
            ),
        });
    }
    // Ids are drawn in the insert's order: the n-th id is the n-th job's.
    rows.sort_unstable_by_key(|row| row.0);
    let Columns {
        queue,
        worker,
        args,
        meta,
        max_attempts,
        priority,
        ..
    } = columns;
    let jobs = rows
        .into_iter()
        .zip(queue)
        .zip(worker)
        .zip(args)
        .zip(meta)
        .zip(max_attempts.into_iter().zip(priority))
        .map(
            |(
                (((((id, state, inserted_at, scheduled_at), queue), worker), args), meta),
                limits,
            )| {
                let corrupt = |reason: String| StoreError::Corrupt { id, reason };
                let (max_attempts, priority) = limits;
                Ok(Job {
                    id,
                    state: state
                        .parse::<JobState>()
                        .map_err(|error| corrupt(error.to_string()))?,
                    queue,
                    worker,
                    args,
                    meta,
                    attempt: 0,
                    max_attempts: u32::try_from(max_attempts)
                        .map_err(|_| corrupt(format!("max_attempts {max_attempts}")))?,
                    priority: u8::try_from(priority)
                        .map_err(|_| corrupt(format!("priority {priority}")))?,
                    errors: Vec::new(),
                    inserted_at,
                    scheduled_at,
                    attempted_at: None,
                    attempted_by: None,
                    finished_at: None,
                    conflict: false,
                })
            },
        )
        .collect::<Result<Vec<_>, StoreError>>()?;
    Ok(jobs)
}

/// Inserts jobs without uniqueness in one statement; returns them in order.
async fn insert_plain(
    conn: &mut PgConnection,
    jobs: Vec<JobInsert>,
    unnamed: bool,
) -> Result<Vec<Job>, StoreError> {
    if jobs.is_empty() {
        return Ok(Vec::new());
    }
    let mut columns = Columns::default();
    for job in jobs {
        columns.push(job, None);
    }
    run_insert(conn, columns, unnamed).await
}

/// Inserts a unique job, or returns the job holding its key marked as a conflict. A holder
/// inserted before the period or in a state that does not count gives its key up (only if it
/// still holds it) and the insert is tried again; the unique index decides every race.
async fn insert_unique(
    conn: &mut PgConnection,
    job: &JobInsert,
    unique: &UniqueInsert,
    unnamed: bool,
) -> Result<Job, StoreError> {
    let states: Vec<&str> = unique.states.iter().map(|state| state.as_str()).collect();
    let period_us = unique.period.map(micros);
    for _ in 0..UNIQUE_ROUNDS {
        let mut columns = Columns::default();
        columns.push(job.clone(), Some(unique.key.clone()));
        if let Some(job) = run_insert(conn, columns, unnamed).await?.pop() {
            return Ok(job);
        }
        let holder = sqlx::query(&format!(
            "SELECT {JOB_COLUMNS}, (state = ANY($2::text[]) AND ($3::bigint IS NULL \
                 OR inserted_at >= now() - $3 * interval '1 microsecond')) AS counts \
             FROM otp_jobs WHERE unique_key = $1"
        ))
        .bind(&unique.key)
        .bind(&states)
        .bind(period_us)
        .fetch_optional(Conn::new(conn, unnamed))
        .await?;
        let Some(holder) = holder else {
            continue; // gone meanwhile (pruned, or its key released): insert again
        };
        let counts: bool = sqlx::Row::try_get(&holder, "counts")?;
        let mut existing = job_from_row(&holder)?;
        if counts {
            existing.conflict = true;
            return Ok(existing);
        }
        sqlx::query("UPDATE otp_jobs SET unique_key = NULL WHERE id = $1 AND unique_key = $2")
            .bind(existing.id)
            .bind(&unique.key)
            .execute(Conn::new(conn, unnamed))
            .await?;
    }
    Err(StoreError::Database(sqlx::Error::Protocol(format!(
        "unique job {}: the key kept changing hands over {UNIQUE_ROUNDS} tries",
        unique.key
    ))))
}
