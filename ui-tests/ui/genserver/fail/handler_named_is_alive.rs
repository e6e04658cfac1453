// A call named `is_alive`, which the generated client already has.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_call]
    fn is_alive(&mut self) -> bool {
        true
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
    assert!(counter.is_alive());
}
