//! The PostgreSQL store against a real server, each test in a schema of its own (see
//! `tests/support/postgres.rs`: skipped without a server unless `CI` or `OTP_REQUIRE_POSTGRES`).

#[path = "../../../../tests/support/postgres.rs"]
pub(crate) mod support;

mod jobs;
mod nodes;
mod ping;
mod pooled;
mod stage;

use super::{PgStore, connect, insert_with, stage_sql};
use crate::store::{
    Completion, CompletionOutcome, CompletionRequest, JobFilter, JobInsert, Schedule, Store,
    StoreError, UniqueInsert,
};
use crate::{Job, JobState, Unique};
use serde_json::json;
use std::collections::HashSet;
use std::time::Duration;
use support::TestDb;

/// A store on a fresh schema; `None` when the test is skipped.
async fn store() -> Option<(TestDb, PgStore)> {
    let db = TestDb::new().await?;
    let store = connect(db.base_url(), Some(db.schema())).await.unwrap();
    store.migrate().await.unwrap();
    Some((db, store))
}

fn job(queue: &str, args: serde_json::Value) -> JobInsert {
    JobInsert {
        queue: queue.to_owned(),
        worker: "app::Worker".to_owned(),
        args,
        meta: json!({}),
        max_attempts: 3,
        priority: 0,
        schedule: Schedule::Now,
        unique: None,
    }
}

fn unique(key: &str) -> UniqueInsert {
    UniqueInsert {
        key: key.to_owned(),
        period: Some(Duration::from_secs(60)),
        states: Unique::DEFAULT_STATES.to_vec(),
    }
}

async fn insert_one(store: &PgStore, insert: JobInsert) -> Job {
    store.insert(vec![insert]).await.unwrap().pop().unwrap()
}

async fn complete(
    store: &PgStore,
    id: i64,
    token: i64,
    completion: Completion,
) -> CompletionOutcome {
    let request = CompletionRequest {
        job_id: id,
        token,
        completion,
    };
    store.complete(vec![request]).await.unwrap()[0]
}

/// Runs SQL in the test's schema (to age rows, say).
async fn sql(store: &PgStore, statement: &str) {
    sqlx::query(statement).execute(store.pool()).await.unwrap();
}
