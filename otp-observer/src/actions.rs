//! One process: its detail, and the actions on it (kill, suspend, resume, trace).

use std::collections::HashSet;
use std::sync::Arc;

use axum::Json;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use otp_core::Pid;
use serde::{Deserialize, Serialize};

use crate::ApiError;
use crate::model::{ProcessDetail, ProcessRow};
use crate::router::Shared;

/// The live process a pid's text names: `<0.42>` or `42`.
pub(crate) fn parse_pid(text: &str) -> Result<Pid, ApiError> {
    let id = otp_core::observe::pid_number(text).ok_or_else(|| ApiError::malformed_pid(text))?;
    otp_core::observe::find_pid(text).ok_or_else(|| ApiError::no_process(&format!("<0.{id}>")))
}

/// A path or query string axum could not read (bad percent-encoding, `?on=maybe`).
pub(crate) fn malformed(part: &'static str, why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        if part == "path" {
            "malformed_path"
        } else {
            "malformed_query"
        },
        format!("the request's {part} cannot be read: {why}"),
    )
}

/// Logs an action as a `tracing` event, target `otp_observer` as the requests': done at info,
/// refused or failed at warn. `on`: the pid or the job id the action was asked for.
pub(crate) fn log(action: &str, on: &str, error: Option<&ApiError>) {
    match error {
        None => tracing::info!(target: "otp_observer", action, on, "observer action done"),
        Some(error) => tracing::warn!(
            target: "otp_observer",
            action,
            on,
            code = error.code(),
            reason = error.message(),
            "observer action refused"
        ),
    }
}

/// `GET /api/processes/{pid}`.
pub(crate) async fn detail(
    State(shared): State<Arc<Shared>>,
    pid: Result<Path<String>, PathRejection>,
) -> Result<Json<ProcessDetail>, ApiError> {
    let Path(pid) = pid.map_err(|rejection| malformed("path", &rejection.body_text()))?;
    let pid = parse_pid(&pid)?;
    let (state, state_note) = if shared.config.shows_state() {
        match crate::system::get_state(&pid).await {
            Ok(state) => (Some(state), None),
            Err(error) => (None, Some(error.message().to_owned())),
        }
    } else {
        (
            None,
            Some("hidden: enable with ObserverConfig::show_state(true)".to_owned()),
        )
    };
    // Taken after the state, so that a process that exited meanwhile is reported as gone.
    let info = pid
        .info()
        .ok_or_else(|| ApiError::no_process(&pid.to_string()))?;
    let deadlocked: HashSet<u64> = otp_core::observe::deadlocks()
        .iter()
        .flatten()
        .map(Pid::id)
        .collect();
    let names = |pids: &[Pid]| pids.iter().map(ToString::to_string).collect();
    Ok(Json(ProcessDetail {
        row: ProcessRow::new(&info, 0.0, &deadlocked),
        links: names(&info.links),
        monitors: names(&info.monitors),
        monitored_by: names(&info.monitored_by),
        state,
        state_note,
        traced: info.trace_left > 0,
        trace_left: info.trace_left,
    }))
}

/// What an action answers.
#[derive(Debug, Serialize)]
pub(crate) struct Done {
    pid: String,
    action: String,
    ok: bool,
}

/// `?on=true|false` for the trace toggle.
#[derive(Debug, Deserialize)]
pub(crate) struct TraceQuery {
    on: Option<bool>,
}

/// `POST /api/processes/{pid}/{kill|suspend|resume|trace}`.
pub(crate) async fn act(
    State(shared): State<Arc<Shared>>,
    path: Result<Path<(String, String)>, PathRejection>,
    query: Result<Query<TraceQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<Done>, ApiError> {
    let Path((pid, action)) =
        path.map_err(|rejection| malformed("path", &rejection.body_text()))?;
    let Query(query) = query.map_err(|rejection| malformed("query", &rejection.body_text()))?;
    let outcome = act_on(&shared, &pid, &action, query.on, &headers).await;
    log(&action, &pid, outcome.as_ref().err());
    outcome.map(|pid| {
        Json(Done {
            pid,
            action,
            ok: true,
        })
    })
}

async fn act_on(
    shared: &Shared,
    text: &str,
    action: &str,
    on: Option<bool>,
    headers: &HeaderMap,
) -> Result<String, ApiError> {
    if !matches!(action, "kill" | "suspend" | "resume" | "trace") {
        return Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "unknown_action",
            format!("no action {action:?}: kill, suspend, resume or trace"),
        ));
    }
    shared.authorize(headers)?;
    let pid = parse_pid(text)?;
    match action {
        "kill" => pid.kill(),
        "suspend" => crate::system::suspend(&pid).await?,
        "resume" => crate::system::resume(&pid).await?,
        _ => {
            // Without `on`, a toggle of what the process itself says: a trace set from elsewhere
            // (`sys::trace`) or one that ran out is seen as it is.
            let on = on.unwrap_or_else(|| pid.info().is_none_or(|info| info.trace_left == 0));
            crate::system::trace(&pid, on).await?;
        }
    }
    Ok(pid.to_string())
}
