//! Nodes: the lifeline rescuing a dead node's jobs, fencing its late completion, graceful
//! shutdown, the pruner, cron on the leader only.

use crate::support::{self, wait_for};
use crate::workers::{Blocking, Record, probe, register, tag};
use crate::{hold_while_another_queue_runs, node, wait_state};
use otp_jobs::prelude::*;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_nodes_job_is_rescued_and_its_late_completion_fenced() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("fencing");
        // Node a renews its heartbeat only every 20 s: declared dead, it stays dead.
        let a = Jobs::start(
            register(db.config())
                .queue("blocking", 1)
                .node("a")
                .lease(Duration::from_secs(60)),
        )
        .await
        .unwrap();
        let job = Blocking {
            tag: tag.clone(),
            block: vec![1],
            fail: true,
        }
        .new_job()
        .insert(&a)
        .await
        .unwrap();
        wait_state(&a, job.id, JobState::Executing).await;
        wait_for("a's attempt to start", || async {
            probe(&tag)
                .logged()
                .contains(&"start a 1".to_owned())
                .then_some(())
        })
        .await;

        // Node b rescues every 100 ms; a is declared dead.
        let b = Jobs::start(
            register(db.config())
                .queue("blocking", 1)
                .node("b")
                .lease(Duration::from_millis(300)),
        )
        .await
        .unwrap();
        db.expire_node("a").await;
        let done = wait_state(&b, job.id, JobState::Completed).await;
        assert_eq!(done.attempted_by.as_deref(), Some("b"));
        assert_eq!(done.attempt, 2);
        assert_eq!(done.errors[0].error, "node a died during attempt 1");

        // a's attempt ends, with a failure: its completion is refused.
        probe(&tag).gate.add_permits(1);
        wait_for("a's queue to settle", || async {
            let stats = a.stats().await.unwrap();
            let local = stats.queue("blocking")?.local.clone()?;
            (local.running == 0 && probe(&tag).logged().contains(&"end a 1".to_owned()))
                .then_some(())
        })
        .await;
        let after = a.job(job.id).await.unwrap().unwrap();
        assert_eq!(
            after.state,
            JobState::Completed,
            "the second attempt's outcome stays"
        );
        assert_eq!(after.attempted_by.as_deref(), Some("b"));
        assert_eq!(after.errors.len(), 1);
        a.shutdown().await.unwrap();
        b.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_waits_for_running_jobs_within_the_grace() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("grace");
        let jobs = node(&db, "a").await;
        let job = Blocking {
            tag: tag.clone(),
            block: vec![1],
            fail: false,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        wait_state(&jobs, job.id, JobState::Executing).await;
        let stopping = tokio::spawn({
            let jobs = jobs.clone();
            async move { jobs.shutdown().await }
        });
        // New jobs are not fetched once shutdown began; the running one finishes.
        wait_for("shutdown to begin", || async {
            jobs.stats().await.unwrap().stopping.then_some(())
        })
        .await;
        let later = Record {
            tag: tag.clone(),
            n: 1,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        probe(&tag).gate.add_permits(1);
        stopping.await.unwrap().unwrap();
        let job = jobs.job(job.id).await.unwrap().unwrap();
        assert_eq!(job.state, JobState::Completed);
        let later = jobs.job(later.id).await.unwrap().unwrap();
        assert_eq!(
            later.state,
            JobState::Available,
            "nothing is fetched once stopping"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn past_the_grace_a_job_is_stopped_and_run_again_after_restart() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("past-grace");
        let config = register(db.config())
            .queue("blocking", 1)
            .node("a")
            .shutdown_grace(Duration::from_millis(200));
        let jobs = Jobs::start(config.clone()).await.unwrap();
        let job = Blocking {
            tag: tag.clone(),
            block: vec![1],
            fail: false,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        wait_state(&jobs, job.id, JobState::Executing).await;
        jobs.shutdown().await.unwrap();
        let left = jobs.job(job.id).await.unwrap().unwrap();
        assert_eq!(left.state, JobState::Executing, "left for the lifeline");
        assert!(
            jobs.stats().await.unwrap().nodes.is_empty(),
            "a's heartbeat is gone"
        );

        let again = Jobs::start(config).await.unwrap();
        let done = wait_state(&again, job.id, JobState::Completed).await;
        assert_eq!(done.attempt, 2);
        assert_eq!(probe(&tag).logged(), ["start a 1", "start a 2", "end a 2"]);
        again.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_killed_and_started_again_under_its_name_runs_no_job_twice_at_once() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("killed-restarted");
        let config = register(db.config()).queue("blocking", 1).node("a");
        let first = Jobs::start(config.clone()).await.unwrap();
        let job = Blocking {
            tag: tag.clone(),
            block: vec![1],
            fail: false,
        }
        .new_job()
        .insert(&first)
        .await
        .unwrap();
        wait_for("attempt 1 to start", || async {
            probe(&tag)
                .logged()
                .contains(&"start a 1".to_owned())
                .then_some(())
        })
        .await;
        // Killed with its whole tree, as a parent supervisor's brutal kill does, then started
        // again under the same name (the parent's restart): attempt 1 must not go on beside
        // attempt 2.
        let pid = first.pid();
        pid.kill();
        pid.wait_exit().await;
        let again = Jobs::start(config).await.unwrap();
        let done = wait_state(&again, job.id, JobState::Completed).await;
        assert_eq!(done.attempt, 2);
        // A permit given now goes to attempt 1 if it still waits at the gate; it was stopped,
        // so the permit is there to take.
        probe(&tag).gate.add_permits(1);
        assert!(
            probe(&tag).gate.try_acquire().is_ok(),
            "attempt 1 was still running beside attempt 2"
        );
        assert_eq!(probe(&tag).logged(), ["start a 1", "start a 2", "end a 2"]);
        again.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pruner_deletes_old_finished_jobs() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let config = register(db.config())
            .queue("default", 5)
            .prune_after(Duration::ZERO)
            .prune_interval(Duration::from_millis(100));
        let jobs = Jobs::start(config).await.unwrap();
        let kept = Record {
            tag: "p".into(),
            n: 1,
        }
        .new_job()
        .schedule_in(Duration::from_secs(600))
        .insert(&jobs)
        .await
        .unwrap();
        let job = Record {
            tag: "p".into(),
            n: 2,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        wait_for("the completed job to be pruned", || async {
            jobs.job(job.id).await.unwrap().is_none().then_some(())
        })
        .await;
        assert!(
            jobs.job(kept.id).await.unwrap().is_some(),
            "unfinished jobs stay"
        );
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cron_inserts_each_tick_once_from_the_leader() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let tag = tag("cron");
        let start = |name: &str| {
            Jobs::start(register(db.config()).queue("default", 5).node(name).cron(
                "* * * * * *",
                Record {
                    tag: tag.clone(),
                    n: 0,
                },
            ))
        };
        let a = start("a").await.unwrap();
        let b = start("b").await.unwrap();
        let cron_jobs = wait_for("three ticks", || async {
            let all = a
                .all_enqueued(
                    otp_jobs::testing::Filter::worker::<Record>()
                        .args(serde_json::json!({"tag": tag}))
                        .states(&JobState::ALL),
                )
                .await
                .unwrap();
            (all.len() >= 3).then_some(all)
        })
        .await;
        let mut ticks: Vec<_> = cron_jobs
            .iter()
            .map(|job| job.meta["cron_tick"].clone())
            .collect();
        let count = ticks.len();
        ticks.sort_by_key(ToString::to_string);
        ticks.dedup();
        assert_eq!(ticks.len(), count, "one job per tick");
        let leaders: Vec<_> = cron_jobs
            .iter()
            .map(|job| job.meta["inserted_by"].clone())
            .collect();
        assert!(
            leaders.windows(2).all(|pair| pair[0] == pair[1]),
            "{leaders:?}"
        );
        a.shutdown().await.unwrap();
        b.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_cron_expression_fails_the_start() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let config = register(db.config()).cron(
            "not cron",
            Record {
                tag: "x".into(),
                n: 0,
            },
        );
        let error = Jobs::start(config).await.unwrap_err();
        assert!(
            error.to_string().contains("cron expression `not cron`"),
            "{error}"
        );
    }
}

/// The queue `name` as it runs on `jobs`.
async fn local(jobs: &Jobs, name: &str) -> otp_jobs::LocalQueue {
    let stats = jobs.stats().await.unwrap();
    stats.queue(name).unwrap().local.clone().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pause_resume_and_scale_reach_every_node_unless_local() {
    for engine in support::engines().await {
        if engine == support::Engine::Sqlite {
            continue; // one node: the signals stay local (the queues tests)
        }
        let db = engine.db().await;
        let tag = tag("signals");
        let start = |name: &str| {
            Jobs::start(
                register(db.config())
                    .queue("default", 5)
                    .queue("other", 5)
                    .node(name),
            )
        };
        let a = start("a").await.unwrap();
        let b = start("b").await.unwrap();
        // Each queue's first fetch done: none under way on b when its pause arrives.
        for jobs in [&a, &b] {
            wait_for("the first fetch", || async {
                local(jobs, "default").await.last_fetch.map(|_| ())
            })
            .await;
        }

        a.pause_queue("default").await.unwrap();
        assert!(local(&a, "default").await.paused);
        wait_for("b to hear the pause", || async {
            local(&b, "default").await.paused.then_some(())
        })
        .await;
        // A job of another queue, due after several stager rounds, runs meanwhile.
        let held = hold_while_another_queue_runs(&a, &b, &tag).await;
        assert_eq!(held.state, JobState::Available, "neither node fetched it");

        b.resume_queue("default").await.unwrap();
        wait_for("a to hear the resume", || async {
            (!local(&a, "default").await.paused).then_some(())
        })
        .await;
        wait_state(&a, held.id, JobState::Completed).await;

        b.scale_queue("default", 3).await.unwrap();
        assert_eq!(local(&b, "default").await.limit, 3);
        wait_for("a to hear the scale", || async {
            (local(&a, "default").await.limit == 3).then_some(())
        })
        .await;

        // Local only: b hears nothing of a's pause. A later signal from a reaches b (in order),
        // so by then the pause would have too.
        a.pause_queue_local("default").await.unwrap();
        a.scale_queue("other", 4).await.unwrap();
        wait_for("b to hear the later signal", || async {
            (local(&b, "other").await.limit == 4).then_some(())
        })
        .await;
        assert!(local(&a, "default").await.paused);
        assert!(!local(&b, "default").await.paused, "local only");
        b.scale_queue_local("default", 7).await.unwrap();
        b.scale_queue("other", 6).await.unwrap();
        wait_for("a to hear the later signal", || async {
            (local(&a, "other").await.limit == 6).then_some(())
        })
        .await;
        assert_eq!(local(&a, "default").await.limit, 3, "local only");
        assert!(matches!(
            a.pause_queue_local("nope").await,
            Err(JobsError::UnknownQueue(_))
        ));
        // A queue that runs on no node here may run on another: the signal is sent.
        a.pause_queue("elsewhere").await.unwrap();

        a.shutdown().await.unwrap();
        b.shutdown().await.unwrap();
    }
}
