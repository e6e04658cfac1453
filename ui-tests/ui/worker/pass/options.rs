// Every option of `#[worker]`, read back from the generated `Worker` impl.
use std::time::Duration;

use otp_jobs::{Job, JobError, JobState, Unique, UniqueField, Worker, worker};
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct GenerateReport {
    report_id: u64,
    format: String,
}

#[worker(
    queue = "reports",
    max_attempts = 3,
    priority = 1,
    timeout = "30s",
    name = "reports.generate",
    unique(period = "5m", fields(args, worker), keys(report_id), states(available, scheduled))
)]
impl GenerateReport {
    async fn perform(self, job: &Job) -> Result<(), JobError> {
        if job.attempt > 1 && self.format.is_empty() {
            return Err(JobError::cancel("no format"));
        }
        let _ = self.report_id;
        Ok(())
    }

    fn backoff(attempt: u32) -> Duration {
        Duration::from_secs(u64::from(attempt) * 10)
    }
}

#[derive(Serialize, Deserialize)]
struct Ping;

#[worker]
impl Ping {
    async fn perform(&self) {}
}

mod mailers {
    use otp_jobs::{Job, worker};

    #[derive(serde::Serialize, serde::Deserialize)]
    pub(crate) struct SendEmail {
        pub(crate) user_id: i64,
    }

    #[worker(queue = "mailers")]
    impl SendEmail {
        async fn perform(self, _job: &Job) {
            let _ = self.user_id;
        }
    }
}

pub(crate) fn main() {
    assert_eq!(GenerateReport::NAME, "reports.generate");
    assert_eq!(GenerateReport::QUEUE, "reports");
    assert_eq!(GenerateReport::MAX_ATTEMPTS, 3);
    assert_eq!(GenerateReport::PRIORITY, 1);
    assert_eq!(GenerateReport::TIMEOUT, Some(Duration::from_secs(30)));
    assert_eq!(
        GenerateReport::UNIQUE,
        Some(
            Unique::new()
                .period(Duration::from_secs(300))
                .fields(&[UniqueField::Args, UniqueField::Worker])
                .keys(&["report_id"])
                .states(&[JobState::Available, JobState::Scheduled])
        )
    );
    assert_eq!(<GenerateReport as Worker>::backoff(2), Duration::from_secs(20));

    assert!(Ping::NAME.ends_with("::Ping"), "the path of the type: {}", Ping::NAME);
    assert_eq!(Ping::QUEUE, "default");
    assert_eq!(Ping::MAX_ATTEMPTS, 20);
    assert_eq!(Ping::UNIQUE, None);

    // The default name is the type's path, module included.
    assert!(mailers::SendEmail::NAME.ends_with("::mailers::SendEmail"));
    assert_eq!(mailers::SendEmail::QUEUE, "mailers");
}
