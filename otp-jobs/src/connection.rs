//! `JobsConnection`: the connections a job can be inserted on, inside the caller's transaction.

use crate::{Job, JobsError, NewJob};
use std::future::Future;
use std::pin::Pin;

/// A database connection [`NewJob::insert_in`] inserts on: SQLite's and PostgreSQL's, usually
/// a transaction dereferenced (`&mut *tx`), or a PostgreSQL one behind a pooler in transaction
/// mode wrapped in [`UnnamedStatements`]. Sealed: the engines are this crate's.
pub trait JobsConnection: sealed::Sealed {}

pub(crate) mod sealed {
    use super::{Future, Job, JobsError, NewJob, Pin};

    /// A boxed insert.
    pub(crate) type InsertFuture<'a> =
        Pin<Box<dyn Future<Output = Result<Vec<Job>, JobsError>> + Send + 'a>>;

    /// What an engine's connection does for [`JobsConnection`](super::JobsConnection).
    #[allow(unreachable_pub)] // reachable by name nowhere: the sealed-trait pattern
    pub trait Sealed: Send {
        /// Inserts the jobs, in order, on this connection.
        fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> InsertFuture<'_>;
    }
}

#[cfg(feature = "sqlite")]
impl sealed::Sealed for sqlx::SqliteConnection {
    fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> sealed::InsertFuture<'_> {
        Box::pin(async move {
            let jobs = NewJob::resolve_all(jobs)?;
            Ok(crate::store::insert_sqlite_jobs(self, jobs).await?)
        })
    }
}

#[cfg(feature = "sqlite")]
impl JobsConnection for sqlx::SqliteConnection {}

#[cfg(feature = "postgres")]
impl sealed::Sealed for sqlx::PgConnection {
    fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> sealed::InsertFuture<'_> {
        Box::pin(async move {
            let jobs = NewJob::resolve_all(jobs)?;
            Ok(crate::store::postgres::insert_with(self, jobs, false).await?)
        })
    }
}

#[cfg(feature = "postgres")]
impl JobsConnection for sqlx::PgConnection {}

/// A PostgreSQL connection on which [`NewJob::insert_in`] sends its statements unnamed (parsed
/// at each execution, never prepared under a name): for a connection behind a pooler in
/// transaction mode that does not keep clients' prepared statements apart (`PgBouncer` before
/// 1.21, or without `max_prepared_statements`), where sqlx's named statements (`sqlx_s_1`, ...)
/// clash with another client's in a shared server session.
///
/// The connection must be in a transaction (`UnnamedStatements(&mut tx)`), which holds the server
/// session from the statement's Parse to its Execute; your own statements there need
/// `.persistent(false)` for the same reason. An unnamed statement costs one more round trip
/// than a prepared one: straight to the server, give the connection itself.
///
/// ```no_run
/// use otp_jobs::UnnamedStatements;
/// use otp_jobs::prelude::*;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct CloseAccount { id: i64 }
///
/// impl Worker for CloseAccount {
///     const NAME: &'static str = "CloseAccount";
///
///     async fn perform(self, _job: &Job) -> Result<(), JobError> {
///         Ok(())
///     }
/// }
///
/// # async fn example() -> Result<(), Box<dyn std::error::Error>> {
/// // Through PgBouncer in transaction mode.
/// let pool = sqlx::PgPool::connect("postgres://app@127.0.0.1:6432/app").await?;
/// let mut tx = pool.begin().await?;
/// sqlx::query("UPDATE accounts SET closing = true WHERE id = $1")
///     .persistent(false)
///     .bind(7_i64)
///     .execute(&mut *tx)
///     .await?;
/// CloseAccount { id: 7 }
///     .new_job()
///     .insert_in(&mut UnnamedStatements(&mut tx))
///     .await?;
/// tx.commit().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
#[cfg(feature = "postgres")]
pub struct UnnamedStatements<'c>(pub &'c mut sqlx::PgConnection);

#[cfg(feature = "postgres")]
impl sealed::Sealed for UnnamedStatements<'_> {
    fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> sealed::InsertFuture<'_> {
        Box::pin(async move {
            let jobs = NewJob::resolve_all(jobs)?;
            Ok(crate::store::postgres::insert_with(self.0, jobs, true).await?)
        })
    }
}

#[cfg(feature = "postgres")]
impl JobsConnection for UnnamedStatements<'_> {}
