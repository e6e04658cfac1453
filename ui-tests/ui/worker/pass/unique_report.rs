// A unique worker: a second insert with the same `report_id` within the period returns the
// first job, marked as a conflict; a different `report_id` is a new job.
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct GenerateReport {
    report_id: i64,
    requested_by: String,
}

#[worker(queue = "reports", unique(period = "5m", keys(report_id), states(available, scheduled, executing)))]
impl GenerateReport {
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        let _ = (self.report_id, self.requested_by);
        Ok(())
    }
}

#[tokio::main]
pub(crate) async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = JobsConfig::sqlite_memory()
        .worker::<GenerateReport>()
        .testing(Testing::Manual);
    let jobs = Jobs::start_link(config).await?;
    let first = GenerateReport { report_id: 1, requested_by: "ana".into() };
    let first = first.new_job().insert(&jobs).await?;
    assert!(!first.conflict);
    let again = GenerateReport { report_id: 1, requested_by: "bo".into() };
    let again = again.new_job().insert(&jobs).await?;
    assert!(again.conflict, "the same report_id within 5 minutes");
    assert_eq!(again.id, first.id);
    let other = GenerateReport { report_id: 2, requested_by: "ana".into() };
    assert!(!other.new_job().insert(&jobs).await?.conflict);
    Ok(())
}
