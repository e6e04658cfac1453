//! The SQLite engine on its own: each method against a fresh in-memory database.

use super::scratch::SqliteFile;
use super::*;
use crate::store::UniqueInsert;
use serde_json::json;

fn job(queue: &str) -> JobInsert {
    JobInsert {
        queue: queue.to_owned(),
        worker: "w".to_owned(),
        args: json!({"n": 1}),
        meta: json!({}),
        max_attempts: 3,
        priority: 0,
        schedule: Schedule::Now,
        unique: None,
    }
}

async fn store() -> SqliteStore {
    let store = SqliteStore::memory().await.unwrap();
    store.migrate().await.unwrap();
    store
}

#[tokio::test]
async fn migrations_apply_once() {
    let store = store().await;
    store.migrate().await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM otp_jobs_migrations")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(
        applied,
        i64::try_from(crate::migrations::SQLITE.len()).unwrap()
    );
}

#[tokio::test]
async fn a_file_database_is_in_wal_mode() {
    let file = SqliteFile::new("wal");
    let path = file.path();
    let store = SqliteStore::open(&path, 4).await.unwrap();
    store.migrate().await.unwrap();
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&store.pool)
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    store.pool.close().await;
}

#[tokio::test]
async fn insert_then_fetch_in_priority_then_id_order() {
    let store = store().await;
    let mut low = job("q");
    low.priority = 5;
    let inserted = store
        .insert(vec![low, job("q"), job("q"), job("other")])
        .await
        .unwrap();
    assert!(inserted.iter().all(|job| job.state == JobState::Available));
    let attempts = store.fetch("q", "node-a", 10).await.unwrap();
    let ids: Vec<i64> = attempts.iter().map(|attempt| attempt.job.id).collect();
    assert_eq!(ids, [inserted[1].id, inserted[2].id, inserted[0].id]);
    for attempt in &attempts {
        assert_eq!(attempt.job.state, JobState::Executing);
        assert_eq!(attempt.job.attempt, 1);
        assert_eq!(attempt.job.attempted_by.as_deref(), Some("node-a"));
    }
    assert!(store.fetch("q", "node-a", 10).await.unwrap().is_empty());
    assert_eq!(store.fetch("other", "node-a", 10).await.unwrap().len(), 1);
}

#[tokio::test]
async fn fetch_takes_at_most_the_limit() {
    let store = store().await;
    store
        .insert(vec![job("q"), job("q"), job("q")])
        .await
        .unwrap();
    assert_eq!(store.fetch("q", "n", 2).await.unwrap().len(), 2);
    assert_eq!(store.fetch("q", "n", 2).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_completion_with_a_stale_token_is_fenced() {
    let store = store().await;
    store.insert(vec![job("q")]).await.unwrap();
    let attempt = store.fetch("q", "n", 1).await.unwrap().remove(0);
    let stale = CompletionRequest {
        job_id: attempt.job.id,
        token: attempt.token.wrapping_add(1),
        completion: Completion::Completed,
    };
    assert_eq!(
        store.complete(vec![stale]).await.unwrap(),
        [CompletionOutcome::Fenced]
    );
    let fresh = CompletionRequest {
        job_id: attempt.job.id,
        token: attempt.token,
        completion: Completion::Retry {
            backoff: Duration::from_secs(60),
            error: "boom".to_owned(),
        },
    };
    assert_eq!(
        store.complete(vec![fresh.clone()]).await.unwrap(),
        [CompletionOutcome::Applied]
    );
    // Applied once: the same completion again finds the job no longer executing.
    assert_eq!(
        store.complete(vec![fresh]).await.unwrap(),
        [CompletionOutcome::Fenced]
    );
    let job = store.get(attempt.job.id).await.unwrap().unwrap();
    assert_eq!(job.state, JobState::Retryable);
    assert_eq!(job.errors.len(), 1);
    assert_eq!(job.errors[0].attempt, 1);
    assert_eq!(job.errors[0].error, "boom");
    assert!(job.scheduled_at > job.attempted_at.unwrap() + chrono::Duration::seconds(59));
}

#[tokio::test]
async fn snooze_gives_the_attempt_back() {
    let store = store().await;
    store.insert(vec![job("q")]).await.unwrap();
    let attempt = store.fetch("q", "n", 1).await.unwrap().remove(0);
    store
        .complete(vec![CompletionRequest {
            job_id: attempt.job.id,
            token: attempt.token,
            completion: Completion::Snooze {
                delay: Duration::from_secs(30),
            },
        }])
        .await
        .unwrap();
    let job = store.get(attempt.job.id).await.unwrap().unwrap();
    assert_eq!((job.state, job.attempt), (JobState::Scheduled, 0));
    assert!(job.errors.is_empty());
}

#[tokio::test]
async fn stage_makes_due_jobs_available_and_names_their_queues() {
    let store = store().await;
    let mut later = job("later");
    later.schedule = Schedule::In(Duration::from_secs(3600));
    let mut past = job("past");
    past.schedule = Schedule::At(Utc::now() - chrono::Duration::seconds(10));
    let inserted = store.insert(vec![later, past]).await.unwrap();
    assert_eq!(inserted[0].state, JobState::Scheduled);
    assert_eq!(inserted[1].state, JobState::Available);
    let staged = store.stage(None, false).await.unwrap();
    assert_eq!(staged.queues, ["past"]);
    // The next waiting job is an hour away: the stager may skip its rounds until then.
    let next = staged.next_due.unwrap();
    assert!(
        next > Duration::from_secs(3590) && next <= Duration::from_secs(3600),
        "{next:?}"
    );
    assert_eq!(
        store.get(inserted[0].id).await.unwrap().unwrap().state,
        JobState::Scheduled
    );
    let staged = store.stage(None, true).await.unwrap();
    let mut queues = staged.queues;
    queues.sort();
    assert_eq!(queues, ["later", "past"]);
    assert_eq!(staged.next_due, None, "nothing waits any more");
    assert_eq!(store.stage(None, false).await.unwrap().next_due, None);
}

#[tokio::test]
async fn the_wal_index_tells_whether_any_connection_committed() {
    let file = SqliteFile::new("wal-index");
    let path = file.path();
    let store = SqliteStore::open(&path, 4).await.unwrap();
    store.migrate().await.unwrap();
    let before = store.data_version().expect("the WAL index is readable");
    // Reads commit nothing.
    store.stage(None, false).await.unwrap();
    store.get(1).await.unwrap();
    assert_eq!(store.data_version(), Some(before));
    // Another program's connection (a pool of its own) commits.
    let other = SqliteStore::open(&path, 1).await.unwrap();
    other.insert(vec![job("q")]).await.unwrap();
    let after = store.data_version().unwrap();
    assert_ne!(after, before);
    // A transaction rolled back commits nothing.
    let mut tx = other.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    sqlx::query("DELETE FROM otp_jobs")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.rollback().await.unwrap();
    assert_eq!(store.data_version(), Some(after));
    other.pool.close().await;
    store.pool.close().await;
    // Every connection closed: the index is gone, and tells nothing.
    assert_eq!(store.data_version(), None);
    assert_eq!(SqliteStore::memory().await.unwrap().data_version(), None);
}

#[tokio::test]
async fn unique_inserts_return_the_holder_as_a_conflict() {
    let store = store().await;
    let mut unique = job("q");
    unique.unique = Some(UniqueInsert {
        key: "k".to_owned(),
        period: None,
        states: vec![JobState::Available, JobState::Scheduled],
    });
    let first = store.insert(vec![unique.clone()]).await.unwrap().remove(0);
    let second = store.insert(vec![unique.clone()]).await.unwrap().remove(0);
    assert!(!first.conflict);
    assert!(second.conflict);
    assert_eq!(first.id, second.id);
    // The holder leaves the compared states: the next insert is a new job.
    store.cancel(first.id).await.unwrap();
    let third = store.insert(vec![unique]).await.unwrap().remove(0);
    assert!(!third.conflict);
    assert_ne!(third.id, first.id);
}

#[tokio::test]
async fn a_unique_holder_outside_the_period_does_not_conflict() {
    let store = store().await;
    let mut unique = job("q");
    unique.unique = Some(UniqueInsert {
        key: "k".to_owned(),
        period: Some(Duration::ZERO),
        states: crate::Unique::DEFAULT_STATES.to_vec(),
    });
    let first = store.insert(vec![unique.clone()]).await.unwrap().remove(0);
    sqlx::query("UPDATE otp_jobs SET inserted_at = inserted_at - 1000")
        .execute(&store.pool)
        .await
        .unwrap();
    let second = store.insert(vec![unique]).await.unwrap().remove(0);
    assert!(!second.conflict);
    assert_ne!(first.id, second.id);
}

#[tokio::test]
async fn rescue_takes_only_the_jobs_of_dead_nodes() {
    let store = store().await;
    store.insert(vec![job("q"), job("q")]).await.unwrap();
    store
        .heartbeat("alive", Duration::from_secs(60))
        .await
        .unwrap();
    store.heartbeat("dead", Duration::ZERO).await.unwrap();
    let alive = store.fetch("q", "alive", 1).await.unwrap().remove(0);
    let dead = store.fetch("q", "dead", 1).await.unwrap().remove(0);
    assert_eq!(store.live_nodes().await.unwrap(), ["alive"]);
    let rescued = store.rescue_orphans().await.unwrap();
    assert_eq!(rescued.len(), 1);
    assert_eq!(rescued[0].id, dead.job.id);
    assert_eq!(rescued[0].state, JobState::Available);
    assert_eq!(
        rescued[0].errors[0].error,
        "node dead died during attempt 1"
    );
    // The rescued attempt is fenced; the live one is not.
    let outcomes = store
        .complete(vec![
            CompletionRequest {
                job_id: dead.job.id,
                token: dead.token,
                completion: Completion::Completed,
            },
            CompletionRequest {
                job_id: alive.job.id,
                token: alive.token,
                completion: Completion::Completed,
            },
        ])
        .await
        .unwrap();
    assert_eq!(
        outcomes,
        [CompletionOutcome::Fenced, CompletionOutcome::Applied]
    );
}

#[tokio::test]
async fn leadership_is_held_until_the_lease_expires() {
    let store = store().await;
    let lease = Duration::from_secs(60);
    assert!(store.try_lead("cron", "a", lease).await.unwrap());
    assert!(!store.try_lead("cron", "b", lease).await.unwrap());
    assert!(store.try_lead("cron", "a", lease).await.unwrap());
    assert!(store.try_lead("pruner", "b", lease).await.unwrap());
    store.leave("a").await.unwrap();
    assert!(store.try_lead("cron", "b", Duration::ZERO).await.unwrap());
    assert!(store.try_lead("cron", "a", lease).await.unwrap());
}

#[tokio::test]
async fn prune_deletes_old_finished_jobs_only() {
    let store = store().await;
    let inserted = store.insert(vec![job("q"), job("q")]).await.unwrap();
    store.cancel(inserted[0].id).await.unwrap();
    assert_eq!(store.prune(Duration::from_secs(3600), 10).await.unwrap(), 0);
    sqlx::query("UPDATE otp_jobs SET finished_at = finished_at - 7200000000")
        .execute(&store.pool)
        .await
        .unwrap();
    assert_eq!(store.prune(Duration::from_secs(3600), 10).await.unwrap(), 1);
    assert!(store.get(inserted[0].id).await.unwrap().is_none());
    assert!(store.get(inserted[1].id).await.unwrap().is_some());
}

#[tokio::test]
async fn cancel_retry_list_and_counts() {
    let store = store().await;
    let mut other = job("q");
    other.args = json!({"n": 2, "tags": ["a", "b"]});
    let inserted = store.insert(vec![job("q"), other]).await.unwrap();
    let cancelled = store.cancel(inserted[0].id).await.unwrap().unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    assert!(cancelled.finished_at.is_some());
    assert!(store.cancel(9999).await.unwrap().is_none());
    let retried = store.retry(inserted[0].id).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Available);
    assert_eq!(retried.finished_at, None);

    let found = store
        .list(JobFilter {
            args_contain: Some(json!({"tags": ["b"]})),
            states: vec![JobState::Available],
            ..JobFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, inserted[1].id);
    assert_eq!(
        store.counts().await.unwrap(),
        [("q".to_owned(), JobState::Available, 2)]
    );
}

#[tokio::test]
async fn a_corrupt_row_is_a_typed_error() {
    let store = store().await;
    let inserted = store.insert(vec![job("q")]).await.unwrap();
    sqlx::query("UPDATE otp_jobs SET args = 'not json'")
        .execute(&store.pool)
        .await
        .unwrap();
    let error = store.get(inserted[0].id).await.unwrap_err();
    assert!(matches!(error, StoreError::Corrupt { .. }), "{error}");
}

/// The query plan of `sql` (with `?1` bound to a queue name when it has one), one line per step.
async fn plan(store: &SqliteStore, sql: &str) -> String {
    let explain = format!("EXPLAIN QUERY PLAN {sql}");
    let mut query = sqlx::query_as::<_, (i64, i64, i64, String)>(&explain);
    if sql.contains("?1") {
        query = query.bind("q");
    }
    let rows = query.fetch_all(&store.pool).await.unwrap();
    rows.into_iter()
        .map(|(_, _, _, step)| step)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn the_stager_finds_due_jobs_on_their_own_index_without_reading_waiting_ones() {
    let store = store().await;
    for in_queue in [false, true] {
        let (names, staged) = stage_sql(in_queue, false);
        for sql in [names, staged] {
            let plan = plan(&store, &sql).await;
            assert!(
                plan.contains("USING INDEX otp_jobs_stage (scheduled_at<?)"),
                "{sql}\n{plan}"
            );
            assert!(!plan.contains("SCAN otp_jobs"), "{sql}\n{plan}");
        }
        // The next due time: the same index, searched from now on.
        let (names, _) = stage_sql(in_queue, false);
        let plan = plan(&store, &names).await;
        assert!(
            plan.contains("USING INDEX otp_jobs_stage (scheduled_at>?)"),
            "{names}\n{plan}"
        );
    }
}

#[tokio::test]
async fn staging_with_nothing_due_takes_no_write_lock() {
    let file = SqliteFile::new("stage");
    let store = SqliteStore::open(&file.path(), 4).await.unwrap();
    store.migrate().await.unwrap();
    let mut later = job("later");
    later.schedule = Schedule::In(Duration::from_secs(3600));
    store.insert(vec![later, job("now")]).await.unwrap();
    // Another connection holds the write lock: a stage with nothing due still answers.
    let writer = store.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let staged = tokio::time::timeout(Duration::from_secs(5), store.stage(None, false)).await;
    assert_eq!(staged.unwrap().unwrap().queues, ["now"]);
    writer.rollback().await.unwrap();
    store.pool.close().await;
}

#[tokio::test]
async fn a_rescue_with_nothing_orphaned_takes_no_write_lock() {
    let file = SqliteFile::new("rescue");
    let store = SqliteStore::open(&file.path(), 4).await.unwrap();
    store.migrate().await.unwrap();
    store.insert(vec![job("q")]).await.unwrap();
    store
        .heartbeat("alive", Duration::from_secs(60))
        .await
        .unwrap();
    store.fetch("q", "alive", 1).await.unwrap();
    // Another connection holds the write lock: a rescue that finds nothing still answers.
    let writer = store.pool.begin_with("BEGIN IMMEDIATE").await.unwrap();
    let rescued = tokio::time::timeout(Duration::from_secs(5), store.rescue_orphans()).await;
    assert_eq!(rescued.unwrap().unwrap(), Vec::<Job>::new());
    writer.rollback().await.unwrap();
    store.pool.close().await;
}

#[tokio::test]
async fn a_database_of_the_first_version_migrates_to_the_stage_and_prune_indexes() {
    let store = SqliteStore::memory().await.unwrap();
    sqlx::raw_sql(crate::migrations::SQLITE[0].sql)
        .execute(&store.pool)
        .await
        .unwrap();
    sqlx::raw_sql(
        "CREATE TABLE otp_jobs_migrations (version INTEGER PRIMARY KEY, \
             description TEXT NOT NULL, applied_at INTEGER NOT NULL); \
         INSERT INTO otp_jobs_migrations VALUES (1, 'first', 0);",
    )
    .execute(&store.pool)
    .await
    .unwrap();
    store.insert(vec![job("q")]).await.unwrap();
    store.migrate().await.unwrap();
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' \
         AND name IN ('otp_jobs_stage', 'otp_jobs_prune') ORDER BY name",
    )
    .fetch_all(&store.pool)
    .await
    .unwrap();
    assert_eq!(indexes.len(), 2, "{indexes:?}");
    assert!(
        indexes[0].1.contains("WHERE state IN ('completed'"),
        "{indexes:?}"
    );
    assert!(
        indexes[1].1.contains("WHERE state IN ('scheduled'"),
        "{indexes:?}"
    );
    assert_eq!(store.fetch("q", "n", 10).await.unwrap().len(), 1);
}
