// Two `#[handle_continue]` for `Load`, one through an alias.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Load;
type Warm = Load;

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32, ctx: &mut Context<Self>) -> Self {
        ctx.continue_with(Load);
        Counter { count: start }
    }

    #[handle_continue]
    fn load(&mut self, _msg: Load) {
        self.count += 1;
    }

    #[handle_continue]
    fn warm(&mut self, _msg: Warm) {
        self.count += 2;
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(1).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
