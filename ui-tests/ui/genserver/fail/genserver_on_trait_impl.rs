// mistakes: 1 - `#[genserver]` on a trait impl.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Default for Counter {
    fn default() -> Self {
        Counter { count: 0 }
    }
}

fn main() {
    let _ = Counter::default().count;
}
