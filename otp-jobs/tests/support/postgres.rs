//! A PostgreSQL server for tests: each test gets a schema of its own (`otp_test_<random>`),
//! dropped when the test ends, so tests run in parallel on one database.
//!
//! The server: `OTP_TEST_DATABASE_URL`, else `DATABASE_URL`, else
//! `postgres://postgres@127.0.0.1:5432/postgres` (what `scripts/ensure-postgres` provides). When
//! none answers, a test skips with a message on stderr, unless `CI` or `OTP_REQUIRE_POSTGRES` is
//! set: then it fails, so that CI never skips PostgreSQL silently.
#![allow(dead_code)] // each test binary uses a part

use sqlx::{Connection, Executor, PgConnection};

/// The server the tests use.
pub(crate) fn database_url() -> String {
    ["OTP_TEST_DATABASE_URL", "DATABASE_URL"]
        .into_iter()
        .find_map(|name| std::env::var(name).ok().filter(|url| !url.is_empty()))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// Whether a missing server fails the tests instead of skipping them.
pub(crate) fn required() -> bool {
    ["CI", "OTP_REQUIRE_POSTGRES"].into_iter().any(|name| {
        std::env::var(name).is_ok_and(|value| !value.is_empty() && value != "0" && value != "false")
    })
}

/// Whether the test server answers; `false` (said on stderr) when it does not and it is not
/// required.
///
/// # Panics
///
/// When no server answers and `CI` or `OTP_REQUIRE_POSTGRES` is set.
pub(crate) async fn available() -> bool {
    server().await.is_some()
}

/// A connection to the test server, or `None` (said on stderr) when none answers and none is
/// required.
async fn server() -> Option<PgConnection> {
    let url = database_url();
    match PgConnection::connect(&url).await {
        Ok(conn) => Some(conn),
        Err(error) if !required() => {
            eprintln!(
                "SKIPPED on PostgreSQL: cannot connect to {url} ({error}); run \
                 scripts/ensure-postgres, or set OTP_TEST_DATABASE_URL"
            );
            None
        }
        Err(error) => panic!(
            "cannot connect to PostgreSQL at {url} ({error}), and CI or OTP_REQUIRE_POSTGRES is \
             set: run scripts/ensure-postgres, or set OTP_TEST_DATABASE_URL"
        ),
    }
}

/// A schema of the test's own on the test server.
#[derive(Debug)]
pub(crate) struct TestDb {
    base_url: String,
    schema: String,
}

impl TestDb {
    /// Creates the schema; `None` (said on stderr) when no server answers and none is
    /// required.
    ///
    /// # Panics
    ///
    /// When no server answers and `CI` or `OTP_REQUIRE_POSTGRES` is set, or the schema cannot be
    /// created.
    pub(crate) async fn new() -> Option<TestDb> {
        let mut conn = server().await?;
        let schema = format!("otp_test_{:016x}", fastrand::u64(..));
        conn.execute(&*format!("CREATE SCHEMA {schema}"))
            .await
            .unwrap_or_else(|error| panic!("cannot create schema {schema}: {error}"));
        Some(TestDb {
            base_url: database_url(),
            schema,
        })
    }

    /// The server's URL, without the schema.
    pub(crate) fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The test's schema.
    pub(crate) fn schema(&self) -> &str {
        &self.schema
    }

    /// The server's URL with the schema first on the `search_path` of every connection, and as
    /// the connections' `application_name` (see [`kill_connections`](Self::kill_connections)).
    pub(crate) fn url(&self) -> String {
        let separator = if self.base_url.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{separator}options[search_path]={schema}&application_name={schema}",
            self.base_url,
            schema = self.schema
        )
    }

    /// Terminates every server connection made with [`url`](Self::url), as a server restart
    /// would; returns how many there were.
    pub(crate) async fn kill_connections(&self) -> usize {
        let mut conn = PgConnection::connect(&self.base_url).await.unwrap();
        let killed: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(&self.schema)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        killed.into_iter().filter(|killed| *killed).count()
    }

    /// A connection whose `search_path` is the schema.
    pub(crate) async fn connect(&self) -> PgConnection {
        PgConnection::connect(&self.url())
            .await
            .unwrap_or_else(|error| panic!("cannot connect to {}: {error}", self.url()))
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        // A runtime of its own on a thread of its own: drop may run inside the test's runtime.
        let (url, schema) = (self.base_url.clone(), self.schema.clone());
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            runtime.block_on(async {
                let mut conn = PgConnection::connect(&url).await.ok()?;
                conn.execute(&*format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                    .await
                    .ok()
            })
        })
        .join();
        if !matches!(dropped, Ok(Some(_))) {
            eprintln!("could not drop the test schema {}", self.schema);
        }
    }
}
