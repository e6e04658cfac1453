//! `apalis` 1.0 with `apalis-postgres` or `apalis-sqlite` 1.0, as their READMEs set them up: a
//! pool, `setup` (the migrations; on SQLite it also sets `synchronous = OFF`), a storage of the
//! job type (polling with the default strategy), a worker with `.concurrency(n)`; completed jobs
//! counted in their table (`status = 'Done'`).

use crate::jobs::{BoxError, Database, Engine, JobQueue, Performed};
use apalis::prelude::*;
use apalis_postgres::{PgPool, PostgresStorage};
use apalis_sqlite::{SqlitePool, SqliteStorage};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// The count the running no-op jobs add to.
static PERFORMED: Mutex<Option<Arc<Performed>>> = Mutex::new(None);

/// The no-op job.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct NoOp {
    /// A number, so that the arguments are not empty.
    pub n: u64,
}

async fn no_op(_job: NoOp) -> Result<(), BoxDynError> {
    if let Some(performed) = PERFORMED
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .as_ref()
    {
        performed.add();
    }
    Ok(())
}

#[derive(Clone)]
enum Storage {
    Postgres(PgPool, PostgresStorage<NoOp>),
    Sqlite(SqlitePool, SqliteStorage<NoOp>),
}

/// apalis on one database.
pub struct Apalis {
    storage: Storage,
    stop: Option<(
        tokio::sync::oneshot::Sender<()>,
        tokio::task::JoinHandle<()>,
    )>,
}

impl Apalis {
    async fn push_all(&self, tasks: Vec<Task<NoOp>>) -> Result<(), BoxError> {
        let tasks = futures_util::stream::iter(tasks);
        match self.storage.clone() {
            Storage::Postgres(_, mut storage) => storage.push_all(tasks).await?,
            Storage::Sqlite(_, mut storage) => storage.push_all(tasks).await?,
        }
        Ok(())
    }
}

impl JobQueue for Apalis {
    const NAME: &'static str = "apalis";

    fn supports(_engine: Engine) -> bool {
        true
    }

    async fn open(database: &Database) -> Result<Self, BoxError> {
        let storage = match database.engine {
            Engine::Postgres => {
                let pool = PgPool::connect(&database.url()).await?;
                PostgresStorage::setup(&pool).await?;
                let storage = PostgresStorage::new(&pool);
                Storage::Postgres(pool, storage)
            }
            Engine::Sqlite => {
                let pool = SqlitePool::connect(&database.url()).await?;
                SqliteStorage::setup(&pool).await?;
                let storage = SqliteStorage::new(&pool);
                Storage::Sqlite(pool, storage)
            }
        };
        Ok(Apalis {
            storage,
            stop: None,
        })
    }

    async fn insert_one(&self) -> Result<(), BoxError> {
        match self.storage.clone() {
            Storage::Postgres(_, mut storage) => storage.push(NoOp { n: 1 }).await?,
            Storage::Sqlite(_, mut storage) => storage.push(NoOp { n: 1 }).await?,
        }
        Ok(())
    }

    async fn insert_batch(&self, count: usize) -> Result<(), BoxError> {
        let jobs: Vec<NoOp> = (0..count as u64).map(|n| NoOp { n }).collect();
        match self.storage.clone() {
            Storage::Postgres(_, mut storage) => storage.push_bulk(jobs).await?,
            Storage::Sqlite(_, mut storage) => storage.push_bulk(jobs).await?,
        }
        Ok(())
    }

    async fn insert_scheduled(&self, count: usize, delay: Duration) -> Result<(), BoxError> {
        let tasks = (0..count as u64)
            .map(|n| TaskBuilder::new(NoOp { n }).run_after(delay).build())
            .collect();
        self.push_all(tasks).await
    }

    async fn run(&mut self, concurrency: u32, performed: Arc<Performed>) -> Result<(), BoxError> {
        *PERFORMED.lock().unwrap_or_else(PoisonError::into_inner) = Some(performed);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let signal = async move {
            let _ = stopped.await;
            Ok::<(), std::io::Error>(())
        };
        let concurrency = concurrency as usize;
        let task = match self.storage.clone() {
            Storage::Postgres(_, storage) => {
                let worker = WorkerBuilder::new("bench")
                    .backend(storage)
                    .concurrency(concurrency)
                    .build(no_op);
                tokio::spawn(async move {
                    if let Err(error) = worker.run_until(signal).await {
                        eprintln!("apalis worker: {error}");
                    }
                })
            }
            Storage::Sqlite(_, storage) => {
                let worker = WorkerBuilder::new("bench")
                    .backend(storage)
                    .concurrency(concurrency)
                    .build(no_op);
                tokio::spawn(async move {
                    if let Err(error) = worker.run_until(signal).await {
                        eprintln!("apalis worker: {error}");
                    }
                })
            }
        };
        self.stop = Some((stop, task));
        Ok(())
    }

    async fn completed(&self) -> Result<u64, BoxError> {
        let count: i64 = match &self.storage {
            Storage::Postgres(pool, _) => {
                sqlx09::query_scalar("SELECT count(*) FROM apalis.jobs WHERE status = 'Done'")
                    .fetch_one(pool)
                    .await?
            }
            Storage::Sqlite(pool, _) => {
                sqlx09::query_scalar("SELECT count(*) FROM Jobs WHERE status = 'Done'")
                    .fetch_one(pool)
                    .await?
            }
        };
        Ok(u64::try_from(count)?)
    }

    async fn stop(self) {
        if let Some((stop, task)) = self.stop {
            let _ = stop.send(());
            let _ = tokio::time::timeout(Duration::from_secs(5), task).await;
        }
        *PERFORMED.lock().unwrap_or_else(PoisonError::into_inner) = None;
        match self.storage {
            Storage::Postgres(pool, _) => pool.close().await,
            Storage::Sqlite(pool, _) => pool.close().await,
        }
    }
}
