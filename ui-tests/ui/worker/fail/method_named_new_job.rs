// mistakes: 1
// A method of the worker named `new_job`, which would hide `WorkerExt::new_job`.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers")]
impl SendEmail {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        println!("sending {} to user {}", self.template, self.user_id);
        Ok(())
    }

    fn new_job(user_id: i64) -> Self {
        SendEmail { user_id, template: "welcome".into() }
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let jobs = Jobs::start_link(JobsConfig::sqlite_memory().worker::<SendEmail>()).await?;
    WorkerExt::new_job(&SendEmail::new_job(1)).insert(&jobs).await?;
    Ok(())
}
