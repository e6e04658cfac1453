//! Connection options: a PostgreSQL schema of the node's own, the pool's size.

use crate::support::{self, postgres::TestDb};
use crate::wait_state;
use crate::workers::{Record, probe, register, tag};
use otp_jobs::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_schema_keeps_the_tables_and_the_wake_ups_apart() {
    if !support::postgres::available().await {
        return;
    }
    // A fresh schema name that the node creates, on the server's default search_path.
    let holder = TestDb::new().await.expect("a PostgreSQL server");
    let schema = format!("{}_jobs", holder.schema());
    let tag = tag("schema");
    let url = holder.base_url().to_owned();
    let start = |name: &str| {
        Jobs::start(
            register(JobsConfig::postgres(url.clone()))
                .schema(schema.clone())
                .pool_size(3)
                .queue("default", 2)
                .node(name),
        )
    };
    let a = start("a").await.unwrap();
    let job = Record {
        tag: tag.clone(),
        n: 1,
    }
    .new_job()
    .insert(&a)
    .await
    .unwrap();
    wait_state(&a, job.id, JobState::Completed).await;
    assert_eq!(probe(&tag).logged(), ["1"]);

    let pool = sqlx::PgPool::connect(&url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1 \
         ORDER BY table_name",
    )
    .bind(&schema)
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        tables,
        [
            "otp_jobs",
            "otp_jobs_leaders",
            "otp_jobs_migrations",
            "otp_jobs_nodes"
        ]
    );
    let in_schema: i64 = sqlx::query_scalar(&format!(
        "SELECT count(*) FROM \"{schema}\".otp_jobs WHERE id = $1"
    ))
    .bind(job.id)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(in_schema, 1);

    // A second node on the schema: its queue signals reach the first, and it runs what the
    // first inserts once that one stopped.
    let b = start("b").await.unwrap();
    b.pause_queue("default").await.unwrap();
    crate::support::wait_for("a to hear b's pause", || async {
        let stats = a.stats().await.unwrap();
        stats.queue("default")?.local.as_ref()?.paused.then_some(())
    })
    .await;
    b.resume_queue("default").await.unwrap();
    a.shutdown().await.unwrap();
    let second = Record {
        tag: tag.clone(),
        n: 2,
    }
    .new_job()
    .insert(&a)
    .await
    .unwrap();
    wait_state(&b, second.id, JobState::Completed).await;
    b.shutdown().await.unwrap();

    sqlx::query(&format!("DROP SCHEMA \"{schema}\" CASCADE"))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
}

#[tokio::test]
async fn options_out_of_range_fail_the_start() {
    let error = Jobs::start(JobsConfig::sqlite_memory().schema("jobs"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("a schema is PostgreSQL's"),
        "{error}"
    );
    let error = Jobs::start(JobsConfig::sqlite_memory().pool_size(0))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("at least 1"), "{error}");
    let url = support::postgres::database_url();
    let error = Jobs::start(JobsConfig::postgres(url.clone()).pool_size(1))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("at least 2"), "{error}");
    if !support::postgres::available().await {
        return;
    }
    let error = Jobs::start(JobsConfig::postgres(url).schema("no-dashes"))
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("not a usable schema name"),
        "{error}"
    );
}
