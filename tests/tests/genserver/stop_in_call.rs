//! `{:stop, reason, reply, state}` from `handle_call`: `terminate` runs first, then the reply
//! is sent, then the process exits with the reason.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

fn push(log: &Log, entry: impl Into<String>) {
    log.lock().unwrap().push(entry.into());
}

struct Stopper {
    log: Log,
}

#[genserver]
impl Stopper {
    #[handle_call]
    fn finish(&mut self, reason: ExitReason, value: u32, ctx: &mut Context<Self>) -> u32 {
        ctx.stop(reason);
        push(&self.log, "handler");
        value
    }

    #[handle_call]
    fn ping(&mut self) -> &'static str {
        "pong"
    }

    /// Slow, so that a reply sent before it would reach the caller first.
    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        push(&self.log, format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start() -> (StopperRef, Log) {
    let log = Log::default();
    let server = Stopper::start(Stopper { log: log.clone() })
        .await
        .expect("starts");
    (server, log)
}

#[tokio::test(start_paused = true)]
async fn terminate_runs_before_the_caller_gets_the_reply() {
    let (server, log) = start().await;
    let started = Instant::now();
    let reply = server.finish(ExitReason::Shutdown, 7).await;
    push(&log, "caller got the reply");
    assert_eq!(reply, Ok(7));
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    assert_eq!(
        *log.lock().unwrap(),
        ["handler", "terminate shutdown", "caller got the reply"]
    );
    assert_eq!(server.pid().wait_exit().await, ExitReason::Shutdown);
    assert!(!server.is_alive());
    assert_eq!(server.ping().await, Err(CallError::NoProc));
}

#[tokio::test(start_paused = true)]
async fn the_reply_is_sent_and_the_server_exits_with_reason_normal() {
    let (server, log) = start().await;
    assert_eq!(server.finish(ExitReason::Normal, 1).await, Ok(1));
    assert_eq!(*log.lock().unwrap(), ["handler", "terminate normal"]);
    assert_eq!(server.pid().wait_exit().await, ExitReason::Normal);
    assert_eq!(server.pid().exit_reason(), Some(ExitReason::Normal));
}

#[tokio::test(start_paused = true)]
async fn an_error_reason_is_kept_as_the_exit_reason() {
    let (server, log) = start().await;
    let reason = ExitReason::error(std::io::Error::other("disk full"));
    assert_eq!(server.finish(reason.clone(), 2).await, Ok(2));
    assert_eq!(
        *log.lock().unwrap(),
        ["handler", "terminate error: disk full"]
    );
    assert_eq!(server.pid().wait_exit().await, reason);
}

#[tokio::test(start_paused = true)]
async fn calls_queued_behind_the_stopping_call_get_the_reason() {
    let (server, log) = start().await;
    let reason = ExitReason::ShutdownWith("done".into());
    let (stopping, queued) = tokio::join!(server.finish(reason.clone(), 3), server.ping());
    assert_eq!(stopping, Ok(3));
    assert_eq!(queued, Err(CallError::Exited(reason)));
    assert_eq!(
        *log.lock().unwrap(),
        ["handler", "terminate shutdown: done"]
    );
}
