//! Durability: a node process running jobs is killed with SIGKILL at random moments, 100 times,
//! and started again, while jobs keep being inserted; at the end every job is completed, none is
//! lost, and each job's records agree: every attempt but the last was cut short by a kill (the
//! restarted node rescued it, recording that), and the last attempt's perform finished. An
//! earlier attempt's perform may have finished too (killed before its completion was stored):
//! at least once, as Oban promises. On SQLite and on PostgreSQL.
//!
//! The node is this test binary run again (`durable_node`, which does nothing unless
//! `OTP_DURABLE_LOG` is set); it appends `start <job> <attempt>` and `end <job> <attempt>` lines
//! to a log file around each perform (one `write` each: a kill leaves whole lines).

#[path = "support/postgres.rs"]
mod postgres;

use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

const KILLS: usize = 100;
const JOBS_PER_ROUND: u32 = 15;

// ----- the node process ---------------------------------------------------------------------

static LOG: OnceLock<std::sync::Mutex<std::fs::File>> = OnceLock::new();

fn log_line(line: &str) {
    let mut file = LOG.get().expect("a node process").lock().unwrap();
    file.write_all(line.as_bytes()).unwrap();
}

/// A job that takes 2 to 30 ms, logging its start and end.
#[derive(Debug, Serialize, Deserialize)]
struct Durable {
    n: u32,
}

impl Worker for Durable {
    const NAME: &'static str = "durability::Durable";
    const MAX_ATTEMPTS: u32 = 1000;

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        log_line(&format!("start {} {}\n", job.id, job.attempt));
        tokio::time::sleep(Duration::from_millis(fastrand::u64(2..30))).await;
        log_line(&format!("end {} {}\n", job.id, job.attempt));
        Ok(())
    }
}

/// The engine named by the environment: `OTP_DURABLE_PG` (a URL) or `OTP_DURABLE_SQLITE` (a
/// path).
fn config_from_env() -> JobsConfig {
    match (
        std::env::var("OTP_DURABLE_PG"),
        std::env::var("OTP_DURABLE_SQLITE"),
    ) {
        (Ok(url), _) => JobsConfig::postgres(url),
        (_, Ok(path)) => JobsConfig::sqlite(path),
        _ => panic!("no engine"),
    }
}

/// The node: runs queue `default` until killed, or until its standard input closes.
#[test]
fn durable_node() {
    let Ok(log) = std::env::var("OTP_DURABLE_LOG") else {
        return;
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .unwrap();
    assert!(LOG.set(std::sync::Mutex::new(file)).is_ok());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        // One name across restarts: a restart rescues what the killed run left executing.
        let config = config_from_env()
            .node("durable")
            .queue("default", 10)
            .worker::<Durable>()
            .stage_interval(Duration::from_millis(100))
            .prune_after(Duration::from_secs(3600));
        let _jobs = Jobs::start(config).await.unwrap();
        tokio::task::spawn_blocking(|| {
            let mut sink = Vec::new();
            let _ = std::io::stdin().read_to_end(&mut sink);
        })
        .await
        .unwrap();
    });
}

// ----- the test -----------------------------------------------------------------------------

/// Starts the node, with its engine and log.
fn spawn_node(engine: &(&str, String), log: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["durable_node", "--exact", "--nocapture", "--test-threads=1"])
        .env(engine.0, &engine.1)
        .env("OTP_DURABLE_LOG", log)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

/// The log's lines as (kind, job, attempt).
fn read_log(log: &Path) -> Vec<(String, i64, u32)> {
    std::fs::read_to_string(log)
        .unwrap()
        .lines()
        .map(|line| {
            let mut parts = line.split(' ');
            let kind = parts.next().unwrap().to_owned();
            let job = parts.next().unwrap().parse().unwrap();
            let attempt = parts.next().unwrap().parse().unwrap();
            (kind, job, attempt)
        })
        .collect()
}

/// Kills and restarts the node `KILLS` times while inserting jobs, then lets it finish and
/// checks every job against the log.
async fn run(engine: (&str, String), inserter_config: JobsConfig, name: &str) {
    let log = std::env::temp_dir().join(format!(
        "otp-jobs-durability-{name}-{}-{:08x}.log",
        std::process::id(),
        fastrand::u32(..)
    ));
    let inserter = Jobs::start(
        inserter_config
            .node("inserter")
            .worker::<Durable>()
            .testing(Testing::Manual),
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    let mut n = 0;
    for _ in 0..KILLS {
        let jobs: Vec<NewJob> = (0..JOBS_PER_ROUND)
            .map(|_| {
                n += 1;
                Durable { n }.new_job()
            })
            .collect();
        ids.extend(
            inserter
                .insert_all(jobs)
                .await
                .unwrap()
                .iter()
                .map(|job| job.id),
        );
        let mut node = spawn_node(&engine, &log);
        tokio::time::sleep(Duration::from_millis(fastrand::u64(30..300))).await;
        node.kill().unwrap();
        node.wait().unwrap();
    }

    let mut node = spawn_node(&engine, &log);
    let total = u64::try_from(ids.len()).unwrap();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let stats = inserter.stats().await.unwrap();
        let completed = stats
            .queue("default")
            .map_or(0, |queue| queue.count(JobState::Completed));
        if completed == total {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{completed} of {total} jobs completed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    node.kill().unwrap();
    node.wait().unwrap();

    let lines = read_log(&log);
    let _ = std::fs::remove_file(&log);
    let mut by_job: HashMap<i64, Vec<(String, u32)>> = HashMap::new();
    for (kind, job, attempt) in lines {
        by_job.entry(job).or_default().push((kind, attempt));
    }
    let mut rescued = 0;
    let mut performed_twice = 0;
    for id in ids {
        let job = inserter.job(id).await.unwrap().expect("no job is lost");
        assert_eq!(job.state, JobState::Completed, "{job:?}");
        // Every attempt before the last was cut short by a kill, and recorded as such.
        assert_eq!(job.errors.len() + 1, job.attempt as usize, "{job:?}");
        for (index, error) in job.errors.iter().enumerate() {
            assert_eq!(error.attempt as usize, index + 1, "{job:?}");
            assert_eq!(
                error.error,
                format!("node durable died during attempt {}", index + 1)
            );
        }
        rescued += job.errors.len();
        let records = by_job.remove(&id).unwrap_or_default();
        // The last attempt's perform started and finished; no attempt is logged twice.
        assert!(
            records.contains(&("start".into(), job.attempt)),
            "{job:?} {records:?}"
        );
        assert!(
            records.contains(&("end".into(), job.attempt)),
            "{job:?} {records:?}"
        );
        let mut seen = std::collections::HashSet::new();
        for record in &records {
            assert!(record.1 <= job.attempt, "{job:?} {records:?}");
            assert!(seen.insert(record.clone()), "{job:?} {records:?}");
        }
        performed_twice +=
            usize::from(records.iter().filter(|(kind, _)| kind == "end").count() > 1);
    }
    assert!(by_job.is_empty(), "performs of unknown jobs: {by_job:?}");
    eprintln!(
        "{name}: {total} jobs, {KILLS} kills, {rescued} attempts rescued, \
         {performed_twice} jobs performed to the end more than once (at least once)"
    );
    assert!(rescued > 0, "no kill ever landed on a running job");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_jobs_survive_a_hundred_kills() {
    let path: PathBuf = std::env::temp_dir().join(format!(
        "otp-jobs-durability-{}-{:08x}.db",
        std::process::id(),
        fastrand::u32(..)
    ));
    let engine = ("OTP_DURABLE_SQLITE", path.to_string_lossy().into_owned());
    run(engine, JobsConfig::sqlite(&path), "sqlite").await;
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.clone().into_os_string();
        file.push(suffix);
        let _ = std::fs::remove_file(file);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_jobs_survive_a_hundred_kills() {
    let Some(db) = postgres::TestDb::new().await else {
        return;
    };
    let engine = ("OTP_DURABLE_PG", db.url());
    run(engine, JobsConfig::postgres(db.url()), "postgres").await;
}
