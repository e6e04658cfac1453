//! The engines the integration tests run on, as a fixture: `for engine in support::engines()`
//! gives each test a fresh database on every engine.
#![allow(dead_code)] // each test binary uses a part

pub(crate) mod fields;
pub(crate) mod postgres;

use otp_jobs::JobsConfig;
use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A database engine the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    /// A SQLite file in the temporary directory.
    Sqlite,
    /// A schema of its own on the PostgreSQL test server (see `postgres.rs`).
    Postgres,
}

/// The engines to run each test on.
/// PostgreSQL when a server answers (skipped with a message otherwise, unless it is required).
pub(crate) async fn engines() -> Vec<Engine> {
    let mut engines = vec![Engine::Sqlite];
    if postgres::available().await {
        engines.push(Engine::Postgres);
    }
    engines
}

/// A fresh, empty database of one engine; removed when dropped.
#[derive(Debug)]
pub(crate) struct Db {
    pub(crate) engine: Engine,
    path: PathBuf,
    postgres: Option<postgres::TestDb>,
}

impl Engine {
    /// A fresh database.
    pub(crate) async fn db(self) -> Db {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let path = std::env::temp_dir().join(format!(
            "otp-jobs-test-{}-{}-{}.db",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            fastrand::u32(..)
        ));
        let postgres = match self {
            Engine::Sqlite => None,
            Engine::Postgres => Some(postgres::TestDb::new().await.expect("a PostgreSQL server")),
        };
        Db {
            engine: self,
            path,
            postgres,
        }
    }
}

impl Db {
    /// A configuration on this database (a new connection pool each call: two configurations
    /// are two nodes), with fast timings for tests: stage every 50 ms, a 3 s lease.
    pub(crate) fn config(&self) -> JobsConfig {
        let config = match self.engine {
            Engine::Sqlite => JobsConfig::sqlite(&self.path),
            Engine::Postgres => JobsConfig::postgres(self.pg().url()),
        };
        config
            .stage_interval(Duration::from_millis(50))
            .lease(Duration::from_secs(3))
    }

    /// The PostgreSQL schema (PostgreSQL only).
    pub(crate) fn pg(&self) -> &postgres::TestDb {
        self.postgres.as_ref().expect("a PostgreSQL database")
    }

    /// A pool of the test's own on the PostgreSQL schema (PostgreSQL only).
    pub(crate) async fn pg_pool(&self) -> sqlx::PgPool {
        sqlx::PgPool::connect(&self.pg().url()).await.unwrap()
    }

    /// The SQLite file (SQLite only).
    pub(crate) fn sqlite_path(&self) -> &std::path::Path {
        &self.path
    }

    /// Declares `node` dead: its heartbeat expired, as if it had stopped renewing it.
    pub(crate) async fn expire_node(&self, node: &str) {
        match self.engine {
            Engine::Sqlite => {
                let pool = self.sqlite_pool().await;
                sqlx::query("UPDATE otp_jobs_nodes SET expires_at = 0 WHERE node = ?1")
                    .bind(node)
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            }
            Engine::Postgres => {
                let pool = self.pg_pool().await;
                sqlx::query("UPDATE otp_jobs_nodes SET expires_at = now() WHERE node = $1")
                    .bind(node)
                    .execute(&pool)
                    .await
                    .unwrap();
                pool.close().await;
            }
        }
    }

    /// A pool of the test's own on the SQLite file (SQLite only).
    pub(crate) async fn sqlite_pool(&self) -> sqlx::SqlitePool {
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&self.path)
            .busy_timeout(Duration::from_secs(10));
        sqlx::SqlitePool::connect_with(options).await.unwrap()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut path = self.path.clone().into_os_string();
            path.push(suffix);
            let _ = std::fs::remove_file(path);
        }
    }
}

/// Polls `check` until it gives a value, for at most 15 s.
///
/// # Panics
///
/// When the deadline passes first, naming `what`.
pub(crate) async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}
