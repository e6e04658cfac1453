// mistakes: 1 - `#[handle_call]` in an impl block without `#[genserver]`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }
}

fn main() {
    let mut counter = Counter { count: 0 };
    let _ = counter.get();
}
