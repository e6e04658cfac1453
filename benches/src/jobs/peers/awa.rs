//! `awa` 0.6 (PostgreSQL only), as its README sets it up: a pool, the migrations, a client with
//! queue `bench` at the given `max_workers` (other queue settings default); completed jobs
//! counted by `awa::admin::state_counts`.

use crate::jobs::{BoxError, Database, Engine, JobQueue, Performed};
use awa::{Client, InsertOpts, JobArgs, JobResult, QueueConfig};
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;

/// The no-op job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, JobArgs)]
pub struct NoOp {
    /// A number, so that the arguments are not empty.
    pub n: u64,
}

fn opts() -> InsertOpts {
    InsertOpts {
        queue: "bench".into(),
        ..InsertOpts::default()
    }
}

/// Awa on one database.
pub struct Awa {
    pool: PgPool,
    client: Option<Client>,
}

impl JobQueue for Awa {
    const NAME: &'static str = "awa";

    fn supports(engine: Engine) -> bool {
        engine == Engine::Postgres
    }

    async fn open(database: &Database) -> Result<Self, BoxError> {
        let pool = PgPool::connect(&database.url()).await?;
        // Awa's migration future is not provably `Send` in a generic caller (an sqlx
        // `Executor` lifetime): it runs on a blocking thread of its own.
        let migrating = pool.clone();
        tokio::task::spawn_blocking(move || {
            tokio::runtime::Handle::current().block_on(awa::migrations::run(&migrating))
        })
        .await??;
        Ok(Awa { pool, client: None })
    }

    async fn insert_one(&self) -> Result<(), BoxError> {
        awa::insert_with(&self.pool, &NoOp { n: 1 }, opts()).await?;
        Ok(())
    }

    async fn insert_batch(&self, count: usize) -> Result<(), BoxError> {
        let jobs = (0..count as u64)
            .map(|n| awa::insert::params_with(&NoOp { n }, opts()))
            .collect::<Result<Vec<_>, _>>()?;
        awa::insert_many(&self.pool, &jobs).await?;
        Ok(())
    }

    async fn insert_scheduled(&self, count: usize, delay: Duration) -> Result<(), BoxError> {
        let at = chrono::Utc::now() + chrono::Duration::from_std(delay)?;
        let jobs = (0..count as u64)
            .map(|n| {
                let opts = InsertOpts {
                    run_at: Some(at),
                    ..opts()
                };
                awa::insert::params_with(&NoOp { n }, opts)
            })
            .collect::<Result<Vec<_>, _>>()?;
        awa::insert_many(&self.pool, &jobs).await?;
        Ok(())
    }

    async fn run(&mut self, concurrency: u32, performed: Arc<Performed>) -> Result<(), BoxError> {
        let client = Client::builder(self.pool.clone())
            .queue(
                "bench",
                QueueConfig {
                    max_workers: concurrency,
                    ..QueueConfig::default()
                },
            )
            .register::<NoOp, _, _>(move |_args, _context| {
                performed.add();
                async { Ok(JobResult::Completed) }
            })
            .build()?;
        client.start().await?;
        self.client = Some(client);
        Ok(())
    }

    async fn completed(&self) -> Result<u64, BoxError> {
        let counts = awa::admin::state_counts(&self.pool).await?;
        let completed = counts.get(&awa::JobState::Completed).copied().unwrap_or(0);
        Ok(u64::try_from(completed)?)
    }

    async fn stop(self) {
        if let Some(client) = self.client {
            client.shutdown(Duration::from_secs(5)).await;
        }
        self.pool.close().await;
    }
}
