//! A cast, info or continue handler that returns `Result<(), E>` stops the server with the
//! error as its reason when it returns `Err` (OTP's `{:stop, reason, state}`): `?` works there
//! as it does in `init`. `terminate` runs with that reason; `Ok(())` keeps the server running.

use std::fmt;
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

type Log = Arc<Mutex<Vec<String>>>;

struct Reload;

#[derive(Debug)]
struct Corrupt(u32);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "corrupt entry {}", self.0)
    }
}

struct Store {
    total: u32,
    log: Log,
}

#[genserver]
impl Store {
    #[init]
    fn init(log: Log) -> Self {
        Store { total: 0, log }
    }

    #[handle_cast]
    fn add(&mut self, text: String) -> Result<(), std::num::ParseIntError> {
        self.total += text.parse::<u32>()?;
        Ok(())
    }

    #[handle_cast]
    fn reload_later(&mut self, ctx: &mut Context<Self>) {
        ctx.continue_with(Reload);
    }

    #[handle_continue]
    async fn reload(&mut self, _msg: Reload) -> Result<(), String> {
        tokio::task::yield_now().await;
        Err(format!("reload failed at {}", self.total))
    }

    // `Box<dyn Error>`, what rustc suggests for `?` in a function that returns nothing, though
    // it is not `Send`.
    #[handle_cast]
    fn parse_all(&mut self, texts: Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
        for text in texts {
            self.total += text.parse::<u32>()?;
        }
        Ok(())
    }

    #[handle_call]
    fn total(&mut self) -> u32 {
        self.total
    }

    #[handle_info]
    fn check(&mut self, entry: u32) -> Result<(), Corrupt> {
        if entry > self.total {
            return Err(Corrupt(entry));
        }
        Ok(())
    }

    #[terminate]
    fn terminate(&mut self, reason: &ExitReason) {
        self.log.lock().unwrap().push(reason.to_string());
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn start() -> (StoreRef, Log) {
    let log = Log::default();
    let store = Store::start(log.clone()).await.expect("starts");
    (store, log)
}

fn logged(log: &Log) -> Vec<String> {
    log.lock().unwrap().clone()
}

#[tokio::test]
async fn ok_keeps_the_server_running() {
    let (store, log) = start().await;
    store.add("2".into());
    store.add("3".into());
    store.server().pid().send(1_u32);
    assert_eq!(store.total().await, Ok(5));
    assert!(store.is_alive());
    assert!(logged(&log).is_empty());
}

#[tokio::test]
async fn an_err_from_a_cast_stops_the_server_with_it() {
    let (store, log) = start().await;
    store.add("x".into());
    let reason = store.pid().wait_exit().await;
    assert!(matches!(reason, ExitReason::Error(_)), "{reason:?}");
    assert_eq!(reason.to_string(), "error: invalid digit found in string");
    assert_eq!(logged(&log), ["error: invalid digit found in string"]);
    assert!(store.total().await.is_err());
}

#[tokio::test]
async fn a_boxed_error_stops_the_server_with_its_text() {
    let (store, log) = start().await;
    store.parse_all(vec!["1".into(), "-".into()]);
    let reason = store.pid().wait_exit().await;
    assert_eq!(reason.to_string(), "error: invalid digit found in string");
    assert_eq!(logged(&log), ["error: invalid digit found in string"]);
}

#[tokio::test]
async fn an_err_from_an_info_handler_stops_the_server_with_it() {
    let (store, log) = start().await;
    store.add("1".into());
    store.pid().send(7_u32);
    let reason = store.pid().wait_exit().await;
    assert_eq!(reason.to_string(), "error: corrupt entry 7");
    assert_eq!(logged(&log), ["error: corrupt entry 7"]);
}

#[tokio::test]
async fn an_err_from_an_async_continue_handler_stops_the_server_with_it() {
    let (store, log) = start().await;
    store.add("4".into());
    store.reload_later();
    let reason = store.pid().wait_exit().await;
    assert_eq!(reason.to_string(), "error: reload failed at 4");
    assert_eq!(logged(&log), ["error: reload failed at 4"]);
}
