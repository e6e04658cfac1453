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

/// With queue `default` paused: inserts a job there through `held_on`, and through `other_on`
/// one in queue `other` due after several stager rounds; waits until that one has run and
/// returns the held job (`Record` `n` 1 and 2, both tagged `tag`).
async fn hold_while_another_queue_runs(held_on: &Jobs, other_on: &Jobs, tag: &str) -> Job {
    let held = workers::Record {
        tag: tag.to_owned(),
        n: 1,
    }
    .new_job()
    .insert(held_on)
    .await
    .unwrap();
    let witness = workers::Record {
        tag: tag.to_owned(),
        n: 2,
    }
    .new_job()
    .queue("other")
    .schedule_in(Duration::from_millis(300))
    .insert(other_on)
    .await
    .unwrap();
    wait_state(held_on, witness.id, JobState::Completed).await;
    held_on.job(held.id).await.unwrap().unwrap()
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
