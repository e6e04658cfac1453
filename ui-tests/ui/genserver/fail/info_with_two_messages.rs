// mistakes: 1 - An info handler takes two message arguments.
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
    fn tick(&mut self, _msg: Tick, step: u32) {
        self.count += step;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Tick;
}
