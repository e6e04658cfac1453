//! The embedded migrations, applied under a transaction-scoped advisory lock so that many nodes
//! starting at once apply each exactly once (and so that it holds behind a pooler in transaction
//! mode, where a session lock would not).
//!
//! The migrations are [`crate::migrations::POSTGRES`]; the applied versions are kept in
//! `otp_jobs_migrations`, apart from the application's own migration table.

use super::exec::Conn;
use crate::store::StoreError;
use sqlx::{Executor, PgPool};

/// Applies the migrations not applied yet, in one transaction, creating `schema` first when one
/// is given (it is also first on every pooled connection's `search_path`). With `pooled` (a
/// pooler in transaction mode), the statements with parameters are sent unnamed; the others
/// are simple queries, never prepared.
pub(super) async fn run(
    pool: &PgPool,
    schema: Option<&str>,
    pooled: bool,
) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    // One lock per schema: nodes sharing a schema take turns, tests in their own schemas do not.
    sqlx::query(
        "SELECT pg_advisory_xact_lock(hashtextextended('otp_jobs.migrate.' \
         || coalesce($1, current_schema(), 'public'), 0))",
    )
    .bind(schema)
    .execute(Conn::new(&mut tx, pooled))
    .await?;
    if let Some(schema) = schema {
        // The name was checked by `connect` (letters, digits, underscores), and is quoted.
        let create = format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\"");
        tx.execute(sqlx::raw_sql(&create)).await?;
    }
    tx.execute(
        "CREATE TABLE IF NOT EXISTS otp_jobs_migrations (version bigint PRIMARY KEY, \
         description text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
    )
    .await?;
    let applied: Vec<i64> = sqlx::query_scalar("SELECT version FROM otp_jobs_migrations")
        .fetch_all(Conn::new(&mut tx, pooled))
        .await?;
    for migration in crate::migrations::POSTGRES {
        if applied.contains(&migration.version) {
            continue;
        }
        tx.execute(sqlx::raw_sql(migration.sql)).await?;
        sqlx::query("INSERT INTO otp_jobs_migrations (version, description) VALUES ($1, $2)")
            .bind(migration.version)
            .bind(migration.description)
            .execute(Conn::new(&mut tx, pooled))
            .await?;
        tracing::info!(
            version = migration.version,
            description = migration.description,
            "otp_jobs: migration applied"
        );
    }
    tx.commit().await?;
    Ok(())
}
