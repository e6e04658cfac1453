//! Queue control at run time: pause, resume, scale; stats; a queue restarted by its supervisor.

use crate::support::{self, wait_for};
use crate::workers::{Blocking, Record, probe, register, tag};
use crate::{hold_while_another_queue_runs, wait_state};
use otp_jobs::prelude::*;

fn blocking(tag: &str) -> NewJob {
    Blocking {
        tag: tag.to_owned(),
        block: vec![1],
        fail: false,
    }
    .new_job()
}

async fn running(jobs: &Jobs, queue: &str) -> u32 {
    let stats = jobs.stats().await.unwrap();
    stats
        .queue(queue)
        .and_then(|queue| queue.local.clone())
        .map_or(0, |local| local.running)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limit_caps_running_jobs_and_scale_changes_it() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("scale");
        let config = register(db.config()).queue("blocking", 1).node("a");
        let jobs = Jobs::start(config).await.unwrap();
        let first = blocking(&tag).insert(&jobs).await.unwrap();
        let second = blocking(&tag).insert(&jobs).await.unwrap();
        wait_state(&jobs, first.id, JobState::Executing).await;
        // One slot: the second waits while the first runs. The row says executing as soon as
        // the fetch commits; the queue counts the attempt a moment later, when it starts it.
        wait_for("the first attempt to be counted", || async {
            (running(&jobs, "blocking").await == 1).then_some(())
        })
        .await;
        assert_eq!(
            jobs.job(second.id).await.unwrap().unwrap().state,
            JobState::Available
        );

        jobs.scale_queue("blocking", 2).await.unwrap();
        wait_state(&jobs, second.id, JobState::Executing).await;
        assert_eq!(running(&jobs, "blocking").await, 2);
        let local = jobs
            .stats()
            .await
            .unwrap()
            .queue("blocking")
            .unwrap()
            .local
            .clone()
            .unwrap();
        assert_eq!(
            (local.limit, local.paused, local.stalled),
            (2, false, false)
        );
        assert!(local.last_fetch.is_some());

        probe(&tag).gate.add_permits(2);
        wait_state(&jobs, first.id, JobState::Completed).await;
        wait_state(&jobs, second.id, JobState::Completed).await;
        assert!(matches!(
            jobs.scale_queue_local("nope", 1).await,
            Err(JobsError::UnknownQueue(_))
        ));
        assert!(matches!(
            jobs.scale_queue("blocking", 0).await,
            Err(JobsError::Config(_))
        ));
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paused_queue_fetches_nothing_until_resumed() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("pause");
        let config = register(db.config())
            .queue("default", 5)
            .queue("other", 5)
            .node("a");
        let jobs = Jobs::start(config).await.unwrap();
        // The queue's first fetch done: no fetch under way when it is paused.
        wait_for("the first fetch", || async {
            let stats = jobs.stats().await.unwrap();
            stats
                .queue("default")?
                .local
                .as_ref()?
                .last_fetch
                .map(|_| ())
        })
        .await;
        jobs.pause_queue("default").await.unwrap();
        // A job in another queue, due after several stager rounds, runs meanwhile.
        let held = hold_while_another_queue_runs(&jobs, &jobs, &tag).await;
        assert_eq!(held.state, JobState::Available);
        let stats = jobs.stats().await.unwrap();
        let local = stats.queue("default").unwrap().local.clone().unwrap();
        assert!(local.paused && !local.stalled);

        jobs.resume_queue("default").await.unwrap();
        wait_state(&jobs, held.id, JobState::Completed).await;
        assert_eq!(probe(&tag).logged(), ["2", "1"]);
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_killed_mid_job_is_restarted_and_records_the_outcome() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("restart");
        let config = register(db.config()).queue("blocking", 2).node("a");
        let app = otp_core::supervisor! { strategy: one_for_one, children: [ Jobs(config) ] }
            .start()
            .await
            .unwrap();
        let jobs = app
            .child::<Jobs>("Jobs")
            .await
            .unwrap()
            .expect("a running Jobs");
        let job = blocking(&tag).insert(&jobs).await.unwrap();
        wait_state(&jobs, job.id, JobState::Executing).await;

        let processes = otp_core::SupervisorRef::from_pid(
            &otp_core::SupervisorRef::from_pid(&jobs.pid())
                .unwrap()
                .child_pid("processes")
                .await
                .unwrap()
                .unwrap(),
        )
        .unwrap();
        let queue = processes
            .child_pid("queue:blocking")
            .await
            .unwrap()
            .unwrap();
        queue.kill();
        let restarted = wait_for("the queue to restart", || async {
            processes
                .child_pid("queue:blocking")
                .await
                .unwrap()
                .filter(|pid| *pid != queue)
        })
        .await;
        assert!(restarted.is_alive());
        // The attempt survived the queue's crash; its outcome is recorded by the new queue.
        probe(&tag).gate.add_permits(1);
        wait_state(&jobs, job.id, JobState::Completed).await;
        let other = blocking(&tag).insert(&jobs).await.unwrap();
        probe(&tag).gate.add_permits(1);
        wait_state(&jobs, other.id, JobState::Completed).await;
        app.stop(otp_core::ExitReason::Shutdown).await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_that_cannot_fetch_is_flagged_stalled() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("stalled");
        let config = register(db.config()).queue("default", 5).node("a");
        let jobs = Jobs::start(config).await.unwrap();
        jobs.pause_queue("default").await.unwrap();
        let job = Record {
            tag: tag.clone(),
            n: 1,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        // The database's write lock held elsewhere: the queue's fetch waits on it.
        let (mut sqlite_holder, mut pg_holder) = (None, None);
        match engine {
            support::Engine::Sqlite => {
                let pool = db.sqlite_pool().await;
                let mut conn = pool.acquire().await.unwrap();
                sqlx::query("BEGIN IMMEDIATE")
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                sqlite_holder = Some((pool, conn));
            }
            support::Engine::Postgres => {
                // EXCLUSIVE: reads (the stats) go on, updates (the fetch) wait.
                let pool = db.pg_pool().await;
                let mut conn = pool.acquire().await.unwrap();
                sqlx::query("BEGIN").execute(&mut *conn).await.unwrap();
                sqlx::query("LOCK TABLE otp_jobs IN EXCLUSIVE MODE")
                    .execute(&mut *conn)
                    .await
                    .unwrap();
                pg_holder = Some((pool, conn));
            }
        }
        jobs.resume_queue("default").await.unwrap();
        wait_for("the queue to be flagged stalled", || async {
            let stats = jobs.stats().await.unwrap();
            stats
                .queue("default")?
                .local
                .as_ref()?
                .stalled
                .then_some(())
        })
        .await;
        if let Some((pool, mut conn)) = sqlite_holder {
            sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
            drop(conn);
            pool.close().await;
        }
        if let Some((pool, mut conn)) = pg_holder {
            sqlx::query("ROLLBACK").execute(&mut *conn).await.unwrap();
            drop(conn);
            pool.close().await;
        }
        wait_state(&jobs, job.id, JobState::Completed).await;
        let stats = jobs.stats().await.unwrap();
        assert!(
            !stats
                .queue("default")
                .unwrap()
                .local
                .as_ref()
                .unwrap()
                .stalled
        );
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_processes_stopped_and_restarted_together_run_jobs_again() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("restart-all");
        let config = register(db.config()).queue("default", 2).node("a");
        let jobs = Jobs::start(config).await.unwrap();
        let top = otp_core::SupervisorRef::from_pid(&jobs.pid()).unwrap();
        // Stopped as at a shutdown (the drainer stops first), then started again.
        top.terminate_child("processes").await.unwrap();
        assert!(jobs.stats().await.unwrap().stopping);
        top.restart_child("processes").await.unwrap();
        let job = Record {
            tag: tag.clone(),
            n: 1,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        wait_state(&jobs, job.id, JobState::Completed).await;
        assert!(!jobs.stats().await.unwrap().stopping);
        jobs.shutdown().await.unwrap();
    }
}
