//! PostgreSQL going away under a running node: every connection it has is terminated (as a
//! server restart does); its queues, stager and listener reconnect and go on, and an insert
//! after the outage succeeds.

#[path = "support/postgres.rs"]
mod postgres;

use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

#[derive(Debug, Serialize, Deserialize)]
struct Noop {
    n: u32,
}

impl Worker for Noop {
    const NAME: &'static str = "pg_faults::Noop";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

async fn wait_completed(jobs: &Jobs, id: i64) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        // Reads may fail while the connections come back.
        if let Ok(Some(job)) = jobs.job(id).await
            && job.state == JobState::Completed
        {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "job {id} never completed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_goes_on_after_its_connections_are_killed() {
    let Some(db) = postgres::TestDb::new().await else {
        return;
    };
    let config = JobsConfig::postgres(db.url())
        .node("a")
        .queue("default", 5)
        .worker::<Noop>()
        .stage_interval(Duration::from_millis(100))
        .lease(Duration::from_secs(3));
    let jobs = Jobs::start(config).await.unwrap();
    let first = Noop { n: 1 }.new_job().insert(&jobs).await.unwrap();
    wait_completed(&jobs, first.id).await;

    for round in 0..3 {
        assert!(
            db.kill_connections().await > 0,
            "round {round}: no connection"
        );
        // The pool replaces a dead connection when it is next used: the insert goes through.
        let job = Noop { n: round + 2 }.new_job().insert(&jobs).await.unwrap();
        wait_completed(&jobs, job.id).await;
    }
    // Scheduled jobs still come due: the stager reconnected too.
    let later = Noop { n: 9 }
        .new_job()
        .schedule_in(Duration::from_millis(300))
        .insert(&jobs)
        .await
        .unwrap();
    wait_completed(&jobs, later.id).await;
    jobs.shutdown().await.unwrap();
}
