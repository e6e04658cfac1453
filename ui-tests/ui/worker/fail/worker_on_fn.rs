// mistakes: 1
// `#[worker]` on a function.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers")]
async fn send_email(email: SendEmail) -> Result<(), JobError> {
    println!("sending {} to user {}", email.template, email.user_id);
    Ok(())
}

#[tokio::main]
async fn main() {
    send_email(SendEmail { user_id: 1, template: "welcome".into() }).await.unwrap();
}
