// mistakes: 1
// `perform` holds an `Rc` across an `.await`, so its future is not `Send`.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};
use std::rc::Rc;

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers")]
impl SendEmail {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        let template = Rc::new(self.template);
        tokio::task::yield_now().await;
        println!("sending {template} to user {}", self.user_id);
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
