//! When the pool tests a connection before lending it.
//!
//! sqlx pings a pooled connection when it lends it, and again when it takes it back (that one
//! cannot be turned off): around each statement, two round trips of its own. The ping before
//! lending finds a connection that died while idle (a server restart, a backend killed by an
//! administrator), so that the caller's statement does not fail on it; callers' statements
//! (insert, get, cancel, retry, stats) keep it.
//!
//! The runtime's own statements (fetch, outcomes, stage, heartbeat, rescue, leadership, prune)
//! skip it ([`untested`]): each is retried when it fails (a queue backs off and fetches again,
//! a batch of outcomes stays pending, the next tick stages), and a dead connection fails its
//! statement without running it (the server ended the session before it arrived). See
//! BENCHMARKS.md for what the ping cost the no-op rows.

use sqlx::pool::PoolConnectionMetadata;
use sqlx::postgres::PgPoolOptions;
use sqlx::{Connection, Error, PgConnection};
use std::future::Future;

tokio::task_local! {
    /// Set while the runtime's statements run: connections are lent untested.
    static UNTESTED: ();
}

/// Runs `statements` with the pool lending connections without a ping first.
pub(super) fn untested<F: Future>(statements: F) -> impl Future<Output = F::Output> {
    UNTESTED.scope((), statements)
}

/// The pool's test of a connection before it lends it: a ping, unless [`untested`] is in force.
pub(super) fn test_before_lending(options: PgPoolOptions) -> PgPoolOptions {
    options
        .test_before_acquire(false)
        .before_acquire(test_unless_untested)
}

fn test_unless_untested(
    conn: &mut PgConnection,
    _meta: PoolConnectionMetadata,
) -> futures_util::future::BoxFuture<'_, Result<bool, Error>> {
    Box::pin(async move {
        if UNTESTED.try_with(|()| ()).is_err() {
            conn.ping().await?;
        }
        Ok(true)
    })
}
