// mistakes: 1 - `#[handle_info]` with an argument other than `catch_all`.
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

    #[handle_info(priority)]
    fn tick(&mut self, _msg: Tick) {
        self.count += 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Tick;
}
