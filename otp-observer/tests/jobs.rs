//! The queues of an otp-jobs node, with the `jobs` feature: counts by state, retry and cancel.
#![cfg(feature = "jobs")]

mod support;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use otp_jobs::prelude::*;
use otp_observer::{ObserverConfig, router};
use serde_json::Value;
use support::{post, send};

const TOKEN: &str = "jobs-test-token";

#[derive(serde::Serialize, serde::Deserialize)]
struct Ping;

impl Worker for Ping {
    const NAME: &'static str = "Ping";
    async fn perform(self, _job: &Job) -> Result<(), JobError> {
        Ok(())
    }
}

async fn queue(app: &Router, name: &str) -> Value {
    let (status, body) = send(
        app,
        Request::get("/api/jobs")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["queues"]
        .as_array()
        .expect("queues")
        .iter()
        .find(|queue| queue["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no queue {name} in {body}"))
}

#[tokio::test]
async fn queues_with_counts_and_retry_and_cancel_by_id() {
    let config = JobsConfig::sqlite_memory()
        .queue("default", 5)
        .testing(Testing::Manual);
    let jobs = Jobs::start_link(config).await.expect("a node");
    let first = Ping.new_job().insert(&jobs).await.expect("inserted");
    Ping.new_job().insert(&jobs).await.expect("inserted");
    let app = router(ObserverConfig::new().token(TOKEN).jobs(jobs.clone()));

    let default = queue(&app, "default").await;
    assert_eq!(default["counts"]["available"], 2);
    assert_eq!(default["limit"], 5);

    let cancel = format!("/api/jobs/{}/cancel", first.id);
    let (status, body) = post(&app, &cancel, None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    let (status, body) = post(&app, &cancel, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "cancelled");
    let default = queue(&app, "default").await;
    assert_eq!(default["counts"]["available"], 1);
    assert_eq!(default["counts"]["cancelled"], 1);

    let (status, body) = post(&app, &format!("/api/jobs/{}/retry", first.id), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "available");
    assert_eq!(queue(&app, "default").await["counts"]["available"], 2);

    let (status, body) = post(&app, "/api/jobs/forty-two/retry", Some(TOKEN)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::BAD_REQUEST, &Value::from("malformed_job_id"))
    );
    let (status, body) = post(&app, "/api/jobs/999999/cancel", Some(TOKEN)).await;
    assert_eq!(
        (status, &body["error"]["code"]),
        (StatusCode::NOT_FOUND, &Value::from("no_job"))
    );

    let (_, overview) = send(
        &app,
        Request::get("/api/overview")
            .body(Body::empty())
            .expect("a request"),
    )
    .await;
    assert_eq!(overview["jobs"]["node"], jobs.node());
}
