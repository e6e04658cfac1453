// An `#[init]` that returns nothing: `start` still takes the init argument, and the client
// // its calls, so `main` has no error of its own.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32) {
        let _ = start;
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(5).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
