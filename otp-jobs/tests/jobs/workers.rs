//! The workers the tests run, written by hand (`impl Worker`), and the probes they report to.

use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

/// What one test's workers did, by the test's tag.
pub(crate) struct Probe {
    /// Values recorded, in perform order.
    pub(crate) log: Mutex<Vec<String>>,
    /// Opened by the test to let blocked performs go on.
    pub(crate) gate: Semaphore,
    /// The handle a worker inserts more jobs through.
    pub(crate) jobs: Mutex<Option<Jobs>>,
}

static PROBES: LazyLock<Mutex<HashMap<String, Arc<Probe>>>> = LazyLock::new(Mutex::default);

/// The probe of `tag` (made on first use).
pub(crate) fn probe(tag: &str) -> Arc<Probe> {
    Arc::clone(PROBES.lock().unwrap().entry(tag.to_owned()).or_default())
}

/// A fresh tag for one test on one engine.
pub(crate) fn tag(test: &str) -> String {
    format!("{test}-{:08x}", fastrand::u32(..))
}

impl Default for Probe {
    fn default() -> Self {
        Self {
            log: Mutex::default(),
            gate: Semaphore::new(0),
            jobs: Mutex::default(),
        }
    }
}

impl Probe {
    pub(crate) fn record(&self, value: impl Into<String>) {
        self.log.lock().unwrap().push(value.into());
    }

    pub(crate) fn logged(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }
}

/// Records `n` under `tag`.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Record {
    pub(crate) tag: String,
    pub(crate) n: i64,
}

impl Worker for Record {
    const NAME: &'static str = "Record";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        probe(&self.tag).record(self.n.to_string());
        Ok(())
    }
}

/// Ends as `kind` says: ok, error, panic, cancel, snooze.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Outcome {
    pub(crate) kind: String,
}

impl Worker for Outcome {
    const NAME: &'static str = "Outcome";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        match self.kind.as_str() {
            "ok" => Ok(()),
            "error" => Err(JobError::msg("it went wrong")),
            "panic" => panic!("boom"),
            "cancel" => Err(JobError::cancel("not wanted")),
            "snooze" => Err(JobError::snooze(Duration::from_secs(600))),
            other => Err(JobError::msg(format!("unknown kind {other}"))),
        }
    }
}

/// Sleeps `ms`; stopped after 200 ms.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Slow {
    pub(crate) ms: u64,
}

impl Worker for Slow {
    const NAME: &'static str = "Slow";
    const TIMEOUT: Option<Duration> = Some(Duration::from_millis(200));

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        tokio::time::sleep(Duration::from_millis(self.ms)).await;
        Ok(())
    }
}

/// Always fails; 3 attempts, 20 ms apart (a per-worker backoff).
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct AlwaysFails {
    pub(crate) tag: String,
}

impl Worker for AlwaysFails {
    const NAME: &'static str = "AlwaysFails";
    const MAX_ATTEMPTS: u32 = 3;

    fn backoff(_attempt: u32) -> Duration {
        Duration::from_millis(20)
    }

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        probe(&self.tag).record(format!("attempt {}", job.attempt));
        Err(JobError::msg(format!("failure {}", job.attempt)))
    }
}

/// Records "start <node> <attempt>", waits at the gate on the attempts listed in `block`, then
/// records "end"; a blocked attempt fails if `fail`, every other succeeds.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Blocking {
    pub(crate) tag: String,
    pub(crate) block: Vec<u32>,
    pub(crate) fail: bool,
}

impl Worker for Blocking {
    const NAME: &'static str = "Blocking";
    const QUEUE: &'static str = "blocking";

    async fn perform(self, job: &Job) -> Result<(), JobError> {
        let probe = probe(&self.tag);
        let node = job.attempted_by.clone().unwrap_or_default();
        probe.record(format!("start {node} {}", job.attempt));
        if self.block.contains(&job.attempt) {
            probe.gate.acquire().await.unwrap().forget();
        }
        probe.record(format!("end {node} {}", job.attempt));
        if self.fail && self.block.contains(&job.attempt) {
            Err(JobError::msg("late failure"))
        } else {
            Ok(())
        }
    }
}

/// Inserts `Chain { left - 1 }` through the probe's handle until `left` is 0.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Chain {
    pub(crate) tag: String,
    pub(crate) left: u32,
}

impl Worker for Chain {
    const NAME: &'static str = "Chain";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        let probe = probe(&self.tag);
        probe.record(self.left.to_string());
        if self.left > 0 {
            let jobs = probe.jobs.lock().unwrap().clone().expect("a handle");
            Chain {
                tag: self.tag.clone(),
                left: self.left - 1,
            }
            .new_job()
            .insert(&jobs)
            .await
            .map_err(JobError::msg)?;
        }
        Ok(())
    }
}

/// Unique by `report_id` only, for 60 s.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Report {
    pub(crate) report_id: i64,
    pub(crate) note: String,
}

impl Worker for Report {
    const NAME: &'static str = "Report";
    const UNIQUE: Option<Unique> = Some(
        Unique::new()
            .fields(&[UniqueField::Args, UniqueField::Worker])
            .keys(&["report_id"]),
    );

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// Never registered on any node.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct Unregistered {
    pub(crate) n: i64,
}

impl Worker for Unregistered {
    const NAME: &'static str = "Unregistered";
    const MAX_ATTEMPTS: u32 = 1;

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// Stored under `Record`'s name with arguments `Record` cannot read.
#[derive(Serialize, Deserialize, Debug, Clone)]
pub(crate) struct NotARecord {
    pub(crate) wrong: bool,
}

impl Worker for NotARecord {
    const NAME: &'static str = "Record";
    const MAX_ATTEMPTS: u32 = 1;

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

/// Every worker above but `Unregistered` (and `NotARecord`, whose name is `Record`'s).
pub(crate) fn register(config: JobsConfig) -> JobsConfig {
    config
        .worker::<Record>()
        .worker::<Outcome>()
        .worker::<Slow>()
        .worker::<AlwaysFails>()
        .worker::<Blocking>()
        .worker::<Chain>()
        .worker::<Report>()
}
