//! A queue process killed (or crashing) while it records a batch of outcomes: the restarted
//! queue records them, so that no job stays executing on a node that lives (the lifeline rescues
//! only dead nodes' jobs). The store is wrapped so that its first batch of completions stops at
//! the worst moment, where the test kills the queue; nothing sleeps to find the moment.

use super::lock;
use crate::runtime::intercepted::{Intercept, Intercepted};
use crate::store::postgres::tests::support::TestDb;
use crate::store::{CompletionOutcome, CompletionRequest, Store, StoreFuture};
use crate::{Job, JobError, JobState, Jobs, JobsConfig, Worker, WorkerExt};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::oneshot;

/// Where the first batch of completions stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Moment {
    /// Before the batch reaches the database: nothing of it is recorded.
    BeforeRecording,
    /// After the database committed it, before the queue hears back.
    AfterRecording,
    /// The queue's own code panics while the batch is under way.
    Panic,
}

/// Stops the first non-empty `complete` at `moment` and says so on `entered`; every other call
/// goes through.
struct Gated {
    moment: Moment,
    entered: Mutex<Option<oneshot::Sender<Vec<i64>>>>,
}

impl Intercept for Gated {
    fn complete<'a>(
        &'a self,
        inner: &'a dyn Store,
        batch: Vec<CompletionRequest>,
    ) -> StoreFuture<'a, Vec<CompletionOutcome>> {
        let entered = if batch.is_empty() {
            None
        } else {
            lock(&self.entered).take()
        };
        let Some(entered) = entered else {
            return inner.complete(batch);
        };
        let ids: Vec<i64> = batch.iter().map(|request| request.job_id).collect();
        let moment = self.moment;
        Box::pin(async move {
            match moment {
                Moment::BeforeRecording => {}
                Moment::AfterRecording => {
                    inner.complete(batch).await?;
                }
                Moment::Panic => {
                    let _ = entered.send(ids);
                    panic!("a bug in the queue while it records outcomes");
                }
            }
            let _ = entered.send(ids);
            // The queue is killed here.
            std::future::pending().await
        })
    }
}

/// The attempts running now and the jobs ever run twice at once, by test run and job id.
static RUNNING: Mutex<Option<HashMap<(u64, i64), u32>>> = Mutex::new(None);
static OVERLAPS: Mutex<Vec<(u64, i64)>> = Mutex::new(Vec::new());

/// A job that does nothing, watching that no other attempt of it runs at the same time.
#[derive(serde::Serialize, serde::Deserialize)]
struct Watched {
    run: u64,
}

impl Worker for Watched {
    const NAME: &'static str = "Watched";
    const QUEUE: &'static str = "watched";

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        let key = (self.run, job.id);
        {
            let mut running = lock(&RUNNING);
            let count = running
                .get_or_insert_with(HashMap::new)
                .entry(key)
                .or_default();
            *count += 1;
            if *count > 1 {
                lock(&OVERLAPS).push(key);
            }
        }
        tokio::task::yield_now().await;
        if let Some(count) = lock(&RUNNING)
            .get_or_insert_with(HashMap::new)
            .get_mut(&key)
        {
            *count -= 1;
        }
        Ok(())
    }
}

const JOBS: u64 = 40;

/// Kills (or crashes) the queue while its first batch of outcomes stops at `moment`, then
/// checks that every job completes, each in one attempt, none run twice at once.
async fn killed_while_recording(config: JobsConfig, moment: Moment) {
    let inner = config.open_store().await.unwrap();
    let (entered, stopped) = oneshot::channel();
    let gated: Arc<dyn Store> = Arc::new(Intercepted {
        inner,
        test: Gated {
            moment,
            entered: Mutex::new(Some(entered)),
        },
    });
    let config = config
        .worker::<Watched>()
        .queue("watched", 10)
        .node("killed-queue")
        .lease(Duration::from_secs(30));
    let config = JobsConfig {
        store: Arc::new(tokio::sync::OnceCell::new_with(Some(gated))),
        ..config
    };
    let jobs = Jobs::start(config).await.unwrap();
    let run = fastrand::u64(..);
    let inserted = jobs
        .insert_all((0..JOBS).map(|_| Watched { run }.new_job()))
        .await
        .unwrap();

    let batch = stopped.await.expect("a batch of outcomes to record");
    assert!(!batch.is_empty());
    let queue = &jobs.shared.queues["watched"];
    if moment != Moment::Panic {
        let pid = lock(&queue.pid).clone().expect("the queue runs");
        pid.kill();
    }

    let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
    loop {
        let counts = jobs.shared.store.counts().await.unwrap();
        let completed = counts
            .iter()
            .find(|(queue, state, _)| queue == "watched" && *state == JobState::Completed)
            .map_or(0, |(_, _, count)| *count);
        if completed == JOBS {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{moment:?}: not every job completed (batch {batch:?}): {counts:?}"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for job in &inserted {
        let job = jobs.job(job.id).await.unwrap().unwrap();
        assert_eq!(job.state, JobState::Completed, "{moment:?}: {job:?}");
        assert_eq!(job.attempt, 1, "{moment:?}: job {} ran again", job.id);
        assert!(job.errors.is_empty(), "{moment:?}: {job:?}");
    }
    let overlaps: HashSet<i64> = lock(&OVERLAPS)
        .iter()
        .filter(|(of, _)| *of == run)
        .map(|(_, id)| *id)
        .collect();
    assert!(
        overlaps.is_empty(),
        "{moment:?}: ran twice at once: {overlaps:?}"
    );
    jobs.shutdown().await.unwrap();
}

const MOMENTS: [Moment; 3] = [
    Moment::BeforeRecording,
    Moment::AfterRecording,
    Moment::Panic,
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_killed_while_recording_outcomes_leaves_no_job_executing_on_sqlite() {
    for moment in MOMENTS {
        let path = std::env::temp_dir().join(format!(
            "otp-jobs-killed-queue-{}-{}.db",
            std::process::id(),
            fastrand::u64(..)
        ));
        killed_while_recording(JobsConfig::sqlite(&path), moment).await;
        for suffix in ["", "-wal", "-shm"] {
            let mut file = path.clone().into_os_string();
            file.push(suffix);
            let _ = std::fs::remove_file(file);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_queue_killed_while_recording_outcomes_leaves_no_job_executing_on_postgres() {
    for moment in MOMENTS {
        let Some(db) = TestDb::new().await else {
            return;
        };
        killed_while_recording(JobsConfig::postgres(db.url()), moment).await;
    }
}
