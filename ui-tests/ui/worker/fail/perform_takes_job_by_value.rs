// mistakes: 1
// `perform` taking the job by value.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers")]
impl SendEmail {
    async fn perform(self, job: Job) -> Result<(), JobError> {
        println!("attempt {}: sending {} to user {}", job.attempt, self.template, self.user_id);
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
