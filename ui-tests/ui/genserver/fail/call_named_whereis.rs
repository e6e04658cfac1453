// A call named `whereis`, which `#[genserver]` generates for the server type.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn whereis(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.whereis().await.unwrap();
    println!("{count}");
}
