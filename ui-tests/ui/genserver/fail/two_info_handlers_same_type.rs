// mistakes: 1 - Two `#[handle_info]` methods for the same message type.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Tick;

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info]
    fn tick(&mut self, _msg: Tick) {
        self.count += 1;
    }

    #[handle_info]
    fn tick_again(&mut self, _msg: Tick) {
        self.count += 2;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Tick;
}
