//! Many nodes on PostgreSQL, as separate OS processes sharing one database: they split the work,
//! an attempt never runs on two nodes at once, a killed node's jobs are rescued by the other's
//! lifeline, a rescued attempt's late completion is refused, and cron fires once per tick.
//!
//! The nodes are this test binary run again (`node_process` below, which does nothing unless
//! the test that spawned it set `OTP_NODE_URL`): no other binary to build. Each node records the
//! start and end of every attempt it runs in `attempt_log`, with the database's clock.

#[path = "support/postgres.rs"]
mod postgres;

use otp_jobs::prelude::*;
use postgres::TestDb;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use std::io::Read;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

// ----- the node process ---------------------------------------------------------------------

/// What a node's performs need: its name, its pool, how long an attempt takes, whether it fails.
struct NodeContext {
    node: String,
    pool: PgPool,
    work: Duration,
    fail: bool,
}

static CONTEXT: OnceLock<NodeContext> = OnceLock::new();

/// A job that records its attempt in `attempt_log`, takes the node's work time, and succeeds
/// (or fails, on a node told to).
#[derive(Debug, Serialize, Deserialize)]
struct Work {
    n: u32,
}

impl Worker for Work {
    const NAME: &'static str = "multi_node::Work";
    const QUEUE: &'static str = "work";
    const MAX_ATTEMPTS: u32 = 5;

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        let context = CONTEXT.get().expect("a node process");
        let logged: i64 = sqlx::query_scalar(
            "INSERT INTO attempt_log (job_id, attempt, node, started_at) \
             VALUES ($1, $2, $3, clock_timestamp()) RETURNING id",
        )
        .bind(job.id)
        .bind(i32::try_from(job.attempt)?)
        .bind(&context.node)
        .fetch_one(&context.pool)
        .await?;
        tokio::time::sleep(context.work).await;
        sqlx::query("UPDATE attempt_log SET ended_at = clock_timestamp() WHERE id = $1")
            .bind(logged)
            .execute(&context.pool)
            .await?;
        if context.fail {
            return Err(JobError::msg(format!("{} failed", context.node)));
        }
        Ok(())
    }
}

/// The job of the cron entry: records which node performed which tick.
#[derive(Debug, Serialize, Deserialize)]
struct CronTick {}

impl Worker for CronTick {
    const NAME: &'static str = "multi_node::CronTick";
    const QUEUE: &'static str = "work";

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        let context = CONTEXT.get().expect("a node process");
        sqlx::query("INSERT INTO cron_log (job_id, node, tick) VALUES ($1, $2, $3)")
            .bind(job.id)
            .bind(&context.node)
            .bind(job.meta["cron_tick"].as_str().unwrap_or("?"))
            .execute(&context.pool)
            .await?;
        Ok(())
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn env_ms(name: &str, default: u64) -> Duration {
    Duration::from_millis(env(name).and_then(|ms| ms.parse().ok()).unwrap_or(default))
}

/// A node: runs queue `work` until its standard input closes (the test ended) or it is killed.
/// Without `OTP_NODE_URL`, an ordinary test run: nothing to do.
#[test]
fn node_process() {
    let Some(url) = env("OTP_NODE_URL") else {
        return;
    };
    tracing_subscriber::fmt()
        .with_env_filter("otp_jobs=debug")
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let node = env("OTP_NODE_NAME").expect("OTP_NODE_NAME");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pool = PgPool::connect(&url).await.unwrap();
        let context = NodeContext {
            node: node.clone(),
            pool,
            work: env_ms("OTP_NODE_WORK_MS", 10),
            fail: env("OTP_NODE_FAIL").is_some(),
        };
        assert!(CONTEXT.set(context).is_ok());
        let mut config = JobsConfig::postgres(url)
            .node(&node)
            .queue("work", 5)
            .worker::<Work>()
            .worker::<CronTick>()
            .lease(env_ms("OTP_NODE_LEASE_MS", 2000))
            .stage_interval(Duration::from_millis(200))
            .shutdown_grace(Duration::from_millis(100));
        if env("OTP_NODE_CRON").is_some() {
            config = config.cron("* * * * * *", CronTick {});
        }
        let _jobs = Jobs::start(config).await.unwrap();
        eprintln!("node {node} started");
        // Until the test closes our standard input (or kills us).
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
    });
}

// ----- the tests ----------------------------------------------------------------------------

/// A node process, killed (SIGKILL) when dropped; its log is a file read by [`Node::log`].
struct Node {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Node {
    fn spawn(db: &TestDb, name: &str, settings: &[(&str, &str)]) -> Node {
        let log = std::env::temp_dir().join(format!("{}-{name}.log", db.schema()));
        let mut command = Command::new(std::env::current_exe().unwrap());
        command
            .args(["node_process", "--exact", "--nocapture", "--test-threads=1"])
            .env("OTP_NODE_URL", db.url())
            .env("OTP_NODE_NAME", name)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap());
        for (key, value) in settings {
            command.env(key, value);
        }
        Node {
            name: name.to_owned(),
            child: command.spawn().unwrap(),
            log,
        }
    }

    /// SIGKILL, and waits until the process is gone.
    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.kill();
        if std::thread::panicking() {
            eprintln!("--- log of node {} ---\n{}", self.name, self.log());
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

/// The test's schema with the log tables, a pool on it, and a node that only inserts (manual
/// testing mode: it runs nothing).
async fn setup() -> Option<(TestDb, PgPool, Jobs)> {
    let db = TestDb::new().await?;
    let pool = PgPool::connect(&db.url()).await.unwrap();
    sqlx::raw_sql(
        "CREATE TABLE attempt_log (id bigserial PRIMARY KEY, job_id bigint NOT NULL, \
             attempt int NOT NULL, node text NOT NULL, started_at timestamptz NOT NULL, \
             ended_at timestamptz); \
         CREATE TABLE cron_log (job_id bigint NOT NULL, node text NOT NULL, tick text NOT NULL);",
    )
    .execute(&pool)
    .await
    .unwrap();
    let inserter = Jobs::start(
        JobsConfig::postgres(db.url())
            .node("inserter")
            .worker::<Work>()
            .testing(Testing::Manual),
    )
    .await
    .unwrap();
    Some((db, pool, inserter))
}

/// Polls `query` (one bigint) until it reaches `target`, for at most 60 s.
async fn wait_count(pool: &PgPool, what: &str, query: &str, target: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let count: i64 = sqlx::query_scalar(query).fetch_one(pool).await.unwrap();
        if count >= target {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what} ({count} of {target})"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn wait_live(pool: &PgPool, nodes: &[&Node]) {
    for node in nodes {
        let query = format!(
            "SELECT count(*) FROM otp_jobs_nodes WHERE node = '{}' AND expires_at > now()",
            node.name
        );
        wait_count(pool, &format!("node {} to start", node.name), &query, 1).await;
    }
}

async fn count(pool: &PgPool, query: &str) -> i64 {
    sqlx::query_scalar(query).fetch_one(pool).await.unwrap()
}

/// Attempts of one job that ran on two nodes at overlapping times (an attempt still open ends
/// at `open_until`).
async fn overlapping_attempts(pool: &PgPool, open_until: &str) -> i64 {
    count(
        pool,
        &format!(
            "SELECT count(*) FROM attempt_log AS a JOIN attempt_log AS b \
                 ON a.job_id = b.job_id AND a.id < b.id AND a.node <> b.node \
             WHERE a.started_at < coalesce(b.ended_at, {open_until}) \
                 AND b.started_at < coalesce(a.ended_at, {open_until})"
        ),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_share_the_work_and_never_run_an_attempt_twice() {
    let Some((db, pool, inserter)) = setup().await else {
        return;
    };
    let a = Node::spawn(&db, "a", &[("OTP_NODE_WORK_MS", "20")]);
    let b = Node::spawn(&db, "b", &[("OTP_NODE_WORK_MS", "20")]);
    wait_live(&pool, &[&a, &b]).await;

    // Inserted after both started: LISTEN/NOTIFY wakes them.
    let jobs: Vec<NewJob> = (0..200).map(|n| Work { n }.new_job()).collect();
    inserter.insert_all(jobs).await.unwrap();
    let completed = "SELECT count(*) FROM otp_jobs WHERE state = 'completed'";
    wait_count(&pool, "200 jobs to complete", completed, 200).await;

    assert_eq!(count(&pool, "SELECT count(*) FROM attempt_log").await, 200);
    assert_eq!(
        count(&pool, "SELECT count(*) FROM otp_jobs WHERE attempt <> 1").await,
        0
    );
    for node in ["a", "b"] {
        let ran = count(
            &pool,
            &format!("SELECT count(*) FROM attempt_log WHERE node = '{node}'"),
        )
        .await;
        assert!(ran >= 10, "node {node} ran {ran} of 200 jobs");
    }
    assert_eq!(overlapping_attempts(&pool, "'infinity'").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_nodes_jobs_are_rescued_by_the_other_nodes_lifeline() {
    let Some((db, pool, inserter)) = setup().await else {
        return;
    };
    let mut a = Node::spawn(&db, "a", &[("OTP_NODE_WORK_MS", "600000")]);
    wait_live(&pool, &[&a]).await;
    let jobs: Vec<NewJob> = (0..4).map(|n| Work { n }.new_job()).collect();
    inserter.insert_all(jobs).await.unwrap();
    let started = "SELECT count(*) FROM attempt_log WHERE node = 'a'";
    wait_count(&pool, "a to start 4 attempts", started, 4).await;

    let b = Node::spawn(&db, "b", &[("OTP_NODE_WORK_MS", "10")]);
    wait_live(&pool, &[&b]).await;
    a.kill();
    let killed_at: chrono::DateTime<chrono::Utc> = sqlx::query_scalar("SELECT clock_timestamp()")
        .fetch_one(&pool)
        .await
        .unwrap();
    let completed = "SELECT count(*) FROM otp_jobs WHERE state = 'completed'";
    wait_count(&pool, "b to rescue and run a's jobs", completed, 4).await;

    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM otp_jobs")
        .fetch_all(&pool)
        .await
        .unwrap();
    for id in ids {
        let job = inserter.job(id).await.unwrap().unwrap();
        assert_eq!(job.attempted_by.as_deref(), Some("b"));
        assert_eq!(job.attempt, 2);
        assert_eq!(job.errors.len(), 1);
        assert_eq!(job.errors[0].error, "node a died during attempt 1");
    }
    let b_before_kill: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM attempt_log WHERE node = 'b' AND started_at <= $1",
    )
    .bind(killed_at)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(b_before_kill, 0, "b ran a job while a still ran it");
    let open_until = format!("'{}'::timestamptz", killed_at.to_rfc3339());
    assert_eq!(overlapping_attempts(&pool, &open_until).await, 0);
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rescued_attempts_late_completion_is_refused_and_logged() {
    let Some((db, pool, inserter)) = setup().await else {
        return;
    };
    // a renews its heartbeat every 20 s: once declared dead, it stays dead while it runs.
    let a = Node::spawn(
        &db,
        "a",
        &[
            ("OTP_NODE_WORK_MS", "3000"),
            ("OTP_NODE_FAIL", "1"),
            ("OTP_NODE_LEASE_MS", "60000"),
        ],
    );
    wait_live(&pool, &[&a]).await;
    let job = Work { n: 1 }.new_job().insert(&inserter).await.unwrap();
    wait_count(&pool, "a's attempt", "SELECT count(*) FROM attempt_log", 1).await;

    let b = Node::spawn(
        &db,
        "b",
        &[("OTP_NODE_WORK_MS", "10"), ("OTP_NODE_LEASE_MS", "600")],
    );
    wait_live(&pool, &[&b]).await;
    sqlx::query("UPDATE otp_jobs_nodes SET expires_at = now() WHERE node = 'a'")
        .execute(&pool)
        .await
        .unwrap();
    let completed = "SELECT count(*) FROM otp_jobs WHERE state = 'completed'";
    wait_count(&pool, "b to run the job again", completed, 1).await;

    // a's attempt ends with a failure, and tries to record it.
    let ended = "SELECT count(*) FROM attempt_log WHERE node = 'a' AND ended_at IS NOT NULL";
    wait_count(&pool, "a's attempt to end", ended, 1).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    while !a.log().contains("fenced") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "a never logged its fenced completion:\n{}",
            a.log()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let row = inserter.job(job.id).await.unwrap().unwrap();
    assert_eq!(
        row.state,
        JobState::Completed,
        "the second attempt's outcome stays"
    );
    assert_eq!((row.attempt, row.attempted_by.as_deref()), (2, Some("b")));
    assert_eq!(
        row.errors.len(),
        1,
        "a's failure was not recorded: {:?}",
        row.errors
    );
    assert_eq!(row.errors[0].error, "node a died during attempt 1");
    drop(b);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cron_fires_once_per_tick_across_nodes_and_leader_changes() {
    let Some((db, pool, _inserter)) = setup().await else {
        return;
    };
    let cron = [("OTP_NODE_CRON", "1"), ("OTP_NODE_LEASE_MS", "1500")];
    let mut a = Node::spawn(&db, "a", &cron);
    let mut b = Node::spawn(&db, "b", &cron);
    wait_live(&pool, &[&a, &b]).await;
    let ticks = "SELECT count(DISTINCT tick) FROM cron_log";
    wait_count(&pool, "3 cron ticks", ticks, 3).await;

    // The leader dies: the other takes the lead when its lease ends, and the ticks go on.
    let leader: String =
        sqlx::query_scalar("SELECT node FROM otp_jobs_leaders WHERE role = 'cron'")
            .fetch_one(&pool)
            .await
            .unwrap();
    let before = count(&pool, ticks).await;
    let survivor = if leader == "a" {
        a.kill();
        "b"
    } else {
        b.kill();
        "a"
    };
    let by_survivor = format!(
        "SELECT count(*) FROM otp_jobs WHERE worker = 'multi_node::CronTick' \
         AND meta->>'inserted_by' = '{survivor}'"
    );
    wait_count(&pool, "the survivor to insert 3 ticks", &by_survivor, 3).await;
    assert!(count(&pool, ticks).await > before);

    let duplicated = count(
        &pool,
        "SELECT count(*) FROM (SELECT meta->>'cron_tick' FROM otp_jobs \
             WHERE worker = 'multi_node::CronTick' GROUP BY 1 HAVING count(*) > 1) AS d",
    )
    .await;
    assert_eq!(duplicated, 0, "a tick inserted twice");
    let performed_twice = count(
        &pool,
        "SELECT count(*) FROM (SELECT tick FROM cron_log GROUP BY 1 HAVING count(*) > 1) AS d",
    )
    .await;
    assert_eq!(performed_twice, 0, "a tick performed twice");
}
