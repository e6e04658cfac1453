// mistakes: 1 - A `const fn` handler.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    const fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
