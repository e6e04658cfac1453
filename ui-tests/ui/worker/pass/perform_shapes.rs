// The shapes `perform` may take: `self` or `&self`, with or without the job, returning `()` or
// a `Result` whose error converts into `JobError`.
use otp_jobs::prelude::*;
use otp_jobs::testing::perform_job;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Ping;

#[worker]
impl Ping {
    async fn perform(&self) {}
}

#[derive(Serialize, Deserialize)]
struct Import {
    path: String,
}

#[worker(queue = "imports")]
impl Import {
    async fn perform(&self, job: &Job) -> Result<(), std::io::Error> {
        assert_eq!(job.attempt, 1);
        Err(std::io::Error::new(std::io::ErrorKind::NotFound, self.path.clone()))
    }
}

#[derive(Serialize, Deserialize)]
enum Webhook {
    Deliver { url: String },
    Skip,
}

#[worker(queue = "webhooks", timeout = "10s")]
impl Webhook {
    async fn perform(self) -> Result<(), JobError> {
        match self {
            Webhook::Deliver { url } if url.starts_with("https://") => Ok(()),
            Webhook::Deliver { url } => Err(JobError::cancel(format!("not https: {url}"))),
            Webhook::Skip => Ok(()),
        }
    }
}

#[tokio::main]
pub(crate) async fn main() {
    assert!(perform_job(Ping).await.is_ok());
    let error = perform_job(Import { path: "users.csv".into() }).await.unwrap_err();
    assert_eq!(error.to_string(), "users.csv");
    let deliver = Webhook::Deliver { url: "https://example.com".into() };
    assert!(perform_job(deliver).await.is_ok());
    let insecure = Webhook::Deliver { url: "http://example.com".into() };
    assert_eq!(
        perform_job(insecure).await.unwrap_err().to_string(),
        "cancelled: not https: http://example.com"
    );
    assert!(perform_job(Webhook::Skip).await.is_ok());
}
