// The context taken by value and used to stop: one error, and no rustc hint to write `mut ctx`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_cast]
    fn halt(&mut self, ctx: Context<Self>) {
        ctx.stop(ExitReason::Normal);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
    counter.halt();
}
