// mistakes: 1
// `#[worker]` on a trait declaration.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[worker(queue = "mailers")]
trait Deliver {
    async fn deliver(&self) -> Result<(), JobError>;
}

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

impl Deliver for SendEmail {
    async fn deliver(&self) -> Result<(), JobError> {
        println!("sending {} to user {}", self.template, self.user_id);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), JobError> {
    SendEmail { user_id: 1, template: "welcome".into() }.deliver().await
}
