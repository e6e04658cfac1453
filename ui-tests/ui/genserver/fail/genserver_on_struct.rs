// mistakes: 1 - `#[genserver]` on the struct instead of its `impl` block.
use otp_core::prelude::*;

#[genserver]
struct Counter {
    count: u32,
}

impl Counter {
    fn get(&mut self) -> u32 {
        self.count
    }
}

fn main() {
    let mut counter = Counter { count: 0 };
    let _ = counter.get();
}
