//! A raise in `init`: `start` returns `{:error, reason}` with the panic as the reason, the
//! process exits with it, `terminate` is not called, and the caller and runtime live on.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

#[derive(Clone, Default)]
struct Probe {
    pid: Arc<Mutex<Option<Pid>>>,
    terminated: Arc<AtomicBool>,
}

impl Probe {
    fn pid(&self) -> Pid {
        self.pid.lock().unwrap().clone().expect("init ran")
    }
}

enum How {
    Literal,
    Formatted(u32),
    AfterAwait,
    NonString,
}

struct Panicky {
    probe: Probe,
}

#[genserver]
impl Panicky {
    #[init]
    async fn init((probe, how): (Probe, How), ctx: &mut Context<Self>) -> Result<Self, InitError> {
        *probe.pid.lock().unwrap() = Some(ctx.pid().clone());
        let _state = Panicky { probe };
        match how {
            How::Literal => panic!("init exploded"),
            How::Formatted(n) => panic!("bad config value {n}"),
            How::AfterAwait => {
                tokio::time::sleep(Duration::from_secs(3)).await;
                panic!("failed after the await");
            }
            How::NonString => std::panic::panic_any(42_u32),
        }
    }

    #[terminate]
    fn terminate(&mut self, _reason: &ExitReason) {
        self.probe.terminated.store(true, Ordering::SeqCst);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Fine;

#[genserver]
impl Fine {
    #[handle_call]
    fn ping(&mut self) -> u8 {
        1
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start_expecting(how: How, expected: &str) {
    let probe = Probe::default();
    let result = Panicky::start((probe.clone(), how)).await;
    let reason = ExitReason::Panic(expected.to_owned());
    assert_eq!(result.err(), Some(StartError::Init(reason.clone())));
    assert_eq!(probe.pid().wait_exit().await, reason);
    assert!(!probe.pid().is_alive());
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn a_panic_in_init_gives_init_panic_with_the_message() {
    start_expecting(How::Literal, "init exploded").await;
}

#[tokio::test]
async fn a_formatted_panic_message_is_kept_whole() {
    start_expecting(How::Formatted(17), "bad config value 17").await;
}

#[tokio::test(start_paused = true)]
async fn a_panic_after_an_await_in_an_async_init_is_caught_too() {
    let started = tokio::time::Instant::now();
    start_expecting(How::AfterAwait, "failed after the await").await;
    assert_eq!(started.elapsed(), Duration::from_secs(3));
}

#[tokio::test]
async fn a_panic_with_a_non_string_payload_still_gives_a_panic_reason() {
    let probe = Probe::default();
    let result = Panicky::start((probe.clone(), How::NonString)).await;
    assert!(
        matches!(result, Err(StartError::Init(ExitReason::Panic(_)))),
        "{result:?}"
    );
    assert!(!probe.terminated.load(Ordering::SeqCst));
}

#[tokio::test]
async fn start_link_returns_the_panic_as_a_value_and_the_runtime_lives_on() {
    let probe = Probe::default();
    let result = Panicky::start_link((probe.clone(), How::Literal)).await;
    assert_eq!(
        result.err(),
        Some(StartError::Init(ExitReason::Panic("init exploded".into())))
    );
    let fine = Fine::start(Fine).await.expect("the runtime still runs");
    assert_eq!(fine.ping().await, Ok(1));
}
