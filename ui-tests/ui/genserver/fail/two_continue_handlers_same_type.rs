// mistakes: 1 - Two `#[handle_continue]` methods for the same message type.
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

    #[handle_continue]
    fn load(&mut self, _msg: Load) {
        self.count = 1;
    }

    #[handle_continue]
    fn load_again(&mut self, _msg: Load) {
        self.count = 2;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Load;
}
