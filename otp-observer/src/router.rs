//! The router: the page, its live updates, and the JSON API under `api/`.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, PoisonError};

use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;

use crate::model::Overview;
use crate::rates::RateMeter;
use crate::{ApiError, ObserverConfig};

/// What every request of one router shares.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) config: ObserverConfig,
    page: String,
    /// The rates of `GET api/overview` (each page's stream keeps its own).
    meter: Mutex<RateMeter>,
}

impl Shared {
    pub(crate) fn authorize(&self, headers: &HeaderMap) -> Result<(), ApiError> {
        crate::auth::authorize(self.config.token.as_deref(), headers)
    }
}

/// The observer's routes, to serve alone or to mount in an application of yours
/// (`Router::nest("/observer", router(config))`): the page at the root, its updates as
/// Server-Sent Events at `events`, and a JSON API:
///
/// | route | what |
/// | --- | --- |
/// | `GET /` | the page |
/// | `GET /events` | an `overview` event every [`update_interval`](ObserverConfig::update_interval) |
/// | `GET /api/overview` | the same overview once |
/// | `GET /api/processes/{pid}` | one process in full (`<0.42>` or `42`) |
/// | `POST /api/processes/{pid}/{kill,suspend,resume,trace}` | an action (token needed; `trace?on=true`) |
/// | `GET /api/jobs` | the queues, with the `jobs` feature and `ObserverConfig::jobs` |
/// | `POST /api/jobs/{id}/{retry,cancel}` | a job action (token needed) |
///
/// Every request is a `tracing` event (target `otp_observer`), and so is every action, done or
/// refused. A refused or failed request answers a JSON [`ApiError`].
///
/// ```
/// use axum::body::Body;
/// use axum::http::{Request, StatusCode};
/// use tower::ServiceExt;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let router = otp_observer::router(otp_observer::ObserverConfig::new());
/// let request = Request::post("/api/processes/1/kill").body(Body::empty())?;
/// let response = router.oneshot(request).await?;
/// // No token configured: the observer is read-only.
/// assert_eq!(response.status(), StatusCode::FORBIDDEN);
/// # Ok(())
/// # }
/// ```
pub fn router(config: ObserverConfig) -> Router {
    let page = crate::page::render(&config);
    let shared = Arc::new(Shared {
        config,
        page,
        meter: Mutex::new(RateMeter::default()),
    });
    Router::new()
        .route("/", get(serve_page))
        .route("/events", get(events))
        .route("/api/overview", get(overview))
        .route("/api/processes/{pid}", get(crate::actions::detail))
        .route("/api/processes/{pid}/{action}", post(crate::actions::act))
        .route("/api/jobs", get(jobs))
        .route("/api/jobs/{id}/{action}", post(crate::jobs::act))
        .fallback(not_found)
        .with_state(shared)
        .layer(middleware::from_fn(log_request))
}

/// Logs every request: method, path and the status answered.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        target: "otp_observer",
        %method,
        path,
        status = response.status().as_u16(),
        "observer request"
    );
    response
}

async fn serve_page(State(shared): State<Arc<Shared>>) -> Response {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Html(shared.page.clone()),
    )
        .into_response()
}

async fn overview(State(shared): State<Arc<Shared>>) -> Json<Overview> {
    // The meter is taken out for the await, so no lock is held across it.
    let mut meter =
        std::mem::take(&mut *shared.meter.lock().unwrap_or_else(PoisonError::into_inner));
    let overview = crate::overview::take(&shared, &mut meter).await;
    *shared.meter.lock().unwrap_or_else(PoisonError::into_inner) = meter;
    Json(overview)
}

async fn jobs(State(shared): State<Arc<Shared>>) -> Result<Response, ApiError> {
    match crate::jobs::view(&shared).await {
        Some(view) => Ok(Json(view).into_response()),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "no_jobs",
            "this observer shows no jobs: build otp-observer with the `jobs` feature and give \
             it a Jobs handle (ObserverConfig::jobs)",
        )),
    }
}

async fn not_found(request: Request) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no route {} {}", request.method(), request.uri().path()),
    )
}

/// An `overview` event at once, then one every update interval, for as long as the page
/// listens; a slow page gets fewer, never a burst.
async fn events(
    State(shared): State<Arc<Shared>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let mut interval = tokio::time::interval(shared.config.updates_every());
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stream = futures_util::stream::unfold(
        (interval, RateMeter::default(), shared),
        |(mut interval, mut meter, shared)| async move {
            interval.tick().await;
            let overview = crate::overview::take(&shared, &mut meter).await;
            let event = Event::default()
                .event("overview")
                .json_data(&overview)
                .unwrap_or_else(|error| {
                    Event::default()
                        .event("observer_error")
                        .data(format!("the overview could not be encoded: {error}"))
                });
            Some((Ok(event), (interval, meter, shared)))
        },
    );
    Sse::new(stream).keep_alive(KeepAlive::default())
}
