// mistakes: 1 - A plain method named `start`, which `#[genserver]` generates.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    fn start(&mut self) {
        self.count = 0;
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
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
