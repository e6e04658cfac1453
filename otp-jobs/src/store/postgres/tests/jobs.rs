//! Inserting, fetching, completing, unique jobs, and the queries over jobs.

use super::*;

#[tokio::test]
async fn migrations_are_idempotent_and_safe_from_many_nodes_at_once() {
    let Some((db, store)) = store().await else {
        return;
    };
    let mut nodes = Vec::new();
    for _ in 0..5 {
        let node = connect(db.base_url(), Some(db.schema())).await.unwrap();
        nodes.push(tokio::spawn(async move { node.migrate().await }));
    }
    for node in nodes {
        node.await.unwrap().unwrap();
    }
    store.migrate().await.unwrap();
    let applied: i64 = sqlx::query_scalar("SELECT count(*) FROM otp_jobs_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(
        applied,
        i64::try_from(crate::migrations::POSTGRES.len()).unwrap()
    );
}

#[tokio::test]
async fn a_schema_name_that_is_not_an_identifier_is_refused() {
    let error = connect(
        "postgres://postgres@127.0.0.1/postgres",
        Some("x\"; DROP TABLE y"),
    )
    .await
    .unwrap_err();
    assert!(
        error.to_string().contains("not a usable schema name"),
        "{error}"
    );
}

#[tokio::test]
async fn insert_returns_the_rows_in_order_with_their_schedule() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut later = job("default", json!({"n": 2}));
    later.schedule = Schedule::In(Duration::from_secs(3600));
    let mut past = job("default", json!({"n": 3}));
    past.schedule = Schedule::At(chrono::Utc::now() - chrono::Duration::hours(1));
    let mut first = job("mailers", json!({"n": 1}));
    first.priority = 4;
    first.meta = json!({"trace": "abc"});
    let jobs = store.insert(vec![first, later, past]).await.unwrap();
    assert_eq!(jobs.len(), 3);
    assert!(jobs[0].id < jobs[1].id && jobs[1].id < jobs[2].id);
    assert_eq!(jobs[0].args, json!({"n": 1}));
    assert_eq!(jobs[0].queue, "mailers");
    assert_eq!(jobs[0].priority, 4);
    assert_eq!(jobs[0].meta, json!({"trace": "abc"}));
    assert_eq!(jobs[0].max_attempts, 3);
    assert_eq!(jobs[0].state, JobState::Available);
    assert_eq!(jobs[1].state, JobState::Scheduled);
    assert!(jobs[1].scheduled_at - jobs[1].inserted_at >= chrono::Duration::seconds(3599));
    assert_eq!(jobs[2].state, JobState::Available);
    assert_eq!(
        store.get(jobs[1].id).await.unwrap().as_ref(),
        Some(&jobs[1])
    );
    assert_eq!(store.get(jobs[2].id + 100).await.unwrap(), None);
}

#[tokio::test]
async fn the_url_search_path_isolates_as_the_schema_argument_does() {
    let Some(db) = TestDb::new().await else {
        return;
    };
    let store = connect(&db.url(), None).await.unwrap();
    store.migrate().await.unwrap();
    let job = insert_one(&store, job("default", json!({}))).await;
    let mut conn = db.connect().await;
    let count: i64 = sqlx::query_scalar("SELECT count(*) FROM otp_jobs WHERE id = $1")
        .bind(job.id)
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(count, 1);
}

#[tokio::test]
async fn fetch_takes_by_priority_then_schedule_then_id_and_counts_the_attempt() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut low = job("q", json!({"name": "low"}));
    low.priority = 5;
    let mut older = job("q", json!({"name": "older"}));
    older.schedule = Schedule::At(chrono::Utc::now() - chrono::Duration::minutes(5));
    let plain = job("q", json!({"name": "plain"}));
    let other_queue = job("other", json!({"name": "other"}));
    store
        .insert(vec![low, plain, older, other_queue])
        .await
        .unwrap();

    let attempts = store.fetch("q", "node-a", 2).await.unwrap();
    let names: Vec<_> = attempts
        .iter()
        .map(|a| a.job.args["name"].clone())
        .collect();
    assert_eq!(names, [json!("older"), json!("plain")]);
    for attempt in &attempts {
        assert_eq!(attempt.job.state, JobState::Executing);
        assert_eq!(attempt.job.attempt, 1);
        assert_eq!(attempt.job.attempted_by.as_deref(), Some("node-a"));
        assert!(attempt.job.attempted_at.is_some());
    }
    assert_ne!(attempts[0].token, attempts[1].token);
    let rest = store.fetch("q", "node-a", 10).await.unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].job.args["name"], "low");
    assert!(store.fetch("q", "node-a", 10).await.unwrap().is_empty());
    assert!(store.fetch("other", "node-a", 0).await.unwrap().is_empty());
}

#[tokio::test]
async fn fetch_skips_a_locked_job_instead_of_waiting() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let jobs = store
        .insert(vec![job("q", json!({})), job("q", json!({}))])
        .await
        .unwrap();
    let mut tx = store.pool().begin().await.unwrap();
    sqlx::query("SELECT id FROM otp_jobs WHERE id = $1 FOR UPDATE")
        .bind(jobs[0].id)
        .execute(&mut *tx)
        .await
        .unwrap();
    let fetched = store.fetch("q", "node-a", 10).await.unwrap();
    assert_eq!(fetched.len(), 1);
    assert_eq!(fetched[0].job.id, jobs[1].id);
    tx.rollback().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_fetchers_never_take_the_same_job() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let jobs: Vec<_> = (0..300).map(|n| job("q", json!({"n": n}))).collect();
    store.insert(jobs).await.unwrap();
    let mut fetchers = Vec::new();
    for node in 0..4 {
        let store = store.clone();
        fetchers.push(tokio::spawn(async move {
            let mut taken = Vec::new();
            loop {
                let batch = store.fetch("q", &format!("node-{node}"), 7).await.unwrap();
                if batch.is_empty() {
                    return taken;
                }
                taken.extend(batch.into_iter().map(|attempt| attempt.job.id));
            }
        }));
    }
    let mut all = Vec::new();
    for fetcher in fetchers {
        all.extend(fetcher.await.unwrap());
    }
    let distinct: HashSet<_> = all.iter().collect();
    assert_eq!(all.len(), 300);
    assert_eq!(distinct.len(), 300, "a job was fetched twice");
}

#[tokio::test]
async fn each_completion_moves_the_job_as_its_outcome_says() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let inserts = (0..5).map(|n| job("q", json!({"n": n}))).collect();
    let ids: Vec<i64> = store
        .insert(inserts)
        .await
        .unwrap()
        .iter()
        .map(|j| j.id)
        .collect();
    let attempts = store.fetch("q", "node-a", 5).await.unwrap();
    let token = |id: i64| attempts.iter().find(|a| a.job.id == id).unwrap().token;
    let completions = [
        Completion::Completed,
        Completion::Retry {
            backoff: Duration::from_secs(30),
            error: "boom".into(),
        },
        Completion::Discard {
            error: "last".into(),
        },
        Completion::Cancel {
            reason: "user gone".into(),
        },
        Completion::Snooze {
            delay: Duration::from_secs(60),
        },
    ];
    let batch = ids
        .iter()
        .zip(completions)
        .map(|(&id, completion)| CompletionRequest {
            job_id: id,
            token: token(id),
            completion,
        })
        .collect();
    let outcomes = store.complete(batch).await.unwrap();
    assert_eq!(outcomes, [CompletionOutcome::Applied; 5]);

    let jobs: Vec<Job> = store.list(JobFilter::default()).await.unwrap();
    let [completed, retryable, discarded, cancelled, snoozed] = jobs.as_slice() else {
        panic!("{jobs:?}")
    };
    assert_eq!(completed.state, JobState::Completed);
    assert!(completed.finished_at.is_some() && completed.errors.is_empty());

    assert_eq!(retryable.state, JobState::Retryable);
    assert_eq!(retryable.finished_at, None);
    assert_eq!(retryable.attempt, 1);
    assert_eq!(retryable.errors.len(), 1);
    assert_eq!(
        (
            retryable.errors[0].attempt,
            retryable.errors[0].error.as_str()
        ),
        (1, "boom")
    );
    let backoff = retryable.scheduled_at - retryable.attempted_at.unwrap();
    assert!(backoff >= chrono::Duration::seconds(29), "{backoff}");

    assert_eq!(discarded.state, JobState::Discarded);
    assert!(discarded.finished_at.is_some());
    assert_eq!(discarded.errors[0].error, "last");

    assert_eq!(cancelled.state, JobState::Cancelled);
    assert_eq!(cancelled.errors[0].error, "user gone");

    assert_eq!(snoozed.state, JobState::Scheduled);
    assert_eq!(snoozed.attempt, 0, "a snooze gives the attempt back");
    assert!(snoozed.errors.is_empty());
    assert!(snoozed.scheduled_at - snoozed.attempted_at.unwrap() >= chrono::Duration::seconds(59));
}

#[tokio::test]
async fn a_completion_with_a_stale_token_is_fenced_and_changes_nothing() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let id = insert_one(&store, job("q", json!({}))).await.id;
    let first = store.fetch("q", "node-a", 1).await.unwrap().remove(0);
    assert_eq!(
        complete(
            &store,
            id,
            first.token.wrapping_add(1),
            Completion::Completed
        )
        .await,
        CompletionOutcome::Fenced
    );
    assert_eq!(
        store.get(id).await.unwrap().unwrap().state,
        JobState::Executing
    );

    // node-a has no lease: its attempt is rescued, and the job runs again on node-b.
    store
        .heartbeat("node-b", Duration::from_secs(60))
        .await
        .unwrap();
    assert_eq!(store.rescue_orphans().await.unwrap().len(), 1);
    let second = store.fetch("q", "node-b", 1).await.unwrap().remove(0);
    assert_ne!(second.token, first.token);
    assert_eq!(second.job.attempt, 2);

    let late = Completion::Discard {
        error: "late".into(),
    };
    assert_eq!(
        complete(&store, id, first.token, late).await,
        CompletionOutcome::Fenced
    );
    let row = store.get(id).await.unwrap().unwrap();
    assert_eq!((row.state, row.attempt), (JobState::Executing, 2));
    assert_eq!(
        complete(&store, id, second.token, Completion::Completed).await,
        CompletionOutcome::Applied
    );
    assert_eq!(
        store.get(id).await.unwrap().unwrap().state,
        JobState::Completed
    );
    // A second completion of the same attempt is fenced too.
    assert_eq!(
        complete(&store, id, second.token, Completion::Completed).await,
        CompletionOutcome::Fenced
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_unique_inserts_make_exactly_one_row() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut inserts = Vec::new();
    for _ in 0..50 {
        let store = store.clone();
        inserts.push(tokio::spawn(async move {
            let mut insert = job("q", json!({"report": 1}));
            insert.unique = Some(unique("report-1"));
            insert_one(&store, insert).await
        }));
    }
    let mut jobs = Vec::new();
    for insert in inserts {
        jobs.push(insert.await.unwrap());
    }
    let ids: HashSet<i64> = jobs.iter().map(|job| job.id).collect();
    assert_eq!(ids.len(), 1);
    assert_eq!(jobs.iter().filter(|job| !job.conflict).count(), 1);
    assert_eq!(store.list(JobFilter::default()).await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_unique_holder_outside_the_period_or_states_gives_its_key_up() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let unique_job = |key: &str| {
        let mut insert = job("q", json!({}));
        insert.unique = Some(unique(key));
        insert
    };
    let first = insert_one(&store, unique_job("a")).await;
    let again = insert_one(&store, unique_job("a")).await;
    assert!(again.conflict && again.id == first.id);

    // Inserted before the period: no longer a duplicate.
    sql(
        &store,
        "UPDATE otp_jobs SET inserted_at = now() - interval '2 minutes'",
    )
    .await;
    let second = insert_one(&store, unique_job("a")).await;
    assert!(!second.conflict && second.id != first.id);

    // Cancelled is not among the default states.
    store.cancel(second.id).await.unwrap();
    let third = insert_one(&store, unique_job("a")).await;
    assert!(!third.conflict && third.id != second.id);

    // Forever, in any of the given states.
    let mut forever = job("q", json!({}));
    forever.unique = Some(UniqueInsert {
        period: None,
        ..unique("b")
    });
    let holder = insert_one(&store, forever.clone()).await;
    sql(
        &store,
        "UPDATE otp_jobs SET inserted_at = now() - interval '300 days' WHERE unique_key = 'b'",
    )
    .await;
    assert!(insert_one(&store, forever).await.conflict);
    // A non-unique job between unique ones keeps the order of the batch.
    let batch = store
        .insert(vec![
            unique_job("a"),
            job("q", json!({"plain": true})),
            unique_job("c"),
        ])
        .await
        .unwrap();
    assert_eq!(batch[0].id, third.id);
    assert!(batch[0].conflict);
    assert_eq!(batch[1].args, json!({"plain": true}));
    assert!(!batch[2].conflict && batch[2].id > batch[1].id && holder.id < batch[1].id);
}

#[tokio::test]
async fn the_stager_makes_due_jobs_available() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut due = job("a", json!({}));
    due.schedule = Schedule::In(Duration::from_secs(1));
    let mut later = job("b", json!({}));
    later.schedule = Schedule::In(Duration::from_secs(3600));
    let mut other = job("c", json!({}));
    other.schedule = Schedule::In(Duration::from_secs(3600));
    let jobs = store.insert(vec![due, later, other]).await.unwrap();
    let staged = store.stage(None, false).await.unwrap();
    assert!(staged.queues.is_empty());
    // The earliest waiting job is due in a second: the stager sleeps that long.
    let next = staged.next_due.unwrap();
    assert!(next <= Duration::from_secs(1), "{next:?}");
    sql(
        &store,
        "UPDATE otp_jobs SET scheduled_at = now() - interval '1 second' WHERE queue = 'a'",
    )
    .await;
    let staged = store.stage(None, false).await.unwrap();
    assert_eq!(staged.queues, ["a"]);
    let next = staged.next_due.unwrap();
    assert!(
        next > Duration::from_secs(3590) && next <= Duration::from_secs(3600),
        "the next waiting job is an hour away: {next:?}"
    );
    assert_eq!(
        store.get(jobs[0].id).await.unwrap().unwrap().state,
        JobState::Available
    );
    assert_eq!(store.stage(Some("b"), true).await.unwrap().queues, ["b"]);
    assert_eq!(
        store.get(jobs[2].id).await.unwrap().unwrap().state,
        JobState::Scheduled
    );
    // Queues with available jobs are named even when nothing was staged now.
    assert_eq!(store.stage(None, false).await.unwrap().queues, ["a", "b"]);
    assert!(
        store
            .stage(Some("c"), false)
            .await
            .unwrap()
            .queues
            .is_empty()
    );

    // A retryable job comes back when its backoff is over.
    let attempt = store.fetch("a", "node", 1).await.unwrap().remove(0);
    let retry = Completion::Retry {
        backoff: Duration::ZERO,
        error: "again".into(),
    };
    complete(&store, attempt.job.id, attempt.token, retry).await;
    assert_eq!(store.stage(Some("a"), false).await.unwrap().queues, ["a"]);
    assert_eq!(store.fetch("a", "node", 1).await.unwrap()[0].job.attempt, 2);
}

#[tokio::test]
async fn the_pruner_deletes_old_finished_jobs_only() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let inserts = (0..6).map(|_| job("q", json!({}))).collect();
    store.insert(inserts).await.unwrap();
    let attempts = store.fetch("q", "node", 4).await.unwrap();
    for attempt in &attempts[..3] {
        complete(&store, attempt.job.id, attempt.token, Completion::Completed).await;
    }
    assert_eq!(store.prune(Duration::from_secs(60), 100).await.unwrap(), 0);
    sql(
        &store,
        "UPDATE otp_jobs SET finished_at = now() - interval '2 minutes'",
    )
    .await;
    sql(
        &store,
        "UPDATE otp_jobs SET inserted_at = now() - interval '2 days'",
    )
    .await;
    assert_eq!(store.prune(Duration::from_secs(60), 2).await.unwrap(), 2);
    assert_eq!(store.prune(Duration::from_secs(60), 2).await.unwrap(), 1);
    let left = store.list(JobFilter::default()).await.unwrap();
    assert_eq!(left.len(), 3);
    assert!(left.iter().all(|job| !job.state.is_finished()));
}

#[tokio::test]
async fn a_schema_of_the_first_version_migrates_to_the_partial_prune_index() {
    let Some(db) = support::TestDb::new().await else {
        return;
    };
    let store = connect(db.base_url(), Some(db.schema())).await.unwrap();
    // The schema as the first version left it, with a finished job and a waiting one.
    sqlx::raw_sql(crate::migrations::POSTGRES[0].sql)
        .execute(store.pool())
        .await
        .unwrap();
    sql(
        &store,
        "CREATE TABLE otp_jobs_migrations (version bigint PRIMARY KEY, \
         description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await;
    sql(
        &store,
        "INSERT INTO otp_jobs_migrations (version, description) VALUES (1, 'first')",
    )
    .await;
    sql(
        &store,
        "INSERT INTO otp_jobs (state, queue, worker, finished_at) VALUES \
         ('completed', 'q', 'w', now() - interval '2 minutes'), ('available', 'q', 'w', NULL)",
    )
    .await;
    store.migrate().await.unwrap();
    let versions: Vec<i64> =
        sqlx::query_scalar("SELECT version FROM otp_jobs_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(versions, [1, 2]);
    let index: String = sqlx::query_scalar(
        "SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'otp_jobs_prune'",
    )
    .bind(db.schema())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert!(index.contains("WHERE"), "{index}");
    assert_eq!(store.prune(Duration::from_secs(60), 100).await.unwrap(), 1);
    let left = store.list(JobFilter::default()).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].state, JobState::Available);
}

#[tokio::test]
async fn counts_by_queue_and_state() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut later = job("b", json!({}));
    later.schedule = Schedule::In(Duration::from_secs(60));
    store
        .insert(vec![
            job("a", json!({})),
            job("a", json!({})),
            job("a", json!({})),
            later,
        ])
        .await
        .unwrap();
    store.fetch("a", "node", 1).await.unwrap();
    let counts = store.counts().await.unwrap();
    assert_eq!(
        counts,
        [
            ("a".to_owned(), JobState::Available, 2),
            ("a".to_owned(), JobState::Executing, 1),
            ("b".to_owned(), JobState::Scheduled, 1),
        ]
    );
}

#[tokio::test]
async fn cancel_stops_unfinished_jobs_and_fences_a_running_attempt() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let jobs = store
        .insert(vec![
            job("q", json!({})),
            job("q", json!({})),
            job("q", json!({})),
        ])
        .await
        .unwrap();
    let cancelled = store.cancel(jobs[2].id).await.unwrap().unwrap();
    assert_eq!(cancelled.state, JobState::Cancelled);
    assert!(cancelled.finished_at.is_some());

    let running = store.fetch("q", "node", 1).await.unwrap().remove(0);
    assert_eq!(
        store.cancel(running.job.id).await.unwrap().unwrap().state,
        JobState::Cancelled
    );
    let late = complete(&store, running.job.id, running.token, Completion::Completed).await;
    assert_eq!(late, CompletionOutcome::Fenced);
    assert_eq!(
        store.get(running.job.id).await.unwrap().unwrap().state,
        JobState::Cancelled
    );

    let done = store.fetch("q", "node", 1).await.unwrap().remove(0);
    complete(&store, done.job.id, done.token, Completion::Completed).await;
    assert_eq!(
        store.cancel(done.job.id).await.unwrap().unwrap().state,
        JobState::Completed
    );
    assert_eq!(store.cancel(jobs[2].id + 100).await.unwrap(), None);
}

#[tokio::test]
async fn retry_makes_a_finished_job_available_with_one_more_attempt() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut once = job("q", json!({}));
    once.max_attempts = 1;
    let id = insert_one(&store, once).await.id;
    let attempt = store.fetch("q", "node", 1).await.unwrap().remove(0);
    // Executing: left alone.
    assert_eq!(
        store.retry(id).await.unwrap().unwrap().state,
        JobState::Executing
    );
    let discard = Completion::Discard {
        error: "failed".into(),
    };
    complete(&store, id, attempt.token, discard).await;
    let retried = store.retry(id).await.unwrap().unwrap();
    assert_eq!(retried.state, JobState::Available);
    assert_eq!((retried.attempt, retried.max_attempts), (1, 2));
    assert_eq!(retried.finished_at, None);
    assert_eq!(retried.errors.len(), 1, "the errors are kept");
    assert_eq!(store.fetch("q", "node", 1).await.unwrap()[0].job.attempt, 2);
    assert_eq!(store.retry(id + 100).await.unwrap(), None);
}

#[tokio::test]
async fn list_filters_by_worker_queue_state_and_args() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let mut other_worker = job("q", json!({"user_id": 1}));
    other_worker.worker = "app::Other".into();
    store
        .insert(vec![
            job("q", json!({"user_id": 1, "template": "welcome"})),
            job("q", json!({"user_id": 2})),
            job("r", json!({"user_id": 1})),
            other_worker,
        ])
        .await
        .unwrap();
    store.fetch("r", "node", 1).await.unwrap();
    let list = |filter: JobFilter| {
        let store = store.clone();
        async move { store.list(filter).await.unwrap().len() }
    };
    let by_worker = JobFilter {
        worker: Some("app::Worker".into()),
        ..JobFilter::default()
    };
    assert_eq!(list(by_worker.clone()).await, 3);
    let user_1 = JobFilter {
        args_contain: Some(json!({"user_id": 1})),
        ..by_worker.clone()
    };
    assert_eq!(list(user_1.clone()).await, 2);
    let available = JobFilter {
        states: vec![JobState::Available],
        ..user_1.clone()
    };
    assert_eq!(list(available).await, 1);
    let in_r = JobFilter {
        queue: Some("r".into()),
        ..user_1
    };
    assert_eq!(list(in_r).await, 1);
    let limited = JobFilter {
        limit: Some(2),
        ..JobFilter::default()
    };
    assert_eq!(list(limited).await, 2);
}

#[tokio::test]
async fn a_row_that_does_not_read_back_is_a_corrupt_error() {
    let Some((_db, store)) = store().await else {
        return;
    };
    let id = insert_one(&store, job("q", json!({}))).await.id;
    sql(
        &store,
        "UPDATE otp_jobs SET errors = '[{\"not\": \"an error\"}]'",
    )
    .await;
    let error = store.get(id).await.unwrap_err();
    assert!(
        matches!(error, StoreError::Corrupt { id: bad, .. } if bad == id),
        "{error}"
    );
}

#[tokio::test]
async fn without_a_server_connect_fails_with_a_clear_error() {
    // Port 1 refuses connections: the error comes back after the acquire timeout, not a hang.
    let error = connect("postgres://postgres@127.0.0.1:1/postgres", None)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Database(_)), "{error}");
}

#[tokio::test]
async fn a_database_that_goes_away_fails_inserts_with_a_clear_error() {
    let Some((_db, store)) = store().await else {
        return;
    };
    store.pool().close().await;
    let error = store.insert(vec![job("q", json!({}))]).await.unwrap_err();
    assert!(
        matches!(error, StoreError::Database(sqlx::Error::PoolClosed)),
        "{error}"
    );
}
