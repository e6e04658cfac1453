//! Priority and fetch order, scheduled jobs and the stager, `insert_all`.

use crate::support;
use crate::workers::{Record, probe, register, tag};
use crate::{node, wait_state};
use otp_jobs::prelude::*;
use otp_jobs::testing::DrainOptions;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_run_by_priority_then_due_time_then_id() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = Jobs::start(register(db.config()).testing(Testing::Manual))
            .await
            .unwrap();
        let tag = tag("priority");
        let record = |n| {
            Record {
                tag: tag.clone(),
                n,
            }
            .new_job()
        };
        jobs.insert_all([
            record(1).priority(9),
            record(2),
            record(3).priority(1),
            record(4),
            record(5)
                .schedule_at(chrono::Utc::now() - chrono::Duration::seconds(60))
                .priority(1),
        ])
        .await
        .unwrap();
        jobs.drain_queue(DrainOptions::new("default"))
            .await
            .unwrap();
        // Priority first; within priority 1, the earlier due time; within 0, the lower id.
        assert_eq!(probe(&tag).logged(), ["2", "4", "5", "3", "1"]);
        let error = record(1).priority(10).insert(&jobs).await.unwrap_err();
        assert!(matches!(error, JobsError::Config(_)), "{error}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_job_waits_then_the_stager_makes_it_run() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let tag = tag("scheduled");
        let job = Record {
            tag: tag.clone(),
            n: 1,
        }
        .new_job()
        .schedule_in(Duration::from_millis(500))
        .insert(&jobs)
        .await
        .unwrap();
        assert_eq!(job.state, JobState::Scheduled);
        let done = wait_state(&jobs, job.id, JobState::Completed).await;
        assert!(
            done.attempted_at.unwrap() >= job.scheduled_at,
            "not before it was due"
        );
        assert_eq!(probe(&tag).logged(), ["1"]);
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insert_all_inserts_every_job_and_runs_them() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let tag = tag("insert-all");
        let batch = (0..50).map(|n| {
            Record {
                tag: tag.clone(),
                n,
            }
            .new_job()
        });
        let inserted = jobs.insert_all(batch).await.unwrap();
        assert_eq!(inserted.len(), 50);
        for job in &inserted {
            wait_state(&jobs, job.id, JobState::Completed).await;
        }
        let mut logged: Vec<i64> = probe(&tag)
            .logged()
            .iter()
            .map(|n| n.parse().unwrap())
            .collect();
        logged.sort_unstable();
        assert_eq!(logged, (0..50).collect::<Vec<_>>());
        let stats = jobs.stats().await.unwrap();
        assert_eq!(
            stats.queue("default").unwrap().count(JobState::Completed),
            50
        );
        jobs.shutdown().await.unwrap();
    }
}
