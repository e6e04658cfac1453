// A worker inserted and run: drained in manual mode, its outcomes counted.
use std::sync::atomic::{AtomicI64, Ordering};

use otp_jobs::prelude::*;
use otp_jobs::testing::DrainOptions;
use serde::{Deserialize, Serialize};

static SENT_TO: AtomicI64 = AtomicI64::new(0);

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers", max_attempts = 3)]
impl SendEmail {
    async fn perform(self, job: &Job) -> Result<(), JobError> {
        assert_eq!(job.queue, "mailers");
        assert_eq!(job.max_attempts, 3);
        if self.template.is_empty() {
            return Err(JobError::cancel("no template"));
        }
        SENT_TO.store(self.user_id, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = JobsConfig::sqlite_memory()
        .queue("mailers", 10)
        .worker::<SendEmail>()
        .testing(Testing::Manual);
    let jobs = Jobs::start_link(config).await?;
    let welcome = SendEmail { user_id: 42, template: "welcome".into() };
    let job = welcome.new_job().insert(&jobs).await?;
    assert_eq!(job.worker, SendEmail::NAME);
    let blank = SendEmail { user_id: 7, template: String::new() };
    blank.new_job().insert(&jobs).await?;

    let report = jobs.drain_queue(DrainOptions::new("mailers")).await?;
    assert_eq!((report.completed, report.cancelled), (1, 1));
    assert_eq!(SENT_TO.load(Ordering::SeqCst), 42);
    Ok(())
}
