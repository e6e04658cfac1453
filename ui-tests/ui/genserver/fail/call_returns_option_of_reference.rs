// A call returns an `Option<&u32>` borrowed from the state.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn peek(&mut self) -> Option<&u32> {
        Some(&self.count)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let peeked = counter.peek().await.unwrap();
    println!("{peeked:?}");
}
