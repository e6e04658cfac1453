//! Every handler form as an `async fn`, with and without `ctx`.
use std::sync::{Arc, Mutex};

use otp_core::prelude::*;

struct Counter {
    count: u32,
    log: Arc<Mutex<Vec<String>>>,
}

struct Tick;
struct Reset;
struct Load;
struct Reload;

#[genserver]
impl Counter {
    #[init]
    async fn init(
        (start, log): (u32, Arc<Mutex<Vec<String>>>),
        ctx: &mut Context<Self>,
    ) -> Result<Self, InitError> {
        tokio::task::yield_now().await;
        ctx.continue_with(Load);
        Ok(Counter { count: start, log })
    }

    #[handle_call]
    async fn get(&mut self) -> u32 {
        tokio::task::yield_now().await;
        self.count
    }

    #[handle_call]
    async fn add_and_get(&mut self, amount: u32, ctx: &mut Context<Self>) -> (u32, Pid) {
        tokio::task::yield_now().await;
        self.count += amount;
        (self.count, ctx.pid().clone())
    }

    #[handle_cast]
    async fn add(&mut self, amount: u32) {
        tokio::task::yield_now().await;
        self.count += amount;
    }

    #[handle_cast]
    async fn tick_myself(&mut self, ctx: &mut Context<Self>) {
        tokio::task::yield_now().await;
        ctx.pid().send(Tick);
    }

    #[handle_info]
    async fn tick(&mut self, _msg: Tick) {
        tokio::task::yield_now().await;
        self.count += 1;
    }

    #[handle_info]
    async fn reset(&mut self, _msg: Reset, ctx: &mut Context<Self>) {
        tokio::task::yield_now().await;
        self.count = 0;
        ctx.continue_with(Reload);
    }

    #[handle_continue]
    async fn load(&mut self, _msg: Load) {
        tokio::task::yield_now().await;
        self.log.lock().unwrap().push("load".to_owned());
    }

    #[handle_continue]
    async fn reload(&mut self, _msg: Reload, ctx: &mut Context<Self>) {
        tokio::task::yield_now().await;
        let _ = ctx.pid();
        self.log.lock().unwrap().push("reload".to_owned());
    }

    #[terminate]
    async fn on_stop(&mut self, reason: &ExitReason) {
        tokio::task::yield_now().await;
        self.log.lock().unwrap().push(format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    async fn unexpected(&mut self, _msg: AnyMessage) {
        tokio::task::yield_now().await;
        self.log.lock().unwrap().push("unexpected".to_owned());
    }
}

#[tokio::main]
pub(crate) async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let counter = Counter::start((5, log.clone())).await.unwrap();
    assert_eq!(counter.get().await, Ok(5));
    let (count, pid) = counter.add_and_get(1).await.unwrap();
    assert_eq!((count, pid), (6, counter.pid()));
    counter.add(2);
    counter.tick_myself();
    // The server sends itself `Tick` while it handles `tick_myself`: the message lands before or
    // after this `get` (the caller may not have sent it yet), and surely before the next one.
    let first = counter.get().await.unwrap();
    assert!(first == 8 || first == 9, "got {first}");
    assert_eq!(counter.get().await, Ok(9));
    counter.pid().send(Tick);
    counter.pid().send(Reset);
    counter.pid().send("unexpected");
    assert_eq!(counter.get().await, Ok(0));
    counter.stop(ExitReason::Shutdown).await.unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        ["load", "reload", "unexpected", "terminate shutdown"]
    );
}
