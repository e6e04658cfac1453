//! otp-jobs: a node in manual mode inserts (nothing runs), then a node running queue `bench`
//! takes its place.

use super::{BoxError, Database, Engine, JobQueue, Performed};
use otp_jobs::prelude::*;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The count the running no-op jobs add to.
static PERFORMED: Mutex<Option<Arc<Performed>>> = Mutex::new(None);

/// The no-op job.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct NoOp {
    /// A number, so that the arguments are not empty.
    pub n: u64,
}

impl Worker for NoOp {
    const NAME: &'static str = "NoOp";
    const QUEUE: &'static str = "bench";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        if let Some(performed) = PERFORMED
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            performed.add();
        }
        Ok(())
    }
}

/// otp-jobs on one database.
#[derive(Debug)]
pub struct Ours {
    engine: Engine,
    url: String,
    path: std::path::PathBuf,
    jobs: Jobs,
}

impl Ours {
    fn config(&self) -> JobsConfig {
        config(self.engine, &self.url, &self.path)
    }
}

fn config(engine: Engine, url: &str, path: &std::path::Path) -> JobsConfig {
    match engine {
        Engine::Sqlite => JobsConfig::sqlite(path),
        Engine::Postgres => JobsConfig::postgres(url),
    }
    .worker::<NoOp>()
}

impl JobQueue for Ours {
    const NAME: &'static str = "otp-jobs";

    fn supports(_engine: Engine) -> bool {
        true
    }

    async fn open(database: &Database) -> Result<Self, BoxError> {
        let (url, path) = (database.url(), database.path().to_owned());
        let manual = config(database.engine, &url, &path)
            .node("bench-inserts")
            .testing(Testing::Manual);
        let jobs = Jobs::start(manual).await?;
        Ok(Ours {
            engine: database.engine,
            url,
            path,
            jobs,
        })
    }

    async fn insert_one(&self) -> Result<(), BoxError> {
        NoOp { n: 1 }.new_job().insert(&self.jobs).await?;
        Ok(())
    }

    async fn insert_batch(&self, count: usize) -> Result<(), BoxError> {
        let batch = (0..count as u64).map(|n| NoOp { n }.new_job());
        self.jobs.insert_all(batch).await?;
        Ok(())
    }

    async fn insert_scheduled(&self, count: usize, delay: Duration) -> Result<(), BoxError> {
        let batch = (0..count as u64).map(|n| NoOp { n }.new_job().schedule_in(delay));
        self.jobs.insert_all(batch).await?;
        Ok(())
    }

    async fn run(&mut self, concurrency: u32, performed: Arc<Performed>) -> Result<(), BoxError> {
        *PERFORMED.lock().unwrap_or_else(PoisonError::into_inner) = Some(performed);
        self.jobs.shutdown().await?;
        let running = self.config().node("bench").queue("bench", concurrency);
        self.jobs = Jobs::start(running).await?;
        Ok(())
    }

    async fn completed(&self) -> Result<u64, BoxError> {
        let stats = self.jobs.stats().await?;
        Ok(stats
            .queue("bench")
            .map_or(0, |queue| queue.count(JobState::Completed)))
    }

    async fn stop(self) {
        let _ = self.jobs.shutdown().await;
        *PERFORMED.lock().unwrap_or_else(PoisonError::into_inner) = None;
    }
}
