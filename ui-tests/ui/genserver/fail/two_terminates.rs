// mistakes: 1 - Two `#[terminate]` methods.
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

    #[terminate]
    fn on_stop(&mut self, reason: &ExitReason) {
        println!("{reason}");
    }

    #[terminate]
    fn flush(&mut self, _reason: &ExitReason) {
        self.count = 0;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
