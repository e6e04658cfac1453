//! What the observer tests share: one request through the router, its status and JSON body;
//! and a server that does nothing, to observe.
//!
//! Every test binary compiles this module and uses a part of it.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use otp_core::prelude::*;
use serde_json::Value;
use tower::ServiceExt;

/// Sends `request` to `app`: the status and the body as JSON (`Null` when it is not JSON).
pub(crate) async fn send(app: &Router, request: Request<Body>) -> (StatusCode, Value) {
    let response = app.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .expect("a body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

/// A GET of `path`.
pub(crate) async fn get(app: &Router, path: &str) -> (StatusCode, Value) {
    send(
        app,
        Request::get(path).body(Body::empty()).expect("a request"),
    )
    .await
}

/// A POST of `path`, with `token` as its bearer credential when given.
pub(crate) async fn post(app: &Router, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = Request::post(path);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    send(app, request.body(Body::empty()).expect("a request")).await
}

/// A server that does nothing but answer `ping`.
pub(crate) struct Idle;

#[genserver]
impl Idle {
    #[init]
    fn init(_args: ()) -> Self {
        Idle
    }

    #[handle_call]
    fn ping(&mut self) -> bool {
        true
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}
