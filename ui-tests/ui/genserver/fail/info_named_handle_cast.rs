// An info handler named `handle_cast`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Tick;

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info]
    fn handle_cast(&mut self, _msg: Tick) {
        self.count += 1;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
