//! The stager where it can tell that nothing needs a round. On PostgreSQL with LISTEN working
//! it sleeps until the next job is due, so an idle node runs no round, and a scheduled job
//! (inserted by another node), a retry and a snooze still run when they are due although the
//! stage interval is an hour. On a SQLite file it skips the rounds while nothing is committed,
//! and finds a job that another program committed at its next round. The store is wrapped to
//! count the rounds.

use crate::runtime::intercepted::{Intercept, Intercepted};
use crate::store::postgres::tests::support::TestDb;
use crate::store::sqlite::scratch::SqliteFile;
use crate::store::{Staged, Store, StoreFuture};
use crate::{Job, JobError, JobState, Jobs, JobsConfig, Testing, Worker, WorkerExt};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// Counts the stager's rounds (`stage` over every queue).
#[derive(Default)]
struct Rounds(AtomicU32);

impl Rounds {
    fn count(&self) -> u32 {
        self.0.load(Ordering::SeqCst)
    }
}

impl Intercept for Rounds {
    fn stage<'a>(
        &'a self,
        inner: &'a dyn Store,
        queue: Option<&str>,
        include_future: bool,
    ) -> StoreFuture<'a, Staged> {
        if queue.is_none() {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        inner.stage(queue, include_future)
    }
}

/// A store whose rounds are counted.
type Counted = Intercepted<Rounds>;

/// How many times `Flaky` ran.
static PERFORMED: AtomicU32 = AtomicU32::new(0);

/// Fails its first attempt (retried 200 ms later), snoozes its second for 200 ms, then
/// completes.
#[derive(serde::Serialize, serde::Deserialize)]
struct Flaky;

impl Worker for Flaky {
    const NAME: &'static str = "Flaky";

    fn backoff(_attempt: u32) -> Duration {
        Duration::from_millis(200)
    }

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        // Only one test runs a `Flaky` job.
        match PERFORMED.fetch_add(1, Ordering::SeqCst) {
            0 => Err(JobError::msg("the first attempt fails")),
            1 => Err(JobError::snooze(Duration::from_millis(200))),
            _ => Ok(()),
        }
    }
}

/// A node whose stager would poll every `stage_interval` without LISTEN, on a counted store;
/// and a second node, on the same schema, that only inserts.
async fn nodes(db: &TestDb, stage_interval: Duration) -> (Jobs, Arc<Counted>, Jobs) {
    let config = JobsConfig::postgres(db.url())
        .worker::<Flaky>()
        .stage_interval(stage_interval)
        .max_stage_interval(Duration::from_secs(3600));
    let counted = Arc::new(Counted {
        inner: config.open_store().await.unwrap(),
        test: Rounds::default(),
    });
    let store: Arc<dyn Store> = counted.clone();
    let runner = JobsConfig {
        store: Arc::new(tokio::sync::OnceCell::new_with(Some(store))),
        ..config.clone().queue("default", 5).node("runner")
    };
    let runner = Jobs::start(runner).await.unwrap();
    let inserter = Jobs::start(
        JobsConfig::postgres(db.url())
            .worker::<Flaky>()
            .node("inserter")
            .testing(Testing::Manual),
    )
    .await
    .unwrap();
    (runner, counted, inserter)
}

/// Waits until job `id` is completed (at most 15 s).
async fn completed(jobs: &Jobs, id: i64) -> Job {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let job = jobs.job(id).await.unwrap().unwrap();
        if job.state == JobState::Completed {
            return job;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {id} did not complete: {job:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Does nothing.
#[derive(serde::Serialize, serde::Deserialize)]
struct Noop;

impl Worker for Noop {
    const NAME: &'static str = "Noop";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// A node on a SQLite file whose stager looks every 50 ms, on a counted store.
async fn sqlite_node(file: &SqliteFile) -> (Jobs, Arc<Counted>) {
    let config = JobsConfig::sqlite(file.path())
        .worker::<Noop>()
        .stage_interval(Duration::from_millis(50))
        .max_stage_interval(Duration::from_secs(3600));
    let counted = Arc::new(Counted {
        inner: config.open_store().await.unwrap(),
        test: Rounds::default(),
    });
    let store: Arc<dyn Store> = counted.clone();
    let config = JobsConfig {
        store: Arc::new(tokio::sync::OnceCell::new_with(Some(store))),
        ..config.queue("default", 5)
    };
    (Jobs::start(config).await.unwrap(), counted)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_sqlite_file_an_idle_node_runs_no_stager_round() {
    let file = SqliteFile::new("stager");
    let (jobs, counted) = sqlite_node(&file).await;
    jobs.insert(Noop.new_job().schedule_in(Duration::from_secs(3600)))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = counted.test.count();
    assert!((1..=4).contains(&before), "{before} rounds at start");
    // Twenty stage intervals with nothing committed and nothing due.
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        counted.test.count(),
        before,
        "a round while nothing changed"
    );
    jobs.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_sqlite_file_jobs_another_program_commits_run() {
    let file = SqliteFile::new("stager");
    let (jobs, counted) = sqlite_node(&file).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let idle = counted.test.count();
    // Another program's connection: no wake-up reaches the node, only its commit.
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(&format!(
        "sqlite://{}",
        file.path().display()
    ))
    .await
    .unwrap();
    let now = Noop.new_job().insert_in(&mut conn).await.unwrap();
    let due = Noop
        .new_job()
        .schedule_in(Duration::from_millis(300))
        .insert_in(&mut conn)
        .await
        .unwrap();
    assert_eq!(due.state, JobState::Scheduled);
    for job in [now, due] {
        completed(&jobs, job.id).await;
    }
    assert!(counted.test.count() > idle, "found by a round");
    drop(conn);
    jobs.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_listen_an_idle_node_runs_no_stager_round() {
    let Some(db) = TestDb::new().await else {
        return;
    };
    // Polling, the stager would run twenty rounds in the second watched.
    let (runner, counted, inserter) = nodes(&db, Duration::from_millis(50)).await;
    assert!(runner.shared.is_listening(), "LISTEN works here");
    // A job an hour away: the stager sleeps until then.
    inserter
        .insert(Flaky.new_job().schedule_in(Duration::from_secs(3600)))
        .await
        .unwrap();
    // The rounds at start (the stager's first, and one when LISTEN began), settled.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = counted.test.count();
    assert!((1..=3).contains(&before), "{before} rounds at start");
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(
        counted.test.count(),
        before,
        "a round while nothing was due"
    );
    runner.shutdown().await.unwrap();
    inserter.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_listen_a_scheduled_job_a_retry_and_a_snooze_run_when_due() {
    let Some(db) = TestDb::new().await else {
        return;
    };
    // Polling, the stager would find the job in an hour.
    let (runner, counted, inserter) = nodes(&db, Duration::from_secs(3600)).await;
    // Inserted by another node: its NOTIFY says when the job is due.
    let job = inserter
        .insert(Flaky.new_job().schedule_in(Duration::from_millis(300)))
        .await
        .unwrap();
    assert_eq!(job.state, JobState::Scheduled);
    let done = completed(&runner, job.id).await;
    // Attempt 1 failed, the retry (attempt 2) snoozed and gave its attempt back, attempt 2 again
    // completed: each was staged by a round that the runner's own outcome asked for.
    assert_eq!(done.attempt, 2, "{done:?}");
    assert_eq!(done.errors.len(), 1, "{done:?}");
    let rounds = counted.test.count();
    assert!(
        (3..=12).contains(&rounds),
        "a round when due for each of the three waits (and at start): {rounds}"
    );
    runner.shutdown().await.unwrap();
    inserter.shutdown().await.unwrap();
}
