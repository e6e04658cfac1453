//! Every perform result, backoff and discard, bad arguments and unknown workers.

use crate::support::{self, wait_for};
use crate::workers::{AlwaysFails, NotARecord, Outcome, Record, Slow, Unregistered, probe, tag};
use crate::{node, wait_state};
use otp_jobs::prelude::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_perform_result_ends_in_its_state() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let insert = |kind: &str| {
            Outcome {
                kind: kind.to_owned(),
            }
            .new_job()
            .insert(&jobs)
        };
        let ok = insert("ok").await.unwrap();
        let error = insert("error").await.unwrap();
        let panic = insert("panic").await.unwrap();
        let cancel = insert("cancel").await.unwrap();
        let snooze = insert("snooze").await.unwrap();
        let timeout = Slow { ms: 60_000 }.new_job().insert(&jobs).await.unwrap();

        let ok = wait_state(&jobs, ok.id, JobState::Completed).await;
        assert!(ok.errors.is_empty() && ok.finished_at.is_some());
        assert_eq!((ok.attempt, ok.attempted_by.as_deref()), (1, Some("a")));

        let error = wait_state(&jobs, error.id, JobState::Retryable).await;
        assert_eq!(error.errors.len(), 1);
        assert_eq!(error.errors[0].error, "it went wrong");
        assert_eq!(error.errors[0].attempt, 1);
        // Oban's backoff: 15 + 2^1 seconds, plus up to 10%.
        let delay = error.scheduled_at - error.attempted_at.unwrap();
        assert!(delay.num_milliseconds() >= 16_000, "{delay}");

        let panic = wait_state(&jobs, panic.id, JobState::Retryable).await;
        assert_eq!(panic.errors[0].error, "panicked: boom");

        let cancel = wait_state(&jobs, cancel.id, JobState::Cancelled).await;
        assert_eq!(cancel.errors[0].error, "not wanted");

        let snooze = wait_state(&jobs, snooze.id, JobState::Scheduled).await;
        assert_eq!(snooze.attempt, 0, "a snooze gives the attempt back");
        assert!(snooze.errors.is_empty());

        let timeout = wait_state(&jobs, timeout.id, JobState::Retryable).await;
        assert_eq!(timeout.errors[0].error, "timed out after 200ms");
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_back_off_with_the_worker_override_then_discard() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let tag = tag("discard");
        let job = AlwaysFails { tag: tag.clone() }
            .new_job()
            .insert(&jobs)
            .await
            .unwrap();
        let job = wait_state(&jobs, job.id, JobState::Discarded).await;
        assert_eq!(job.attempt, 3);
        let errors: Vec<_> = job
            .errors
            .iter()
            .map(|error| error.error.as_str())
            .collect();
        assert_eq!(errors, ["failure 1", "failure 2", "failure 3"]);
        assert_eq!(
            probe(&tag).logged(),
            ["attempt 1", "attempt 2", "attempt 3"]
        );

        // Retried with its attempts used up, it gets one more.
        let retried = jobs.retry(job.id).await.unwrap().unwrap();
        assert_eq!(
            (retried.state, retried.max_attempts),
            (JobState::Available, 4)
        );
        let again = support::wait_for("the fourth attempt to fail", || async {
            let job = jobs.job(job.id).await.unwrap()?;
            (job.state == JobState::Discarded && job.attempt == 4).then_some(job)
        })
        .await;
        assert_eq!(again.errors.len(), 4);
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_arguments_and_unknown_workers_fail_their_attempt_only() {
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let unknown = Unregistered { n: 1 }.new_job().insert(&jobs).await.unwrap();
        let bad = NotARecord { wrong: true }
            .new_job()
            .insert(&jobs)
            .await
            .unwrap();
        let tag = tag("bad-args");
        let good = Record {
            tag: tag.clone(),
            n: 1,
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();

        let unknown = wait_state(&jobs, unknown.id, JobState::Discarded).await;
        assert_eq!(
            unknown.errors[0].error,
            "unknown worker `Unregistered`: no worker of that name is registered on node a"
        );
        let bad = wait_state(&jobs, bad.id, JobState::Discarded).await;
        assert!(
            bad.errors[0]
                .error
                .starts_with("the arguments do not deserialize as `Record`: missing field"),
            "{}",
            bad.errors[0].error
        );
        wait_state(&jobs, good.id, JobState::Completed).await;
        assert_eq!(probe(&tag).logged(), ["1"]);
        jobs.shutdown().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancel_fences_a_running_attempt_and_retry_runs_a_job_again() {
    use crate::workers::Blocking;
    for engine in support::engines().await {
        let db = engine.db().await;
        let jobs = node(&db, "a").await;
        let tag = tag("cancel");
        let blocking = Blocking {
            tag: tag.clone(),
            block: vec![1],
            fail: false,
        };
        let job = blocking.new_job().insert(&jobs).await.unwrap();
        wait_state(&jobs, job.id, JobState::Executing).await;
        let cancelled = jobs.cancel(job.id).await.unwrap().unwrap();
        assert_eq!(cancelled.state, JobState::Cancelled);
        // The attempt finishes; its completion is refused.
        probe(&tag).gate.add_permits(1);
        wait_for("the attempt to end", || async {
            probe(&tag)
                .logged()
                .contains(&"end a 1".to_owned())
                .then_some(())
        })
        .await;
        wait_for("the queue to settle", || async {
            let stats = jobs.stats().await.unwrap();
            (stats.queue("blocking")?.local.as_ref()?.running == 0).then_some(())
        })
        .await;
        assert_eq!(
            jobs.job(job.id).await.unwrap().unwrap().state,
            JobState::Cancelled
        );

        let retried = jobs.retry(job.id).await.unwrap().unwrap();
        assert_eq!(retried.state, JobState::Available);
        let done = wait_state(&jobs, job.id, JobState::Completed).await;
        assert_eq!(done.attempt, 2);
        assert!(jobs.cancel(i64::MAX).await.unwrap().is_none());
        jobs.shutdown().await.unwrap();
    }
}
