// A cast returns an `Option`: neither nothing nor a `Result`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn set(&mut self, value: u32) -> Option<u32> {
        self.count = value;
        Some(value)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.set(1);
}
