// mistakes: 1 - A method named `handle_call` without `#[handle_call]`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    fn handle_call(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    server.stop(ExitReason::Normal).await.unwrap();
}
