//! The router at the HTTP level, without a socket: `tower::ServiceExt::oneshot` on it.

mod support;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use futures_util::StreamExt;
use otp_core::prelude::*;
use otp_core::supervisor;
use otp_observer::{ObserverConfig, router};
use serde_json::Value;
use support::{Idle, get, post, send};
use tower::ServiceExt;

const TOKEN: &str = "http-test-token";

/// Calls `other`, which calls `back` (this very peer, busy): each waits on the other.
#[derive(Clone)]
struct Peer;

#[genserver]
impl Peer {
    #[handle_call]
    async fn ask(&mut self, other: PeerRef, back: PeerRef) -> bool {
        other
            .ask_back(back)
            .timeout(Duration::from_secs(2))
            .await
            .is_ok()
    }

    #[handle_call]
    async fn ask_back(&mut self, back: PeerRef) -> bool {
        back.ask_back(back.clone())
            .timeout(Duration::from_secs(1))
            .await
            .is_ok()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

fn with_token() -> Router {
    router(ObserverConfig::new().token(TOKEN))
}

#[tokio::test]
async fn the_page_is_served_and_says_read_only_without_a_token() {
    for (app, read_only) in [
        (router(ObserverConfig::new()), "true"),
        (with_token(), "false"),
    ] {
        let response = app
            .oneshot(Request::get("/").body(Body::empty()).expect("a request"))
            .await
            .expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        assert!(
            response.headers()["content-type"]
                .to_str()
                .is_ok_and(|kind| kind.starts_with("text/html"))
        );
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("a body");
        let page = String::from_utf8(bytes.to_vec()).expect("UTF-8");
        assert!(page.contains("otp-rs observer"));
        assert!(page.contains(&format!("data-read-only=\"{read_only}\"")));
        assert!(page.contains("Read-only: no token is configured"));
        assert!(page.contains("new EventSource"), "the script is inlined");
        assert!(!page.contains(TOKEN), "the token never reaches the page");
    }
}

#[tokio::test]
async fn the_overview_lists_processes_and_supervision_trees() {
    let app = router(ObserverConfig::new());
    let sup = supervisor! {
        strategy: one_for_one,
        children: [Idle(()) { id = "overview-a", name = "overview-a" }, Idle(()) { id = "overview-b" }],
    }
    .start_link()
    .await
    .expect("the tree starts");
    let a = sup.child_pid("overview-a").await.unwrap().unwrap();
    let (status, body) = get(&app, "/api/overview").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["read_only"], true);
    assert_eq!(body["show_state"], false);
    let row = body["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["pid"] == a.to_string())
        .expect("the child is listed");
    assert_eq!(row["name"], "overview-a");
    assert_eq!(row["server"], "Idle");
    assert_eq!(row["parent"], sup.pid().to_string());
    assert_eq!(row["mailbox_len"], 0);
    let tree = body["trees"]
        .as_array()
        .unwrap()
        .iter()
        .find(|tree| tree["pid"] == sup.pid().to_string())
        .expect("the supervisor is a root");
    assert_eq!(tree["kind"], "supervisor");
    let ids: Vec<&str> = tree["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|child| child["id"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["overview-a", "overview-b"]);
    assert_eq!(tree["children"][0]["pid"], a.to_string());
}

#[tokio::test]
async fn messages_per_second_come_from_successive_overviews() {
    let app = router(ObserverConfig::new());
    let idle = Idle::start(()).await.expect("started");
    let _ = get(&app, "/api/overview").await;
    for _ in 0..50 {
        idle.ping().await.expect("an answer");
    }
    let (_, body) = get(&app, "/api/overview").await;
    let row = body["processes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["pid"] == idle.pid().to_string())
        .expect("listed")
        .clone();
    assert_eq!(row["messages_handled"], 50);
    assert!(row["messages_per_sec"].as_f64().unwrap() > 0.0, "{row}");
}

#[tokio::test]
async fn actions_are_refused_without_a_configured_token() {
    let app = router(ObserverConfig::new());
    let idle = Idle::start(()).await.expect("started");
    for action in ["kill", "suspend", "resume", "trace"] {
        let path = format!("/api/processes/{}/{action}", idle.pid().id());
        let (status, body) = post(&app, &path, Some(TOKEN)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{action}");
        assert_eq!(code(&body), "read_only");
        assert!(
            body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("read-only")
        );
    }
    assert!(idle.pid().is_alive());
}

#[tokio::test]
async fn actions_need_the_right_token() {
    let app = with_token();
    let idle = Idle::start(()).await.expect("started");
    let path = format!("/api/processes/{}/kill", idle.pid().id());
    let (status, body) = post(&app, &path, None).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(body["error"]["message"].as_str().unwrap().contains("token"));
    let (status, body) = post(&app, &path, Some("http-test-tokem")).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::UNAUTHORIZED, "unauthorized")
    );
    assert!(idle.pid().is_alive(), "refused kills kill nothing");

    let (status, body) = post(&app, &path, Some(TOKEN)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["pid"], idle.pid().to_string());
    assert_eq!(idle.pid().wait_exit().await, ExitReason::Killed);
}

#[tokio::test]
async fn the_token_may_come_in_its_own_header() {
    let app = with_token();
    let idle = Idle::start(()).await.expect("started");
    // The pid as it displays, `<0.N>`, percent-encoded.
    let request = Request::post(format!("/api/processes/%3C0.{}%3E/kill", idle.pid().id()))
        .header("x-observer-token", TOKEN)
        .body(Body::empty())
        .expect("a request");
    let (status, _) = send(&app, request).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(idle.pid().wait_exit().await, ExitReason::Killed);
}

#[tokio::test]
async fn bad_pids_get_clear_errors() {
    let app = with_token();
    for text in ["abc", "%3C0.x%3E", "-1", "99999999999999999999999"] {
        let (status, body) = get(&app, &format!("/api/processes/{text}")).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "malformed_pid"),
            "{text}"
        );
        let (status, body) = post(&app, &format!("/api/processes/{text}/kill"), Some(TOKEN)).await;
        assert_eq!(
            (status, code(&body)),
            (StatusCode::BAD_REQUEST, "malformed_pid"),
            "{text}"
        );
    }
    let (status, body) = get(&app, "/api/processes/%3C0.999999999%3E").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "no_process"));
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("<0.999999999>")
    );
    let (status, body) = post(&app, "/api/processes/1/explode", Some(TOKEN)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::NOT_FOUND, "unknown_action")
    );
    let (status, body) = post(&app, "/api/processes/1/trace?on=maybe", Some(TOKEN)).await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "malformed_query")
    );
    let (status, body) = get(&app, "/api/processes/%FF").await;
    assert_eq!(
        (status, code(&body)),
        (StatusCode::BAD_REQUEST, "malformed_path")
    );
    let (status, body) = get(&app, "/no/such/route").await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "not_found"));
}

#[tokio::test]
async fn a_process_that_exited_meanwhile_is_reported_gone() {
    let app = with_token();
    let idle = Idle::start(()).await.expect("started");
    let pid = idle.pid();
    let (status, _) = get(&app, &format!("/api/processes/{}", pid.id())).await;
    assert_eq!(status, StatusCode::OK);
    pid.kill();
    pid.wait_exit().await;
    let (status, body) = get(&app, &format!("/api/processes/{}", pid.id())).await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "no_process"));
    let (status, body) = post(
        &app,
        &format!("/api/processes/{}/kill", pid.id()),
        Some(TOKEN),
    )
    .await;
    assert_eq!((status, code(&body)), (StatusCode::NOT_FOUND, "no_process"));
}

#[tokio::test]
async fn state_is_hidden_unless_enabled() {
    let app = router(ObserverConfig::new());
    let idle = Idle::start(()).await.expect("started");
    let (status, body) = get(&app, &format!("/api/processes/%3C0.{}%3E", idle.pid().id())).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["state"], Value::Null);
    assert!(
        body["state_note"]
            .as_str()
            .unwrap()
            .contains("show_state(true)")
    );
    assert_eq!(body["links"], serde_json::json!([]));
    assert_eq!(body["waiting_on"], Value::Null);
}

#[tokio::test]
async fn deadlock_cycles_are_reported() {
    let app = router(ObserverConfig::new());
    let a = Peer::start(Peer).await.expect("started");
    let b = Peer::start(Peer).await.expect("started");
    let (a2, b2, a3) = (a.clone(), b.clone(), a.clone());
    let stuck = tokio::spawn(async move { a2.ask(b2, a3).await });
    let mut expected = vec![a.pid().to_string(), b.pid().to_string()];
    expected.sort_by_key(|pid| {
        pid.trim_start_matches("<0.")
            .trim_end_matches('>')
            .parse::<u64>()
            .unwrap()
    });
    // Wait until both are blocked, each in a call to the other.
    let overview = loop {
        tokio::task::yield_now().await;
        let (_, body) = get(&app, "/api/overview").await;
        let cycles: Vec<Vec<String>> = serde_json::from_value(body["deadlocks"].clone()).unwrap();
        if cycles.contains(&expected) {
            break body;
        }
    };
    for pid in &expected {
        let row = overview["processes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|row| &row["pid"] == pid)
            .expect("listed");
        assert_eq!(row["deadlocked"], true);
        assert!(row["waiting_on"]["since"].as_u64().unwrap() > 0);
    }
    let (_, detail) = get(&app, &format!("/api/processes/{}", a.pid().id())).await;
    assert_eq!(detail["waiting_on"]["pid"], b.pid().to_string());
    // B's call times out, A gets its answer, and the cycle is gone.
    assert!(stuck.await.expect("no panic").is_ok());
    let (_, body) = get(&app, "/api/overview").await;
    let cycles: Vec<Vec<String>> = serde_json::from_value(body["deadlocks"].clone()).unwrap();
    assert!(!cycles.contains(&expected));
}

#[tokio::test(start_paused = true)]
async fn events_stream_overviews_at_a_bounded_rate() {
    let interval = Duration::from_millis(500);
    let app = router(ObserverConfig::new().update_interval(interval));
    let response = app
        .oneshot(
            Request::get("/events")
                .body(Body::empty())
                .expect("a request"),
        )
        .await
        .expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut stream = response.into_body().into_data_stream();
    let mut arrivals = Vec::new();
    let mut text = String::new();
    while arrivals.len() < 4 {
        let chunk = stream
            .next()
            .await
            .expect("the stream goes on")
            .expect("a chunk");
        text.push_str(std::str::from_utf8(&chunk).expect("UTF-8"));
        while let Some(end) = text.find("\n\n") {
            let event: String = text.drain(..end + 2).collect();
            if event.contains("event: overview") {
                let data = event
                    .lines()
                    .find_map(|line| line.strip_prefix("data: "))
                    .expect("a data line");
                let overview: Value = serde_json::from_str(data).expect("JSON");
                assert!(overview["processes"].is_array());
                arrivals.push(tokio::time::Instant::now());
            }
        }
    }
    for pair in arrivals.windows(2) {
        assert!(pair[1] - pair[0] >= interval, "{:?}", pair[1] - pair[0]);
    }
}
