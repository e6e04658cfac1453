// Two `#[handle_continue]` for `Load`, one written `crate::Load`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Load;

#[genserver]
impl Counter {
    #[handle_cast]
    fn reload(&mut self, ctx: &mut Context<Self>) {
        ctx.continue_with(Load);
    }

    #[handle_continue]
    fn load(&mut self, _msg: Load) {
        self.count += 1;
    }

    #[handle_continue]
    fn load_again(&mut self, _msg: crate::Load) {
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
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
    counter.reload();
}
