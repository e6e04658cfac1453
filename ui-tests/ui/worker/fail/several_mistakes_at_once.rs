// mistakes: 7
// Every mistake is reported in one build.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct GenerateReport {
    report_id: i64,
    format: String,
}

#[worker(queue = reports, priorty = 3, max_attempts = 0, unique(period = 300, keys(repor_id)))]
impl GenerateReport {
    fn perform(&mut self, _job: &Job) -> Result<(), JobError> {
        println!("report {} as {}", self.report_id, self.format);
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let jobs = Jobs::start_link(JobsConfig::sqlite_memory().worker::<GenerateReport>()).await?;
    GenerateReport { report_id: 7, format: "pdf".into() }
        .new_job()
        .insert(&jobs)
        .await?;
    Ok(())
}
