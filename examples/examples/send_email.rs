//! Durable jobs, the Elixir guide's Oban example: a welcome email sent now, a reminder in an
//! hour, and a report that is generated once however many times it is asked for.
//!
//! The Elixir it replaces (abridged):
//!
//! ```elixir
//! defmodule MyApp.Workers.SendEmail do
//!   use Oban.Worker, queue: :mailers, max_attempts: 3
//!   def perform(%Oban.Job{args: %{"user_id" => id, "template" => template}}), do: ...
//! end
//!
//! defmodule MyApp.Workers.GenerateReport do
//!   use Oban.Worker, queue: :reports, unique: [period: 3600, keys: [:report_id]]
//!   def backoff(%Oban.Job{attempt: attempt}), do: attempt     # seconds
//! end
//!
//! children = [MyApp.Repo, {Oban, repo: MyApp.Repo, queues: [mailers: 20, reports: 5]}, ...]
//!
//! %{user_id: 1, template: "welcome"} |> SendEmail.new() |> Oban.insert()
//! %{user_id: 1, template: "reminder"} |> SendEmail.new(schedule_in: 3600) |> Oban.insert()
//! ```
//!
//! The jobs live in a SQLite file (in a temporary directory, removed at the end): a job
//! inserted is kept until it is done, across crashes and restarts. The report fails its first
//! attempt and is retried after its own backoff; asking for the same report again while the
//! first is pending returns the first job, marked as a conflict. The program waits for the
//! email and the report to complete, shows the reminder waiting in `scheduled`, and stops.
//!
//! Run it with `cargo run --example send_email`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use otp_core::prelude::*;
use otp_core::supervisor;
use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};

/// An email to a user, by template (Oban's `use Oban.Worker, queue: :mailers, max_attempts: 3`).
#[derive(Serialize, Deserialize)]
struct SendEmail {
    user_id: i64,
    template: String,
}

#[worker(queue = "mailers", max_attempts = 3)]
impl SendEmail {
    async fn perform(self, job: &Job) -> Result<(), JobError> {
        println!(
            "   [mailers] job {}: sending the {:?} email to user {} (attempt {})",
            job.id, self.template, self.user_id, job.attempt
        );
        Ok(())
    }
}

/// Set once the report's first attempt has failed, as a busy warehouse would make it.
static WAREHOUSE_WAS_BUSY: AtomicBool = AtomicBool::new(false);

/// A report, generated at most once an hour per `report_id`.
#[derive(Serialize, Deserialize)]
struct GenerateReport {
    report_id: i64,
    requested_by: String,
}

#[worker(queue = "reports", unique(period = "1h", keys(report_id)))]
impl GenerateReport {
    async fn perform(self, job: &Job) -> Result<(), JobError> {
        if !WAREHOUSE_WAS_BUSY.swap(true, Ordering::SeqCst) {
            println!(
                "   [reports] job {}: report {} failed: the warehouse is busy (attempt {})",
                job.id, self.report_id, job.attempt
            );
            return Err(JobError::msg("the warehouse is busy"));
        }
        println!(
            "   [reports] job {}: report {} for {} generated (attempt {})",
            job.id, self.report_id, self.requested_by, job.attempt
        );
        Ok(())
    }

    /// Retried half a second after a failure, rather than Oban's `15 + 2^attempt` seconds.
    fn backoff(_attempt: u32) -> Duration {
        Duration::from_millis(500)
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let directory =
        std::env::temp_dir().join(format!("otp-jobs-send-email-{}", std::process::id()));
    std::fs::create_dir_all(&directory)?;
    let result = run(&directory.join("jobs.db")).await;
    std::fs::remove_dir_all(&directory)?;
    result
}

async fn run(database: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    println!(
        "1. start the application: its tree holds Jobs, on {}",
        database.display()
    );
    let config = JobsConfig::sqlite(database)
        .queue("mailers", 20)
        .queue("reports", 5)
        .worker::<SendEmail>()
        .worker::<GenerateReport>();
    let app = supervisor! { strategy: one_for_one, children: [ Jobs(config) ] }
        .start_link()
        .await?;
    let jobs = app
        .child::<Jobs>("Jobs")
        .await?
        .ok_or("Jobs is not running")?;

    println!("2. insert a welcome email, to be sent now");
    let welcome = SendEmail {
        user_id: 1,
        template: "welcome".into(),
    };
    let welcome = welcome.new_job().insert(&jobs).await?;
    println!("   job {} inserted: {}", welcome.id, welcome.state);

    println!("3. insert a reminder, to be sent in an hour");
    let reminder = SendEmail {
        user_id: 1,
        template: "reminder".into(),
    };
    let reminder = reminder
        .new_job()
        .schedule_in(Duration::from_secs(3600))
        .insert(&jobs)
        .await?;
    println!(
        "   job {} inserted: {}, due at {}",
        reminder.id,
        reminder.state,
        reminder.scheduled_at.format("%H:%M:%S UTC")
    );

    println!("4. ask for report 7, twice: the second insert returns the first job");
    let report = GenerateReport {
        report_id: 7,
        requested_by: "ana".into(),
    };
    let report = report.new_job().insert(&jobs).await?;
    println!(
        "   job {} inserted (conflict: {})",
        report.id, report.conflict
    );
    let again = GenerateReport {
        report_id: 7,
        requested_by: "bo".into(),
    };
    let again = again.new_job().insert(&jobs).await?;
    println!(
        "   job {} returned (conflict: {})",
        again.id, again.conflict
    );

    println!("5. the queues run the due jobs; the report is retried after its backoff");
    for id in [welcome.id, report.id] {
        let job = completed(&jobs, id).await?;
        println!(
            "   job {id}: {} after {} attempt(s)",
            job.state, job.attempt
        );
        for error in &job.errors {
            println!("     attempt {} failed: {}", error.attempt, error.error);
        }
    }

    println!("6. the reminder waits in the database, costing nothing until it is due");
    let waiting = jobs.job(reminder.id).await?.ok_or("the reminder is gone")?;
    println!(
        "   job {}: {}, {} attempts so far",
        waiting.id, waiting.state, waiting.attempt
    );
    for queue in jobs.stats().await?.queues {
        let counts: Vec<String> = queue
            .counts
            .iter()
            .map(|(state, count)| format!("{count} {state}"))
            .collect();
        println!("   queue {}: {}", queue.name, counts.join(", "));
    }

    println!(
        "7. stop the application: the queues stop, the reminder stays stored for the next start"
    );
    app.stop(ExitReason::Shutdown).await?;
    Ok(())
}

/// The job `id` once it has completed; an error if it has not within ten seconds.
async fn completed(jobs: &Jobs, id: i64) -> Result<Job, Box<dyn std::error::Error>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let job = jobs.job(id).await?.ok_or("the job is gone")?;
        if job.state == JobState::Completed {
            return Ok(job);
        }
        if Instant::now() > deadline {
            return Err(format!("job {id} is still {} after 10 s", job.state).into());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
