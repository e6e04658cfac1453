//! How the store's statements reach the server: the one place that decides it.
//!
//! Straight to the server (no pooler in transaction mode found at connect), a statement is
//! prepared once per connection under a name and cached by sqlx: one round trip each time after
//! the first. Behind a pooler in transaction mode (`PgBouncer`'s `pool_mode = transaction`), a
//! client holds a server session only for a transaction, so that
//!
//! - a named statement prepared in one server session is missing in the next, and clashes with
//!   another client's of the same name (`sqlx_s_1`, ...) in a shared one;
//! - an unnamed statement outside a transaction is not safe either: sqlx sends Parse, Describe
//!   and Sync, then Bind, Execute and Sync, and between the two the pooler may hand the server
//!   session to another client.
//!
//! There each statement is sent unnamed ([`Unnamed`]) inside a transaction (which pins the
//! server session): on the store's pool, a transaction of its own around each statement
//! ([`Db`]); on a connection already in a transaction (the store's own, or a caller's), the
//! statement only ([`Conn`]).
//!
//! Not `PgConnectOptions::statement_cache_capacity(0)`: with the cache off, sqlx 0.8 still
//! prepares a statement under a fresh name (and never closes it); only an unnamed statement is
//! safe in a shared server session.

use futures_util::future::BoxFuture;
use futures_util::stream::{self, BoxStream};
use futures_util::{StreamExt, TryStreamExt};
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArguments, PgQueryResult, PgRow, PgStatement, PgTypeInfo};
use sqlx::{Describe, Either, Execute, Executor, PgConnection, PgPool, Postgres};

/// A query sent as an unnamed statement: parsed at each execution, never cached on the
/// connection, so that no name outlives the transaction it ran in.
struct Unnamed<E>(E);

impl<'q, E: Execute<'q, Postgres>> Execute<'q, Postgres> for Unnamed<E> {
    fn sql(&self) -> &'q str {
        self.0.sql()
    }

    fn statement(&self) -> Option<&PgStatement<'q>> {
        self.0.statement()
    }

    fn take_arguments(&mut self) -> Result<Option<PgArguments>, BoxDynError> {
        self.0.take_arguments()
    }

    fn persistent(&self) -> bool {
        false
    }
}

/// The store's pool as an executor: each statement as sqlx sends it on a pooled connection,
/// or, behind a pooler in transaction mode (`pooled`), as an unnamed statement in a
/// transaction of its own (BEGIN and COMMIT: two more round trips, and one more for the
/// unnamed statement's Parse).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Db<'a> {
    pool: &'a PgPool,
    pooled: bool,
}

impl<'a> Db<'a> {
    pub(crate) fn new(pool: &'a PgPool, pooled: bool) -> Self {
        Db { pool, pooled }
    }
}

impl<'a> Executor<'a> for Db<'a> {
    type Database = Postgres;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, sqlx::Error>>
    where
        'a: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        let Db { pool, pooled } = self;
        if !pooled {
            return pool.fetch_many(query);
        }
        // The results are read whole before the commit: every caller of the store reads them
        // whole anyway.
        stream::once(async move {
            let mut tx = pool.begin().await?;
            let results: Vec<_> = (&mut *tx).fetch_many(Unnamed(query)).try_collect().await?;
            tx.commit().await?;
            Ok::<_, sqlx::Error>(stream::iter(results.into_iter().map(Ok)))
        })
        .try_flatten()
        .boxed()
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<PgRow>, sqlx::Error>>
    where
        'a: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        let Db { pool, pooled } = self;
        if !pooled {
            return pool.fetch_optional(query);
        }
        Box::pin(async move {
            let mut tx = pool.begin().await?;
            let row = (&mut *tx).fetch_optional(Unnamed(query)).await?;
            tx.commit().await?;
            Ok(row)
        })
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement<'q>, sqlx::Error>>
    where
        'a: 'e,
    {
        self.pool.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Postgres>, sqlx::Error>>
    where
        'a: 'e,
    {
        self.pool.describe(sql)
    }
}

/// A connection in a transaction as an executor: each statement as sqlx sends it, or unnamed
/// (`unnamed`, behind a pooler in transaction mode; the transaction pins the server session).
#[derive(Debug)]
pub(crate) struct Conn<'c> {
    conn: &'c mut PgConnection,
    unnamed: bool,
}

impl<'c> Conn<'c> {
    pub(crate) fn new(conn: &'c mut PgConnection, unnamed: bool) -> Self {
        Conn { conn, unnamed }
    }
}

impl<'c> Executor<'c> for Conn<'c> {
    type Database = Postgres;

    fn fetch_many<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxStream<'e, Result<Either<PgQueryResult, PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        if self.unnamed {
            self.conn.fetch_many(Unnamed(query))
        } else {
            self.conn.fetch_many(query)
        }
    }

    fn fetch_optional<'e, 'q: 'e, E>(
        self,
        query: E,
    ) -> BoxFuture<'e, Result<Option<PgRow>, sqlx::Error>>
    where
        'c: 'e,
        E: 'q + Execute<'q, Postgres>,
    {
        if self.unnamed {
            self.conn.fetch_optional(Unnamed(query))
        } else {
            self.conn.fetch_optional(query)
        }
    }

    fn prepare_with<'e, 'q: 'e>(
        self,
        sql: &'q str,
        parameters: &'e [PgTypeInfo],
    ) -> BoxFuture<'e, Result<PgStatement<'q>, sqlx::Error>>
    where
        'c: 'e,
    {
        self.conn.prepare_with(sql, parameters)
    }

    fn describe<'e, 'q: 'e>(
        self,
        sql: &'q str,
    ) -> BoxFuture<'e, Result<Describe<Postgres>, sqlx::Error>>
    where
        'c: 'e,
    {
        self.conn.describe(sql)
    }
}
