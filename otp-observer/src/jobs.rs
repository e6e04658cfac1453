//! The queues of an otp-jobs node (with the cargo feature `jobs` and a `Jobs` handle given to
//! `ObserverConfig::jobs`): counts by state, and retry or cancel of a job by id.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use serde::Serialize;

use crate::ApiError;
use crate::model::JobsView;
use crate::router::Shared;

/// What a retry or cancel answers.
#[derive(Debug, Serialize)]
pub(crate) struct JobAnswer {
    id: i64,
    state: String,
    queue: String,
    worker: String,
}

fn parse_id(text: &str) -> Result<i64, ApiError> {
    text.trim().parse::<i64>().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "malformed_job_id",
            format!("{text:?} is not a job id: a job id is a whole number"),
        )
    })
}

#[cfg(feature = "jobs")]
pub(crate) async fn view(shared: &Shared) -> Option<JobsView> {
    use crate::model::QueueView;
    let jobs = shared.config.jobs.as_ref()?;
    Some(match jobs.stats().await {
        Ok(stats) => JobsView {
            node: stats.node.clone(),
            nodes: stats.nodes.clone(),
            queues: stats
                .queues
                .iter()
                .map(|queue| QueueView {
                    name: queue.name.clone(),
                    counts: queue
                        .counts
                        .iter()
                        .map(|(state, count)| (state.to_string(), *count))
                        .collect(),
                    limit: queue.local.as_ref().map(|local| local.limit),
                    running: queue.local.as_ref().map(|local| local.running),
                    paused: queue.local.as_ref().is_some_and(|local| local.paused),
                    stalled: queue.local.as_ref().is_some_and(|local| local.stalled),
                })
                .collect(),
            error: None,
        },
        Err(error) => JobsView {
            node: jobs.node().to_owned(),
            nodes: Vec::new(),
            queues: Vec::new(),
            error: Some(error.to_string()),
        },
    })
}

#[cfg(not(feature = "jobs"))]
#[allow(clippy::unused_async)]
pub(crate) async fn view(_shared: &Shared) -> Option<JobsView> {
    None
}

/// `POST /api/jobs/{id}/{retry|cancel}`.
pub(crate) async fn act(
    State(shared): State<std::sync::Arc<Shared>>,
    path: Result<Path<(String, String)>, axum::extract::rejection::PathRejection>,
    headers: HeaderMap,
) -> Result<Json<JobAnswer>, ApiError> {
    let Path((id, action)) =
        path.map_err(|rejection| crate::actions::malformed("path", &rejection.body_text()))?;
    let outcome = act_on(&shared, &id, &action, &headers).await;
    crate::actions::log(&action, &format!("job {id}"), outcome.as_ref().err());
    outcome.map(Json)
}

async fn act_on(
    shared: &Shared,
    id: &str,
    action: &str,
    headers: &HeaderMap,
) -> Result<JobAnswer, ApiError> {
    if !matches!(action, "retry" | "cancel") {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_action",
            format!("no job action {action:?}: retry or cancel"),
        ));
    }
    let id = parse_id(id)?;
    shared.authorize(headers)?;
    run(shared, id, action).await
}

#[cfg(feature = "jobs")]
async fn run(shared: &Shared, id: i64, action: &str) -> Result<JobAnswer, ApiError> {
    let jobs = shared.config.jobs.as_ref().ok_or_else(no_jobs)?;
    let done = if action == "retry" {
        jobs.retry(id).await
    } else {
        jobs.cancel(id).await
    };
    let job = done
        .map_err(|error| {
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "jobs_error",
                format!("the {action} of job {id} failed: {error}"),
            )
        })?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                "no_job",
                format!("no job {id}: it never existed, or was pruned"),
            )
        })?;
    Ok(JobAnswer {
        id: job.id,
        state: job.state.to_string(),
        queue: job.queue.clone(),
        worker: job.worker.clone(),
    })
}

#[cfg(not(feature = "jobs"))]
#[allow(clippy::unused_async)]
async fn run(_shared: &Shared, _id: i64, _action: &str) -> Result<JobAnswer, ApiError> {
    Err(no_jobs())
}

fn no_jobs() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "no_jobs",
        "this observer shows no jobs: build otp-observer with the `jobs` feature and give it a \
         Jobs handle (ObserverConfig::jobs)",
    )
}
