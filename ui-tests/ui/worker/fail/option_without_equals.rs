// mistakes: 1
// An option written without its `=`.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue "mailers", max_attempts = 3)]
impl SendEmail {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        println!("sending {} to user {}", self.template, self.user_id);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let jobs = Jobs::start_link(JobsConfig::sqlite_memory().worker::<SendEmail>()).await?;
    SendEmail { user_id: 1, template: "welcome".into() }
        .new_job()
        .insert(&jobs)
        .await?;
    Ok(())
}
