//! Wake-ups between nodes: an insert sends `NOTIFY` with the queue's name as its only payload;
//! each node LISTENs on a dedicated connection and hands the names to its queues. An insert of
//! scheduled jobs sends, after [`DUE_PREFIX`], in how many milliseconds the earliest is due, for
//! the stagers. Queue control signals (pause, resume, scale) travel on the same channel, as JSON
//! after [`SIGNAL_PREFIX`].
//!
//! The channel is per schema (`otp_jobs.<schema>`), so that schemas sharing a database do not
//! wake each other. Behind a pooler in transaction mode LISTEN silently receives nothing: found
//! at connect ([`transaction_pooler`]), or when the listener's own self-test gets no echo, the
//! node says so in a warning and gets no notifications: its stager polls instead, once a stage
//! interval, and wakes the queues that have available jobs.

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

/// The payload prefix of an insert of scheduled jobs, followed by the milliseconds until the
/// earliest of them is due.
pub(super) const DUE_PREFIX: &str = "otp_jobs:due:";

/// The `NOTIFY` payload of a signal.
pub(super) fn signal_payload(signal: &QueueSignal) -> String {
    // A struct of strings and numbers always serializes.
    let json = serde_json::to_string(signal).unwrap_or_default();
    format!("{SIGNAL_PREFIX}{json}")
}

/// What a payload says: a queue's name, a due time, a signal, or nothing (the self-test's, or a
/// signal or due time that does not read, logged).
fn notification(payload: &str) -> Option<Notification> {
    if payload.starts_with(PROBE_PREFIX) {
        return None;
    }
    if let Some(millis) = payload.strip_prefix(DUE_PREFIX) {
        return match millis.parse() {
            Ok(millis) => Some(Notification::Due(Duration::from_millis(millis))),
            Err(error) => {
                tracing::warn!(payload, %error, "otp_jobs: a due time that does not read");
                None
            }
        };
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

/// The longest pause between two reconnection attempts of the listener.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// Starts listening: the names of the queues nodes insert into, due times and signals. Behind a
/// pooler in transaction mode (`pooled`, found at connect), or when the self-test's
/// notification does not come back, `None`, and a warning says that the node polls instead.
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
             stage interval instead (the stager's round), and queue signals from other nodes do \
             not arrive"
        );
        return Ok(None);
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
    match echoed {
        Ok(result) => result?,
        Err(_elapsed) => {
            tracing::warn!(
                channel,
                "otp_jobs: LISTEN did not receive this node's own NOTIFY within {probe_timeout:?} \
                 (a connection pooler in transaction mode?); polling for available jobs every \
                 stage interval instead (the stager's round)"
            );
            return Ok(None);
        }
    }

    let (sender, receiver) = mpsc::unbounded_channel();
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
/// connection is lost; after a reconnection, asks the stager for a round now (notifications may
/// have been missed meanwhile: the round stages what is due, wakes every queue that has
/// available jobs, and finds the next due time).
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
                let _ = sender.send(Notification::Due(Duration::ZERO));
            }
            Err(sqlx::Error::PoolClosed) => return,
            Err(error) => {
                tracing::warn!(channel, %error, "otp_jobs: LISTEN connection failed");
                drop(listener);
                let Some(again) = reconnect(&pool, &channel, &sender).await else {
                    return;
                };
                listener = again;
                let _ = sender.send(Notification::Due(Duration::ZERO));
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
