//! `JobsConnection`: the connections a job can be inserted on, inside the caller's transaction.

use crate::{Job, JobsError, NewJob};
use std::future::Future;
use std::pin::Pin;

/// A database connection [`NewJob::insert_in`] inserts on: SQLite's and PostgreSQL's, usually
/// a transaction dereferenced (`&mut *tx`). Sealed: the engines are this crate's.
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

impl sealed::Sealed for sqlx::SqliteConnection {
    fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> sealed::InsertFuture<'_> {
        Box::pin(async move {
            let jobs = jobs
                .into_iter()
                .map(NewJob::resolve)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(crate::store::insert_sqlite_jobs(self, jobs).await?)
        })
    }
}

impl JobsConnection for sqlx::SqliteConnection {}

impl sealed::Sealed for sqlx::PgConnection {
    fn insert_new_jobs(&mut self, jobs: Vec<NewJob>) -> sealed::InsertFuture<'_> {
        Box::pin(async move {
            let jobs = jobs
                .into_iter()
                .map(NewJob::resolve)
                .collect::<Result<Vec<_>, _>>()?;
            Ok(crate::store::postgres::insert_with(self, jobs).await?)
        })
    }
}

impl JobsConnection for sqlx::PgConnection {}
