//! Every request and action of the observer is a `tracing` event, and the token never appears
//! in one.
//!
//! A binary of its own: `tracing` caches, per event site, whether any subscriber wants it.
//! Beside other tests that reach the same sites on other threads with no subscriber, a site
//! registering at the moment this test's subscriber is set can be cached as unwanted, and the
//! test then misses the event.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use otp_observer::{ObserverConfig, router};
use support::{Idle, get, post};

const TOKEN: &str = "tracing-test-token";

fn with_token() -> Router {
    router(ObserverConfig::new().token(TOKEN))
}

/// A `tracing` writer into a buffer the test reads.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn requests_and_actions_are_tracing_events() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    let _default = tracing::subscriber::set_default(subscriber);
    let app = with_token();
    let idle = Idle::start(()).await.expect("started");
    let path = format!("/api/processes/{}/kill", idle.pid().id());
    let _ = get(&app, "/api/overview").await;
    let _ = post(&app, &path, None).await;
    let _ = post(&app, &path, Some(TOKEN)).await;
    idle.pid().wait_exit().await;
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(
        log.contains("observer request") && log.contains("/api/overview"),
        "{log}"
    );
    assert!(
        log.contains("observer action refused") && log.contains("unauthorized"),
        "{log}"
    );
    assert!(
        log.contains("observer action done") && log.contains("action=\"kill\""),
        "{log}"
    );
    // One target for requests and actions, so that one filter (`otp_observer=info`) takes both.
    for line in log.lines().filter(|line| line.contains("observer ")) {
        assert!(line.contains(" otp_observer: "), "{line}");
    }
    assert!(!log.contains(TOKEN), "the token is never logged");
}
