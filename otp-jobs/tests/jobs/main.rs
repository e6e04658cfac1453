//! The jobs runtime through its public API, each test on every engine.

#[path = "../support/mod.rs"]
mod support;
mod workers;

mod nodes;
mod options;
mod performs;
mod queues;
mod scheduling;
mod testing_helpers;
mod transactions;
mod unique;

use otp_jobs::prelude::*;
use std::time::Duration;

/// Waits until job `id` reaches `state`, and returns it.
async fn wait_state(jobs: &Jobs, id: i64, state: JobState) -> Job {
    support::wait_for(&format!("job {id} to be {state}"), || async {
        jobs.job(id).await.unwrap().filter(|job| job.state == state)
    })
    .await
}

/// A running node on `db` with every test worker and queues `default` (10) and `blocking` (10).
async fn node(db: &support::Db, name: &str) -> Jobs {
    let config = workers::register(db.config())
        .queue("default", 10)
        .queue("blocking", 10)
        .node(name)
        .shutdown_grace(Duration::from_secs(5));
    Jobs::start(config).await.unwrap()
}
