//! A fresh database per measurement: a SQLite file in a temporary directory, or a PostgreSQL
//! database created on the server of `DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`)
//! and dropped afterwards.

use super::BoxError;
use std::path::PathBuf;

use std::sync::atomic::{AtomicU32, Ordering};

/// The two engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// A SQLite file (WAL).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

impl Engine {
    /// Its name in the table.
    #[must_use]
    pub fn label(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// The server's URL: `DATABASE_URL`, or the local server.
#[must_use]
pub fn server_url() -> String {
    std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// One connection to the server's own database.
async fn admin() -> Result<sqlx::PgPool, sqlx::Error> {
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(1)
        .connect(&server_url())
        .await
}

/// One measurement's database.
#[derive(Debug)]
pub struct Database {
    /// Its engine.
    pub engine: Engine,
    /// The SQLite file, or the PostgreSQL database's name.
    name: String,
    /// The SQLite file's path.
    path: PathBuf,
}

static NEXT: AtomicU32 = AtomicU32::new(0);

impl Database {
    /// Creates an empty database.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or refuses to create it.
    pub async fn create(engine: Engine) -> Result<Database, BoxError> {
        let name = format!(
            "otp_jobs_bench_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let directory = std::env::temp_dir().join(format!("otp-jobs-bench-{}", std::process::id()));
        let path = directory.join(format!("{name}.db"));
        match engine {
            Engine::Sqlite => std::fs::create_dir_all(&directory)?,
            Engine::Postgres => {
                let admin = admin().await?;
                sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
            }
        }
        Ok(Database { engine, name, path })
    }

    /// The SQLite file.
    #[must_use]
    pub fn path(&self) -> &std::path::Path {
        &self.path
    }

    /// The database's URL: `sqlite://<path>?mode=rwc` or the server's URL with this database.
    #[must_use]
    pub fn url(&self) -> String {
        match self.engine {
            Engine::Sqlite => format!("sqlite://{}?mode=rwc", self.path.display()),
            Engine::Postgres => with_database(&server_url(), &self.name),
        }
    }

    /// Deletes the file, or drops the database (closing any connection left to it).
    pub async fn drop_database(self) {
        match self.engine {
            Engine::Sqlite => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut file = self.path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
                if let Some(directory) = self.path.parent() {
                    let _ = std::fs::remove_dir(directory);
                }
            }
            Engine::Postgres => {
                if let Ok(admin) = admin().await {
                    let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
                    if let Err(error) = sqlx::raw_sql(&sql).execute(&admin).await {
                        eprintln!("could not drop database {}: {error}", self.name);
                    }
                    admin.close().await;
                }
            }
        }
    }
}

/// `url` naming database `name` instead of its own (the query string kept).
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let base = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{base}/{name}?{query}"),
        None => format!("{base}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_database_name_replaces_the_urls() {
        assert_eq!(
            super::with_database("postgres://u@h:5432/postgres?sslmode=disable", "b"),
            "postgres://u@h:5432/b?sslmode=disable"
        );
        assert_eq!(
            super::with_database("postgres://u@h", "b"),
            "postgres://u@h/b"
        );
    }
}
