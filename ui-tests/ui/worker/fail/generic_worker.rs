// mistakes: 1
// A generic worker.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Notify<T> {
    user_id: i64,
    message: T,
}

#[worker(queue = "notifications")]
impl<T: Serialize + Send + Sync + 'static> Notify<T> {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        let _ = (self.user_id, self.message);
        Ok(())
    }
}

fn main() {
    let _ = Notify { user_id: 1, message: "hello" };
}
