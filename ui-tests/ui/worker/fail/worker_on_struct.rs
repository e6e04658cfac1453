// mistakes: 1
// `#[worker]` on the struct instead of its `impl` block.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[worker(queue = "mailers")]
#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

fn main() {
    let email = SendEmail { user_id: 1, template: "welcome".into() };
    println!("{} {}", email.user_id, email.template);
}
