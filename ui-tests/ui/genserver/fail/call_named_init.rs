// A call named `init`, the name of the `#[init]` callback.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn init(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.init().await.unwrap();
    println!("{count}");
}
