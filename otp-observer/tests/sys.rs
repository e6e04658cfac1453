//! What the observer asks of a process through `sys` and `observe::supervision_trees`: its
//! state (when allowed), suspend, resume, trace, and the restart counts of the trees.

mod support;

use axum::http::StatusCode;
use otp_core::prelude::*;
use otp_core::supervisor;
use otp_observer::{ObserverConfig, router};
use serde_json::Value;
use support::{get, post};

const TOKEN: &str = "sys-test-token";

#[derive(Debug)]
struct Counter {
    count: u64,
    #[expect(dead_code, reason = "read only through Debug, as get_state shows it")]
    secret: &'static str,
}

#[genserver]
impl Counter {
    #[init]
    fn init(count: u64) -> Self {
        Counter {
            count,
            secret: "hunter2",
        }
    }

    #[handle_call]
    fn get(&mut self) -> u64 {
        self.count
    }

    #[handle_cast]
    async fn hang(&mut self) {
        std::future::pending::<()>().await;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

/// A server whose state has no `Debug`.
struct Opaque;

#[genserver]
impl Opaque {
    #[init]
    fn init(_args: ()) -> Self {
        Opaque
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[tokio::test]
async fn state_is_shown_only_when_enabled() {
    let counter = Counter::start(7).await.expect("started");
    let path = format!("/api/processes/{}", counter.pid().id());

    let (_, hidden) = get(&router(ObserverConfig::new()), &path).await;
    assert_eq!(hidden["state"], Value::Null);
    assert!(!hidden.to_string().contains("hunter2"));

    let (status, shown) = get(&router(ObserverConfig::new().show_state(true)), &path).await;
    assert_eq!(status, StatusCode::OK);
    let state = shown["state"].as_str().expect("the state as text");
    assert!(
        state.contains("count: 7") && state.contains("hunter2"),
        "{state}"
    );

    let opaque = Opaque::start(()).await.expect("started");
    let (status, body) = get(
        &router(ObserverConfig::new().show_state(true)),
        &format!("/api/processes/{}", opaque.pid().id()),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], Value::Null);
    assert!(
        body["state_note"].as_str().unwrap().contains("Debug"),
        "{body}"
    );
}

#[tokio::test]
async fn suspend_and_resume() {
    let app = router(ObserverConfig::new().token(TOKEN));
    let counter = Counter::start(1).await.expect("started");
    let id = counter.pid().id();
    let (status, body) = post(&app, &format!("/api/processes/{id}/suspend"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, detail) = get(&app, &format!("/api/processes/{id}")).await;
    assert_eq!(detail["status"], "suspended");
    let (status, body) = post(&app, &format!("/api/processes/{id}/resume"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(counter.get().await.expect("it answers again"), 1);
    let (_, detail) = get(&app, &format!("/api/processes/{id}")).await;
    assert_eq!(detail["status"], "waiting");
}

#[tokio::test]
async fn trace_toggles() {
    let app = router(ObserverConfig::new().token(TOKEN));
    let counter = Counter::start(1).await.expect("started");
    let id = counter.pid().id();
    let (status, body) = post(
        &app,
        &format!("/api/processes/{id}/trace?on=true"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        get(&app, &format!("/api/processes/{id}")).await.1["traced"],
        true
    );
    let (status, _) = post(
        &app,
        &format!("/api/processes/{id}/trace?on=false"),
        Some(TOKEN),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        get(&app, &format!("/api/processes/{id}")).await.1["traced"],
        false
    );
}

/// The page shows the trace the process has, not the one it asked for: a trace set from code
/// shows, and one that has logged all its messages shows as off; the toggle follows.
#[tokio::test]
async fn trace_shows_what_the_process_has() {
    let app = router(ObserverConfig::new().token(TOKEN));
    let counter = Counter::start(1).await.expect("started");
    let id = counter.pid().id();
    let detail_of = async || get(&app, &format!("/api/processes/{id}")).await.1;

    otp_core::sys::trace(&counter.pid(), 2)
        .await
        .expect("traced");
    let detail = detail_of().await;
    assert_eq!(detail["traced"], true, "{detail}");
    assert_eq!(detail["trace_left"], 2, "{detail}");

    counter.get().await.expect("answers");
    counter.get().await.expect("answers");
    let detail = detail_of().await;
    assert_eq!(detail["traced"], false, "a trace that ran out: {detail}");
    assert_eq!(detail["trace_left"], 0, "{detail}");

    // The toggle, without `on`, turns on what is off: the trace that ran out is not taken
    // for one that lasts.
    let (status, body) = post(&app, &format!("/api/processes/{id}/trace"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(detail_of().await["traced"], true);
    let (status, body) = post(&app, &format!("/api/processes/{id}/trace"), Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(detail_of().await["traced"], false);
}

#[tokio::test(start_paused = true)]
async fn a_busy_process_times_out_with_a_clear_error() {
    let app = router(ObserverConfig::new().token(TOKEN).show_state(true));
    let counter = Counter::start(1).await.expect("started");
    counter.hang();
    let id = counter.pid().id();
    let (status, body) = post(&app, &format!("/api/processes/{id}/suspend"), Some(TOKEN)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::GATEWAY_TIMEOUT, "timeout")
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("busy"));
    let (status, detail) = get(&app, &format!("/api/processes/{id}")).await;
    assert_eq!(status, StatusCode::OK, "the rest of the detail still shows");
    assert!(detail["state_note"].as_str().unwrap().contains("busy"));
    assert!(
        counter.pid().is_alive(),
        "the inspected process is untouched"
    );
    counter.pid().kill();
}

#[tokio::test]
async fn trees_count_restarts() {
    let app = router(ObserverConfig::new());
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Counter(0) { id = "restarted" }],
    }
    .start_link()
    .await
    .expect("started");
    let first = sup.child_pid("restarted").await.unwrap().unwrap();
    first.kill();
    first.wait_exit().await;
    let second = sup.child_pid("restarted").await.unwrap().unwrap();
    assert_ne!(first, second);
    let (_, body) = get(&app, "/api/overview").await;
    let tree = body["trees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tree| tree["pid"] == sup.pid().to_string())
        .expect("the supervisor is a root");
    let child = &tree["children"][0];
    assert_eq!(child["id"], "restarted");
    assert_eq!(child["pid"], second.to_string());
    assert_eq!(child["restarts"], 1);
    assert_eq!(child["restart"], "permanent");
    assert!(child["last_restart"].as_u64().unwrap() > 0);
    assert_eq!(tree["server"], "Supervisor");
}
