//! River's Rust client (`riverqueue` 0.5) on PostgreSQL or SQLite (WAL, 5 s busy timeout, as its
//! SQLite example), default client settings but a fetch cooldown of 1 ms; its completed jobs counted in `river_job`.

use crate::jobs::{BoxError, Database, Engine, JobQueue, Performed};
use riverqueue::sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use riverqueue::sqlx::{PgPool, SqlitePool};
use riverqueue::{
    Client, InsertOpts, Job, JobArgs, QueueConfig, RunHandle, WorkContext, WorkOutcome, Workers,
};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

/// The no-op job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, JobArgs)]
#[river(kind = "noop", queue = "bench")]
pub struct NoOp {
    /// A number, so that the arguments are not empty.
    pub n: u64,
}

#[derive(Debug, Clone)]
enum Pool {
    Postgres(PgPool),
    Sqlite(SqlitePool),
}

/// River on one database.
pub struct River {
    pool: Pool,
    client: Client,
    run: Option<RunHandle>,
}

fn builder(pool: &Pool) -> riverqueue::ClientBuilder {
    match pool {
        Pool::Postgres(pool) => Client::builder(pool.clone()),
        Pool::Sqlite(pool) => Client::builder(pool.clone()),
    }
}

impl JobQueue for River {
    const NAME: &'static str = "riverqueue";

    fn supports(_engine: Engine) -> bool {
        true
    }

    async fn open(database: &Database) -> Result<Self, BoxError> {
        let pool = match database.engine {
            Engine::Postgres => {
                let pool = PgPool::connect(&database.url()).await?;
                riverqueue::migrate::PostgresMigrator::new(pool.clone())
                    .migrate_up()
                    .await?;
                Pool::Postgres(pool)
            }
            Engine::Sqlite => {
                let options = SqliteConnectOptions::from_str(&format!(
                    "sqlite://{}",
                    database.path().display()
                ))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .busy_timeout(Duration::from_secs(5));
                let pool = SqlitePoolOptions::new().connect_with(options).await?;
                riverqueue::migrate::SqliteMigrator::new(pool.clone())
                    .migrate_up()
                    .await?;
                Pool::Sqlite(pool)
            }
        };
        let client = builder(&pool).build()?;
        Ok(River {
            pool,
            client,
            run: None,
        })
    }

    async fn insert_one(&self) -> Result<(), BoxError> {
        self.client.insert(NoOp { n: 1 }).await?;
        Ok(())
    }

    async fn insert_batch(&self, count: usize) -> Result<(), BoxError> {
        self.client
            .insert_many((0..count as u64).map(|n| NoOp { n }))
            .await?;
        Ok(())
    }

    async fn insert_scheduled(&self, count: usize, delay: Duration) -> Result<(), BoxError> {
        let at = riverqueue::jiff::Timestamp::now()
            .checked_add(riverqueue::jiff::SignedDuration::try_from(delay)?)?;
        self.client
            .insert_many(
                (0..count as u64)
                    .map(|n| (NoOp { n }, InsertOpts::default().with_scheduled_at(at))),
            )
            .await?;
        Ok(())
    }

    async fn run(&mut self, concurrency: u32, performed: Arc<Performed>) -> Result<(), BoxError> {
        let mut workers = Workers::new();
        workers.add_fn(move |_context: WorkContext, _job: Job<NoOp>| {
            let performed = Arc::clone(&performed);
            async move {
                performed.add();
                Ok::<_, BoxError>(WorkOutcome::Complete)
            }
        })?;
        // The fetch cooldown at its minimum (1 ms): with the default 100 ms, River ran about
        // 55 no-op jobs/s at concurrency 10 here, bound by the pause between fetches.
        self.client = builder(&self.pool)
            .fetch_cooldown(riverqueue::FETCH_COOLDOWN_MIN)
            .workers(workers)
            .queue("bench", QueueConfig::new(concurrency as usize))
            .build()?;
        self.run = Some(self.client.start()?);
        Ok(())
    }

    async fn completed(&self) -> Result<u64, BoxError> {
        let sql = "SELECT count(*) FROM river_job WHERE state = 'completed'";
        let count: i64 = match &self.pool {
            Pool::Postgres(pool) => riverqueue::sqlx::query_scalar(sql).fetch_one(pool).await?,
            Pool::Sqlite(pool) => riverqueue::sqlx::query_scalar(sql).fetch_one(pool).await?,
        };
        Ok(u64::try_from(count)?)
    }

    async fn stop(mut self) {
        if let Some(mut run) = self.run.take() {
            let _ = run.stop().await;
        }
        match self.pool {
            Pool::Postgres(pool) => pool.close().await,
            Pool::Sqlite(pool) => pool.close().await,
        }
    }
}
