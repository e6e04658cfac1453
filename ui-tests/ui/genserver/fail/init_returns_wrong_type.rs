// mistakes: 1 - `#[init]` returns `Option<Self>`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32) -> Option<Self> {
        Some(Counter { count: start })
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
    let server = Counter::start(0).await.unwrap();
    let _ = server.get().await.unwrap();
}
