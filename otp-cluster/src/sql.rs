//! The cluster's tables and statements, for one schema. The schema name is validated
//! (`ClusterConfig::validate`) before it is written into SQL; every value is a bound parameter.

use std::time::Duration;

use sqlx::PgPool;

/// The statements of one cluster schema.
#[derive(Debug)]
pub(crate) struct Sql {
    pub(crate) channel: String,
    pub(crate) node_heartbeat: String,
    pub(crate) node_list: String,
    pub(crate) node_leave: String,
    pub(crate) node_cleanup: String,
    pub(crate) singleton_acquire: String,
    pub(crate) singleton_renew: String,
    pub(crate) singleton_release: String,
    pub(crate) singleton_owner: String,
    pub(crate) payload_insert: String,
    pub(crate) payload_fetch: String,
    pub(crate) payload_cleanup: String,
}

/// `now() + lease`, the lease bound as milliseconds (`$n`).
fn expiry(parameter: u8) -> String {
    format!("now() + ${parameter}::bigint * interval '1 millisecond'")
}

impl Sql {
    pub(crate) fn new(schema: &str) -> Self {
        let nodes = format!("\"{schema}\".otp_nodes");
        let singletons = format!("\"{schema}\".otp_singletons");
        let payloads = format!("\"{schema}\".otp_pubsub_payloads");
        Sql {
            channel: format!("{schema}_pubsub"),
            // Joins, or renews the lease of this incarnation; refused (no row) while another
            // live incarnation holds the name.
            node_heartbeat: format!(
                "INSERT INTO {nodes} (name, incarnation, expires_at) VALUES ($1, $2, {e}) \
                 ON CONFLICT (name) DO UPDATE SET \
                   started_at = CASE WHEN {nodes}.incarnation = excluded.incarnation \
                                THEN {nodes}.started_at ELSE now() END, \
                   incarnation = excluded.incarnation, expires_at = excluded.expires_at \
                 WHERE {nodes}.expires_at < now() OR {nodes}.incarnation = excluded.incarnation \
                 RETURNING name",
                e = expiry(3)
            ),
            node_list: format!(
                "SELECT name FROM {nodes} WHERE expires_at > now() AND name <> $1 ORDER BY name"
            ),
            node_leave: format!("DELETE FROM {nodes} WHERE name = $1 AND incarnation = $2"),
            node_cleanup: format!(
                "DELETE FROM {nodes} WHERE expires_at < now() - interval '1 hour'"
            ),
            singleton_acquire: format!(
                "INSERT INTO {singletons} (name, node, incarnation, expires_at) \
                 VALUES ($1, $2, $3, {e}) \
                 ON CONFLICT (name) DO UPDATE SET node = excluded.node, \
                   incarnation = excluded.incarnation, acquired_at = now(), \
                   expires_at = excluded.expires_at \
                 WHERE {singletons}.expires_at < now() \
                 RETURNING name",
                e = expiry(4)
            ),
            singleton_renew: format!(
                "UPDATE {singletons} SET expires_at = {e} \
                 WHERE name = $1 AND node = $2 AND incarnation = $3 AND expires_at > now() \
                 RETURNING name",
                e = expiry(4)
            ),
            singleton_release: format!(
                "DELETE FROM {singletons} WHERE name = $1 AND node = $2 AND incarnation = $3"
            ),
            singleton_owner: format!(
                "SELECT node FROM {singletons} WHERE name = $1 AND expires_at > now()"
            ),
            payload_insert: format!("INSERT INTO {payloads} (payload) VALUES ($1) RETURNING id"),
            payload_fetch: format!("SELECT payload FROM {payloads} WHERE id = $1"),
            payload_cleanup: format!(
                "DELETE FROM {payloads} WHERE inserted_at < now() - interval '10 minutes'"
            ),
        }
    }
}

/// Creates the schema and its tables if missing, under a transaction-scoped advisory lock so
/// that nodes starting together do not race on `CREATE ... IF NOT EXISTS`.
pub(crate) async fn create_tables(pool: &PgPool, schema: &str) -> Result<(), sqlx::Error> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext($1))")
        .bind(format!("otp_cluster:{schema}"))
        .execute(&mut *tx)
        .await?;
    let statements = [
        format!("CREATE SCHEMA IF NOT EXISTS \"{schema}\""),
        format!(
            "CREATE TABLE IF NOT EXISTS \"{schema}\".otp_nodes (\
               name text PRIMARY KEY, incarnation bigint NOT NULL, \
               started_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS \"{schema}\".otp_singletons (\
               name text PRIMARY KEY, node text NOT NULL, incarnation bigint NOT NULL, \
               acquired_at timestamptz NOT NULL DEFAULT now(), expires_at timestamptz NOT NULL)"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS \"{schema}\".otp_pubsub_payloads (\
               id bigserial PRIMARY KEY, payload text NOT NULL, \
               inserted_at timestamptz NOT NULL DEFAULT now())"
        ),
    ];
    for statement in &statements {
        sqlx::query(statement).execute(&mut *tx).await?;
    }
    tx.commit().await
}

/// A lease as the milliseconds bound into the statements.
pub(crate) fn lease_millis(lease: Duration) -> i64 {
    i64::try_from(lease.as_millis()).unwrap_or(i64::MAX)
}
