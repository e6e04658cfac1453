//! Wake-ups between nodes: an insert sends `NOTIFY` with the queue's name as its only payload;
//! each node LISTENs on a dedicated connection and hands the names to its queues. Queue control
//! signals (pause, resume, scale) travel on the same channel, as JSON after [`SIGNAL_PREFIX`].
//!
//! The channel is per schema (`otp_jobs.<schema>`), so that schemas sharing a database do not
//! wake each other. Behind a pooler in transaction mode LISTEN silently receives nothing: found
//! at connect ([`transaction_pooler`]), or when the listener's own self-test gets no echo, the
//! node says so in a warning and polls instead: once a second, the queues that have available
//! jobs.

use super::exec::Db;
use crate::runtime::signal::{Notification, QueueSignal};
use crate::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgListener, PgPoolOptions};
use sqlx::{Executor, PgPool};
use std::time::Duration;
use tokio::sync::mpsc;

/// The channel of the current schema, as an SQL expression (also used in `pg_notify` inside a
/// caller's transaction, where only the connection knows the schema).
pub(super) const CHANNEL_SQL: &str =
    "left('otp_jobs.' || coalesce(current_schema(), 'public'), 63)";

/// The payload prefix of the self-test; never forwarded as a queue name.
const PROBE_PREFIX: &str = "otp_jobs:probe:";

/// The payload prefix of a queue control signal, followed by the signal as JSON.
const SIGNAL_PREFIX: &str = "otp_jobs:signal:";

/// The `NOTIFY` payload of a signal.
pub(super) fn signal_payload(signal: &QueueSignal) -> String {
    // A struct of strings and numbers always serializes.
    let json = serde_json::to_string(signal).unwrap_or_default();
    format!("{SIGNAL_PREFIX}{json}")
}

/// What a payload says: a queue's name, a signal, or nothing (the self-test's, or a signal that
/// does not read, logged).
fn notification(payload: &str) -> Option<Notification> {
    if payload.starts_with(PROBE_PREFIX) {
        return None;
    }
    if let Some(json) = payload.strip_prefix(SIGNAL_PREFIX) {
        return match serde_json::from_str(json) {
            Ok(signal) => Some(Notification::Signal(signal)),
            Err(error) => {
                tracing::warn!(payload, %error, "otp_jobs: a queue signal that does not read");
                None
            }
        };
    }
    Some(Notification::Available(payload.to_owned()))
}

/// Whether the server at `options` is behind a pooler in transaction mode (`PgBouncer`'s
/// `pool_mode = transaction`): a connection of its own LISTENs on a channel of its own and
/// another one notifies it; without a pooler the notification arrives at once, behind one it
/// never does (the LISTEN ran in a server session the listener no longer holds; when the
/// NOTIFY runs in that same session, the notifying connection receives it instead). The NOTIFY
/// is a simple query, one message that a pooler runs whole in one server session (a prepared
/// statement could clash with another client's in a shared session, or be parsed in one session
/// and bound in another); the two connections are closed before this returns.
pub(super) async fn transaction_pooler(
    options: &PgConnectOptions,
    timeout: Duration,
) -> Result<bool, StoreError> {
    let pool = PgPoolOptions::new()
        .max_connections(2)
        .acquire_timeout(timeout.max(Duration::from_secs(5)))
        .connect_with(options.clone())
        .await?;
    let channel = format!("otp_jobs.pooler.{:016x}", fastrand::u64(..));
    let probe = async {
        let mut listener = PgListener::connect_with(&pool).await?;
        listener.listen(&channel).await?;
        // The channel is this function's own (hex digits after a fixed prefix), so it can be
        // spliced.
        let notified = pool
            .execute(sqlx::raw_sql(&format!("NOTIFY \"{channel}\", 'probe'")))
            .await;
        match notified {
            Ok(_) => {}
            // The pooler ran the NOTIFY in the listener's server session, which delivered the
            // notification to the notifying connection: sessions are shared.
            Err(sqlx::Error::Protocol(message)) if message.contains("NotificationResponse") => {
                return Ok(true);
            }
            Err(error) => return Err(error),
        }
        let echoed = tokio::time::timeout(timeout, listener.recv()).await;
        Ok::<_, sqlx::Error>(echoed.is_err())
    };
    let pooled = probe.await;
    pool.close().await;
    Ok(pooled?)
}

/// How long the self-test waits for its own notification.
pub(super) const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// How often the fallback polls when LISTEN does not work.
const POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The longest pause between two reconnection attempts of the listener.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Starts listening: the names of the queues other nodes insert into. Behind a pooler in
/// transaction mode (`pooled`, found at connect), or when the self-test's notification does not
/// come back, the names come from polling once a second instead, and a warning says so.
pub(super) async fn listen(
    pool: &PgPool,
    probe_timeout: Duration,
    send_probe: bool,
    pooled: bool,
) -> Result<Option<mpsc::UnboundedReceiver<Notification>>, StoreError> {
    let channel: String = sqlx::query_scalar(&format!("SELECT {CHANNEL_SQL}"))
        .fetch_one(Db::new(pool, pooled))
        .await?;
    if pooled {
        tracing::warn!(
            channel,
            "otp_jobs: a connection pooler in transaction mode is in front of the database \
             (found at connect), where LISTEN receives nothing; polling for available jobs every \
             {POLL_INTERVAL:?} instead, and queue signals from other nodes do not arrive"
        );
        let (sender, receiver) = mpsc::unbounded_channel();
        tokio::spawn(poll(pool.clone(), true, sender));
        return Ok(Some(receiver));
    }
    let mut listener = connect(pool, &channel).await?;

    let probe = format!("{PROBE_PREFIX}{}", fastrand::u64(..));
    if send_probe {
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(&channel)
            .bind(&probe)
            .execute(pool)
            .await?;
    }
    let mut early = Vec::new();
    let echoed = tokio::time::timeout(probe_timeout, async {
        loop {
            let notification = listener.recv().await?;
            if notification.payload() == probe {
                return Ok::<_, sqlx::Error>(());
            }
            early.extend(self::notification(notification.payload()));
        }
    })
    .await;
    let (sender, receiver) = mpsc::unbounded_channel();
    match echoed {
        Ok(result) => result?,
        Err(_elapsed) => {
            tracing::warn!(
                channel,
                "otp_jobs: LISTEN did not receive this node's own NOTIFY within {probe_timeout:?} \
                 (a connection pooler in transaction mode?); polling for available jobs every \
                 {POLL_INTERVAL:?} instead"
            );
            drop(listener);
            tokio::spawn(poll(pool.clone(), false, sender));
            return Ok(Some(receiver));
        }
    }

    for notification in early {
        let _ = sender.send(notification);
    }
    tokio::spawn(forward(listener, pool.clone(), channel, sender));
    Ok(Some(receiver))
}

/// A listener on `channel`, from a connection of the pool's.
async fn connect(pool: &PgPool, channel: &str) -> Result<PgListener, sqlx::Error> {
    let mut listener = PgListener::connect_with(pool).await?;
    // Closing the pool ends the forwarding (the receiver then sees the channel close).
    listener.listen(channel).await?;
    Ok(listener)
}

/// Hands notifications to `sender` until its receiver is dropped, reconnecting when the
/// connection is lost; after a reconnection, wakes every queue that has available jobs (their
/// notifications may have been missed).
async fn forward(
    mut listener: PgListener,
    pool: PgPool,
    channel: String,
    sender: mpsc::UnboundedSender<Notification>,
) {
    loop {
        let received = tokio::select! {
            () = sender.closed() => return,
            received = listener.try_recv() => received,
        };
        match received {
            Ok(Some(received)) => {
                if let Some(notification) = notification(received.payload())
                    && sender.send(notification).is_err()
                {
                    return;
                }
            }
            // The connection was lost and sqlx has listened again on a new one.
            Ok(None) => {
                tracing::warn!(channel, "otp_jobs: LISTEN connection lost, reconnected");
                wake_available(Db::new(&pool, false), &sender).await;
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(channel, %error, "otp_jobs: LISTEN connection failed");
                drop(listener);
                let Some(again) = reconnect(&pool, &channel, &sender).await else {
                    return;
                };
                listener = again;
                wake_available(Db::new(&pool, false), &sender).await;
            }
        }
    }
}

/// A new listener, retried with backoff; `None` when the receiver is gone or the pool closed.
async fn reconnect(
    pool: &PgPool,
    channel: &str,
    sender: &mpsc::UnboundedSender<Notification>,
) -> Option<PgListener> {
    let mut backoff = Duration::from_millis(100);
    loop {
        tokio::select! {
            () = sender.closed() => return None,
            () = tokio::time::sleep(backoff) => {}
        }
        if pool.is_closed() {
            return None;
        }
        match connect(pool, channel).await {
            Ok(listener) => {
                tracing::info!(channel, "otp_jobs: LISTEN reconnected");
                return Some(listener);
            }
            Err(error) => {
                tracing::warn!(channel, %error, ?backoff, "otp_jobs: LISTEN reconnection failed");
                backoff = (backoff * 2).min(MAX_BACKOFF);
            }
        }
    }
}

/// Without LISTEN: every [`POLL_INTERVAL`], the queues that have available jobs (`pooled`:
/// behind a pooler in transaction mode).
async fn poll(pool: PgPool, pooled: bool, sender: mpsc::UnboundedSender<Notification>) {
    loop {
        tokio::select! {
            () = sender.closed() => return,
            () = tokio::time::sleep(POLL_INTERVAL) => {}
        }
        if pool.is_closed() {
            return;
        }
        wake_available(Db::new(&pool, pooled), &sender).await;
    }
}

/// Sends the name of every queue with available jobs (best effort).
async fn wake_available(db: Db<'_>, sender: &mpsc::UnboundedSender<Notification>) {
    match available_queues(db).await {
        Ok(queues) => {
            for queue in queues {
                let _ = sender.send(Notification::Available(queue));
            }
        }
        Err(error) => tracing::debug!(%error, "otp_jobs: could not read the available queues"),
    }
}

/// The queues that have available jobs, by name. A skip scan over the fetch index: one index
/// probe per queue, however many jobs wait.
async fn available_queues(db: Db<'_>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "WITH RECURSIVE queues(queue) AS ( \
             (SELECT queue FROM otp_jobs WHERE state = 'available' ORDER BY queue LIMIT 1) \
             UNION ALL \
             SELECT (SELECT j.queue FROM otp_jobs AS j \
                     WHERE j.state = 'available' AND j.queue > q.queue \
                     ORDER BY j.queue LIMIT 1) \
             FROM queues AS q WHERE q.queue IS NOT NULL) \
         SELECT queue FROM queues WHERE queue IS NOT NULL",
    )
    .fetch_all(db)
    .await
}
