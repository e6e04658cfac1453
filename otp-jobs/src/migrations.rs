//! The schema, as embedded migrations: applied by [`Jobs`](crate::Jobs) at start, and exposed for
//! users who run their migrations themselves.
//!
//! Applied migrations are recorded in a table of their own, `otp_jobs_migrations`, so that they
//! never clash with the application's own migrations (sqlx's `_sqlx_migrations`, for one).
//!
//! ```
//! let first = &otp_jobs::migrations::SQLITE[0];
//! assert_eq!(first.version, 1);
//! assert!(first.sql.contains("CREATE TABLE otp_jobs"));
//! ```

/// One step of the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Migration {
    /// Applied in increasing order; recorded in `otp_jobs_migrations`.
    pub version: i64,
    /// What it does.
    pub description: &'static str,
    /// The SQL (several statements).
    pub sql: &'static str,
}

/// The SQLite schema, in order.
pub const SQLITE: &[Migration] = &[
    Migration {
        version: 1,
        description: "create jobs, nodes and leaders",
        sql: include_str!("../migrations/sqlite/0001_create_jobs.sql"),
    },
    Migration {
        version: 2,
        description: "index due jobs for the stager, and only finished jobs for the pruner",
        sql: include_str!("../migrations/sqlite/0002_stage_and_prune_indexes.sql"),
    },
];

/// The PostgreSQL schema, in order (applied in the schema first on the `search_path`).
pub const POSTGRES: &[Migration] = &[
    Migration {
        version: 1,
        description: "create jobs, nodes and leaders",
        sql: include_str!("../migrations/postgres/0001_create_jobs.sql"),
    },
    Migration {
        version: 2,
        description: "index only finished jobs for the pruner",
        sql: include_str!("../migrations/postgres/0002_partial_prune_index.sql"),
    },
];
