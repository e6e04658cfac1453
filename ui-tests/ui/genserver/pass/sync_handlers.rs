//! Every handler form as a plain `fn`, with and without `ctx`.
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
    fn init((start, log): (u32, Arc<Mutex<Vec<String>>>), ctx: &mut Context<Self>) -> Self {
        ctx.continue_with(Load);
        Counter { count: start, log }
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_call]
    fn ping(&mut self) {}

    #[handle_call]
    fn add_and_get(&mut self, amount: u32, ctx: &mut Context<Self>) -> (u32, Pid) {
        self.count += amount;
        (self.count, ctx.pid().clone())
    }

    #[handle_cast]
    fn add(&mut self, amount: u32) {
        self.count += amount;
    }

    #[handle_cast]
    fn tick_myself(&mut self, ctx: &mut Context<Self>) {
        ctx.pid().send(Tick);
    }

    #[handle_info]
    fn tick(&mut self, _msg: Tick) {
        self.count += 1;
    }

    #[handle_info]
    fn reset(&mut self, _msg: Reset, ctx: &mut Context<Self>) {
        self.count = 0;
        ctx.continue_with(Reload);
    }

    #[handle_continue]
    fn load(&mut self, _msg: Load) {
        self.log.lock().unwrap().push("load".to_owned());
    }

    #[handle_continue]
    fn reload(&mut self, _msg: Reload, ctx: &mut Context<Self>) {
        let _ = ctx.pid();
        self.log.lock().unwrap().push("reload".to_owned());
    }

    #[terminate]
    fn on_stop(&mut self, reason: &ExitReason, ctx: &mut Context<Self>) {
        let _ = ctx.pid();
        self.log.lock().unwrap().push(format!("terminate {reason}"));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, msg: AnyMessage, ctx: &mut Context<Self>) {
        let _ = ctx.pid();
        self.log.lock().unwrap().push(format!("unexpected {msg:?}"));
    }
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let counter: CounterRef = Counter::start((5, log.clone())).await.unwrap();
    let value: Result<u32, CallError> = counter.get().await;
    assert_eq!(value, Ok(5));
    let unit: Result<(), CallError> = counter.ping().await;
    assert_eq!(unit, Ok(()));
    let (count, pid) = counter.add_and_get(1).await.unwrap();
    assert_eq!((count, pid), (6, counter.pid()));
    counter.add(2);
    counter.tick_myself();
    assert_eq!(counter.get().await, Ok(8));
    // The `Tick` that `tick_myself` sent to itself came after the `get` above.
    counter.pid().send(Tick);
    assert_eq!(counter.get().await, Ok(10));
    counter.pid().send(Reset);
    counter.pid().send(42_u64);
    assert_eq!(counter.get().await, Ok(0));
    counter.stop(ExitReason::Normal).await.unwrap();
    let log = log.lock().unwrap();
    assert_eq!(log.len(), 4, "{log:?}");
    assert_eq!(log[0], "load");
    assert_eq!(log[1], "reload");
    assert!(log[2].starts_with("unexpected"), "{log:?}");
    assert!(log[3].starts_with("terminate"), "{log:?}");
}
