//! Unique jobs: period, fields, keys, states, the conflict flag, concurrent inserts.

use crate::support;
use crate::workers::{Record, Report, register};
use otp_jobs::prelude::*;
use std::time::Duration;

async fn manual(db: &support::Db) -> Jobs {
    Jobs::start(register(db.config()).testing(Testing::Manual))
        .await
        .unwrap()
}

fn report(id: i64, note: &str) -> NewJob {
    Report {
        report_id: id,
        note: note.to_owned(),
    }
    .new_job()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_duplicate_returns_the_existing_job_marked_as_a_conflict() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = manual(&db).await;
        let first = report(1, "a").insert(&jobs).await.unwrap();
        // Keys: only report_id is compared, so another note is a duplicate.
        let second = report(1, "b").insert(&jobs).await.unwrap();
        let other = report(2, "a").insert(&jobs).await.unwrap();
        assert!(!first.conflict && second.conflict && !other.conflict);
        assert_eq!(second.id, first.id);
        assert_eq!(second.args["note"], "a", "the existing job, unchanged");
        // Fields: args and worker, not the queue.
        let elsewhere = report(1, "c")
            .queue("elsewhere")
            .insert(&jobs)
            .await
            .unwrap();
        assert!(elsewhere.conflict);
        // Not unique: inserted whatever the worker says.
        let forced = report(1, "d").not_unique().insert(&jobs).await.unwrap();
        assert!(!forced.conflict);
        assert_eq!(
            jobs.all_enqueued(otp_jobs::testing::Filter::worker::<Report>())
                .await
                .unwrap()
                .len(),
            3
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_holder_outside_the_states_or_the_period_does_not_conflict() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = manual(&db).await;
        let first = report(1, "a").insert(&jobs).await.unwrap();
        jobs.cancel(first.id).await.unwrap();
        let after_cancel = report(1, "b").insert(&jobs).await.unwrap();
        assert!(
            !after_cancel.conflict,
            "cancelled is not a default unique state"
        );

        let only_available = Unique::new().states(&[JobState::Available]);
        let record = |n| {
            Record { tag: "t".into(), n }
                .new_job()
                .unique(only_available)
        };
        let scheduled = record(1)
            .schedule_in(Duration::from_secs(600))
            .insert(&jobs)
            .await
            .unwrap();
        let again = record(1).insert(&jobs).await.unwrap();
        assert!(
            !again.conflict,
            "the holder is scheduled, a state not compared"
        );
        assert_ne!(again.id, scheduled.id);
        assert!(record(1).insert(&jobs).await.unwrap().conflict);

        let brief = Unique::new().period(Duration::from_millis(300));
        let first = Record {
            tag: "p".into(),
            n: 1,
        }
        .new_job()
        .unique(brief)
        .insert(&jobs)
        .await
        .unwrap();
        let soon = Record {
            tag: "p".into(),
            n: 1,
        }
        .new_job()
        .unique(brief)
        .insert(&jobs)
        .await
        .unwrap();
        assert!(soon.conflict);
        let later = support::wait_for("the period to pass", || async {
            let job = Record {
                tag: "p".into(),
                n: 1,
            }
            .new_job()
            .unique(brief)
            .insert(&jobs)
            .await
            .unwrap();
            (!job.conflict).then_some(job)
        })
        .await;
        assert_ne!(later.id, first.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_inserts_never_duplicate() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let first = manual(&db).await;
        let second = manual(&db).await; // another pool on the same database
        let mut tasks = Vec::new();
        for i in 0..20 {
            let jobs = if i % 2 == 0 {
                first.clone()
            } else {
                second.clone()
            };
            tasks.push(tokio::spawn(async move {
                report(7, &format!("{i}")).insert(&jobs).await.unwrap()
            }));
        }
        let mut ids = Vec::new();
        let mut fresh = 0;
        for task in tasks {
            let job = task.await.unwrap();
            ids.push(job.id);
            fresh += usize::from(!job.conflict);
        }
        ids.dedup();
        assert_eq!(ids.len(), 1, "one job for twenty inserts");
        assert_eq!(fresh, 1);
    }
}
