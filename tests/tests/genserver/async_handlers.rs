//! Every callback may be an `async fn`: init, call, cast, info, continue and terminate, each
//! awaiting timers; the server handles one message at a time, awaits included.

use std::sync::{Arc, Mutex};

use otp_core::prelude::*;
use tokio::time::Instant;

type Log = Arc<Mutex<Vec<String>>>;

struct Warmup;
struct Ping(u32);

struct Slow {
    log: Log,
    started: Instant,
}

impl Slow {
    fn note(&self, what: impl std::fmt::Display) {
        let at = self.started.elapsed().as_secs();
        self.log.lock().unwrap().push(format!("{at}s {what}"));
    }
}

#[genserver]
impl Slow {
    #[init]
    async fn init(log: Log, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        let state = Slow {
            log,
            started: Instant::now(),
        };
        tokio::time::sleep(Duration::from_secs(1)).await;
        state.note("init");
        ctx.continue_with(Warmup);
        Ok(state)
    }

    #[handle_continue]
    async fn warmup(&mut self, _msg: Warmup) {
        tokio::time::sleep(Duration::from_secs(2)).await;
        self.note("continue");
    }

    #[handle_call]
    async fn double(&mut self, n: u32) -> u32 {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.note(format!("call {n}"));
        n * 2
    }

    #[handle_cast]
    async fn record(&mut self, text: String) {
        tokio::time::sleep(Duration::from_secs(3)).await;
        self.note(format!("cast {text}"));
    }

    #[handle_info]
    async fn ping(&mut self, ping: Ping, ctx: &mut Context<Self>) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.note(format!("info {}", ping.0));
        if ping.0 > 0 {
            ctx.send_after(Duration::from_secs(1), Ping(ping.0 - 1));
        }
    }

    #[terminate]
    async fn terminate(&mut self, reason: &ExitReason) {
        tokio::time::sleep(Duration::from_secs(5)).await;
        self.note(format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    async fn unexpected(&mut self, msg: AnyMessage) {
        tokio::time::sleep(Duration::from_secs(1)).await;
        self.note(format!("unexpected {}", msg.type_name()));
    }
}

fn entries(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

#[tokio::test(start_paused = true)]
async fn async_callbacks_run_one_at_a_time_in_order() {
    let log = Log::default();
    let started = Instant::now();
    let slow = Slow::start(log.clone()).await.expect("starts");
    // start waited for the async init, not for the continue.
    assert_eq!(started.elapsed(), Duration::from_secs(1));
    slow.record("a".into());
    slow.pid().send(Ping(0));
    slow.pid().send(7_u8);
    // Queued behind continue (2 s), the cast (3 s), the info (1 s), the catch-all (1 s).
    let doubled = slow.double(21).timeout(Duration::from_secs(30)).await;
    assert_eq!(doubled, Ok(42));
    assert_eq!(started.elapsed(), Duration::from_secs(9));
    assert_eq!(
        entries(&log),
        [
            "1s init",
            "3s continue",
            "6s cast a",
            "7s info 0",
            "8s unexpected u8",
            "9s call 21"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn calls_from_concurrent_callers_are_served_one_at_a_time() {
    let log = Log::default();
    let slow = Slow::start(log.clone()).await.expect("starts");
    let started = Instant::now();
    let long = Duration::from_secs(30);
    let (a, b, c) = tokio::join!(
        slow.double(1).timeout(long),
        slow.double(2).timeout(long),
        slow.double(3).timeout(long)
    );
    assert_eq!((a, b, c), (Ok(2), Ok(4), Ok(6)));
    // 2 s of continue, then three calls of 1 s each, one after the other.
    assert_eq!(started.elapsed(), Duration::from_secs(5));
    assert_eq!(entries(&log)[2..], ["4s call 1", "5s call 2", "6s call 3"]);
}

#[tokio::test(start_paused = true)]
async fn timers_set_in_an_async_handler_fire_in_paused_time() {
    let log = Log::default();
    let slow = Slow::start(log.clone()).await.expect("starts");
    slow.pid().send(Ping(2));
    tokio::time::sleep(Duration::from_secs(60)).await;
    // continue to 3 s; info 2 at 4 s, timer 1 s, info 1 at 6 s, timer 1 s, info 0 at 8 s.
    assert_eq!(entries(&log)[2..], ["4s info 2", "6s info 1", "8s info 0"]);
    assert!(slow.is_alive());
}

#[tokio::test(start_paused = true)]
async fn an_async_terminate_is_awaited_by_stop() {
    let log = Log::default();
    let slow = Slow::start(log.clone()).await.expect("starts");
    let started = Instant::now();
    assert_eq!(slow.stop(ExitReason::Shutdown).await, Ok(()));
    // The continue (2 s) runs first, then terminate's 5 s.
    assert_eq!(started.elapsed(), Duration::from_secs(7));
    assert_eq!(
        entries(&log).last().map(String::as_str),
        Some("8s terminate shutdown")
    );
    assert!(!slow.is_alive());
}
