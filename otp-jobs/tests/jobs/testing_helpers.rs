//! The testing helpers: manual mode, `drain_queue`, `perform_job`, enqueued assertions.

use crate::support;
use crate::workers::{AlwaysFails, Chain, Outcome, Record, probe, register, tag};
use otp_jobs::prelude::*;
use otp_jobs::testing::{DrainOptions, DrainReport, Filter, perform_job};
use serde_json::json;
use std::time::Duration;

async fn manual(db: &support::Db) -> Jobs {
    Jobs::start(
        register(db.config())
            .queue("default", 5)
            .testing(Testing::Manual),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_queue_counts_outcomes_and_runs_scheduled_jobs_when_asked() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = manual(&db).await;
        let tag = tag("drain");
        for kind in ["ok", "ok", "error", "cancel", "snooze"] {
            Outcome { kind: kind.into() }
                .new_job()
                .insert(&jobs)
                .await
                .unwrap();
        }
        AlwaysFails { tag: tag.clone() }
            .new_job()
            .max_attempts(1)
            .insert(&jobs)
            .await
            .unwrap();
        let later = Record {
            tag: tag.clone(),
            n: 9,
        }
        .new_job()
        .schedule_in(Duration::from_secs(3600))
        .insert(&jobs)
        .await
        .unwrap();
        // Manual: nothing ran by itself.
        assert_eq!(jobs.all_enqueued(Filter::any()).await.unwrap().len(), 7);

        let report = jobs
            .drain_queue(DrainOptions::new("default"))
            .await
            .unwrap();
        let counts = |report: DrainReport| {
            let DrainReport {
                completed,
                retryable,
                discarded,
                cancelled,
                snoozed,
                ..
            } = report;
            [completed, retryable, discarded, cancelled, snoozed]
        };
        assert_eq!(counts(report), [2, 1, 1, 1, 1]);
        assert_eq!(
            jobs.job(later.id).await.unwrap().unwrap().state,
            JobState::Scheduled
        );

        let report = jobs
            .drain_queue(DrainOptions::new("default").with_scheduled(true))
            .await
            .unwrap();
        // The scheduled record, the retryable error and the snoozed job.
        assert_eq!(
            (report.completed, report.retryable, report.snoozed),
            (1, 1, 1)
        );
        assert_eq!(probe(&tag).logged(), ["attempt 1", "9"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drain_queue_with_recursion_runs_the_jobs_drained_jobs_insert() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = manual(&db).await;
        let once = tag("once");
        *probe(&once).jobs.lock().unwrap() = Some(jobs.clone());
        Chain {
            tag: once.clone(),
            left: 3,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        let report = jobs
            .drain_queue(DrainOptions::new("default"))
            .await
            .unwrap();
        assert_eq!(report.completed, 1);
        assert_eq!(probe(&once).logged(), ["3"]);
        jobs.assert_enqueued(Filter::worker::<Chain>().args(json!({"left": 2})))
            .await;

        let report = jobs
            .drain_queue(DrainOptions::new("default").with_recursion(true))
            .await
            .unwrap();
        assert_eq!(report.completed, 3);
        assert_eq!(probe(&once).logged(), ["3", "2", "1", "0"]);
        jobs.refute_enqueued(Filter::worker::<Chain>()).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enqueued_queries_filter_by_worker_queue_and_args() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = manual(&db).await;
        Record {
            tag: "a".into(),
            n: 1,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        Record {
            tag: "b".into(),
            n: 2,
        }
        .new_job()
        .queue("other")
        .insert(&jobs)
        .await
        .unwrap();
        Outcome { kind: "ok".into() }
            .new_job()
            .insert(&jobs)
            .await
            .unwrap();

        let records = jobs.all_enqueued(Filter::worker::<Record>()).await.unwrap();
        assert_eq!(records.len(), 2);
        let in_other = Filter::worker::<Record>().queue("other");
        assert_eq!(
            jobs.all_enqueued(in_other).await.unwrap()[0].args["tag"],
            "b"
        );
        jobs.assert_enqueued(Filter::worker::<Record>().args(json!({"n": 1})))
            .await;
        jobs.refute_enqueued(Filter::worker::<Record>().args(json!({"n": 3})))
            .await;
        jobs.refute_enqueued(Filter::worker::<Outcome>().queue("other"))
            .await;

        let missing = tokio::spawn({
            let jobs = jobs.clone();
            async move { jobs.assert_enqueued(Filter::worker::<Chain>()).await }
        })
        .await
        .unwrap_err();
        let message = missing.into_panic();
        let message = message.downcast_ref::<String>().unwrap();
        assert!(message.contains("expected a job matching"), "{message}");
        assert!(message.contains("Record in default"), "{message}");
    }
}

#[tokio::test]
async fn perform_job_runs_a_worker_through_json_without_a_database() {
    assert!(perform_job(Outcome { kind: "ok".into() }).await.is_ok());
    let error = perform_job(Outcome {
        kind: "cancel".into(),
    })
    .await
    .unwrap_err();
    assert_eq!(
        error.outcome(),
        &otp_jobs::FailedOutcome::Cancel("not wanted".into())
    );
    let tag = tag("perform-job");
    perform_job(Record {
        tag: tag.clone(),
        n: 5,
    })
    .await
    .unwrap();
    assert_eq!(probe(&tag).logged(), ["5"]);
}
