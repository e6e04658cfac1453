//! `insert_in`: a job inserted in the caller's own transaction exists exactly when it commits.

use crate::support::{self, Engine};
use crate::workers::{Record, probe, register, tag};
use crate::{node, wait_state};
use otp_jobs::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_job_inserted_in_a_rolled_back_transaction_does_not_exist() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let tag = tag("tx");
        let record = |n| {
            Record {
                tag: tag.clone(),
                n,
            }
            .new_job()
        };
        let (rolled_back, committed) = match engine {
            Engine::Sqlite => {
                let pool = db.sqlite_pool().await;
                let mut tx = pool.begin().await.unwrap();
                let rolled_back = record(1).insert_in(&mut *tx).await.unwrap();
                tx.rollback().await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                let committed = record(2).insert_in(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
                (rolled_back, committed)
            }
            Engine::Postgres => {
                let pool = db.pg_pool().await;
                let mut tx = pool.begin().await.unwrap();
                let rolled_back = record(1).insert_in(&mut *tx).await.unwrap();
                tx.rollback().await.unwrap();
                let mut tx = pool.begin().await.unwrap();
                let committed = record(2).insert_in(&mut *tx).await.unwrap();
                tx.commit().await.unwrap();
                (rolled_back, committed)
            }
        };
        // The stager wakes the queue for the committed job; nothing else told it.
        wait_state(&jobs, committed.id, JobState::Completed).await;
        assert!(
            jobs.job(rolled_back.id).await.unwrap().is_none() || rolled_back.id == committed.id
        );
        assert_eq!(probe(&tag).logged(), ["2"]);
        let _ = register; // the node registered every worker
        jobs.shutdown().await.unwrap();
    }
}
