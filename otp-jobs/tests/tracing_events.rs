//! Every transition is a tracing event with the job's id, worker, queue and attempt, and each
//! perform runs in a span `otp_jobs.perform`. A binary of its own: the subscriber is global.

mod support;

use otp_jobs::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use support::fields::Fields;
use tracing_subscriber::layer::{Context, SubscriberExt};

/// Ends as `kind` says: ok or error.
#[derive(Serialize, Deserialize)]
struct Outcome {
    kind: String,
}

impl Worker for Outcome {
    const NAME: &'static str = "Outcome";

    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        if self.kind == "ok" {
            Ok(())
        } else {
            Err(JobError::msg("it went wrong"))
        }
    }
}

async fn wait_state(jobs: &Jobs, id: i64, state: JobState) {
    support::wait_for(&format!("job {id} to be {state}"), || async {
        jobs.job(id)
            .await
            .unwrap()
            .filter(|job| job.state == state)
            .map(|_| ())
    })
    .await;
}

type SpanLog = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

/// The events and span names seen.
#[derive(Clone, Default)]
struct Seen {
    events: Arc<Mutex<Vec<BTreeMap<String, String>>>>,
    spans: SpanLog,
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Seen {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        let mut fields = BTreeMap::new();
        event.record(&mut Fields(&mut fields));
        self.events.lock().unwrap().push(fields);
    }

    fn on_new_span(
        &self,
        attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: Context<'_, S>,
    ) {
        let mut fields = BTreeMap::new();
        attrs.record(&mut Fields(&mut fields));
        self.spans
            .lock()
            .unwrap()
            .push((attrs.metadata().name().to_owned(), fields));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transitions_are_events_and_performs_are_spans() {
    let seen = Seen::default();
    let subscriber = tracing_subscriber::registry().with(seen.clone());
    tracing::subscriber::set_global_default(subscriber).unwrap();
    for engine in support::engines().await {
        let db = engine.db().await;
        let config = db
            .config()
            .worker::<Outcome>()
            .queue("default", 2)
            .node("a");
        let jobs = Jobs::start(config).await.unwrap();
        let ok = Outcome { kind: "ok".into() }
            .new_job()
            .insert(&jobs)
            .await
            .unwrap();
        let failed = Outcome {
            kind: "error".into(),
        }
        .new_job()
        .insert(&jobs)
        .await
        .unwrap();
        wait_state(&jobs, ok.id, JobState::Completed).await;
        wait_state(&jobs, failed.id, JobState::Retryable).await;
        jobs.shutdown().await.unwrap();

        let events = seen.events.lock().unwrap().clone();
        for (job, state) in [(&ok, "completed"), (&failed, "retryable")] {
            let event = events
                .iter()
                .find(|event| {
                    event.get("job.id") == Some(&job.id.to_string())
                        && event.get("state").map(String::as_str) == Some(state)
                })
                .unwrap_or_else(|| panic!("no {state} event for job {}: {events:?}", job.id));
            assert_eq!(event["job.worker"], "Outcome");
            assert_eq!(event["job.queue"], "default");
            assert_eq!(event["job.attempt"], "1");
        }
        let spans = seen.spans.lock().unwrap().clone();
        let performs: Vec<_> = spans
            .iter()
            .filter(|(name, _)| name == "otp_jobs.perform")
            .collect();
        assert_eq!(performs.len(), 2, "{spans:?}");
        assert!(
            performs
                .iter()
                .all(|(_, fields)| fields["job.worker"] == "Outcome")
        );
        seen.events.lock().unwrap().clear();
        seen.spans.lock().unwrap().clear();
    }
}
