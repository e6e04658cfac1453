// mistakes: 1 - `ctx.continue_with(Save)` where the server only continues with `Load`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Load;
struct Save;

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32, ctx: &mut Context<Self>) -> Self {
        ctx.continue_with(Save);
        Counter { count: start }
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_continue]
    fn load(&mut self, _msg: Load) {
        self.count = 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Load;
}
