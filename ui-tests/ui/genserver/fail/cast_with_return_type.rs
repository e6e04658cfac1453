// mistakes: 1 - A cast handler returns a value.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn add(&mut self, amount: u32) -> u32 {
        self.count += amount;
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    server.add(0);
}
