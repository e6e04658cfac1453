// mistakes: 1 - A continue handler returns a value.
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
    fn load(&mut self, _msg: Load) -> bool {
        self.count = 1;
        true
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _ = Load;
}
