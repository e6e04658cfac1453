// mistakes: 1
// A job that may never be attempted.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers", max_attempts = 0)]
impl SendEmail {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        println!("sending {} to user {}", self.template, self.user_id);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = JobsConfig::sqlite_memory()
        .queue("mailers", 10)
        .worker::<SendEmail>();
    let jobs = Jobs::start_link(config).await?;
    SendEmail { user_id: 1, template: "welcome".into() }
        .new_job()
        .insert(&jobs)
        .await?;
    Ok(())
}
