// `ctx.continue_with(Load)` in a cast, with no `#[handle_continue]` for `Load`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Load;

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_cast]
    fn reload(&mut self, ctx: &mut Context<Self>) {
        ctx.continue_with(Load);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
    counter.reload();
}
