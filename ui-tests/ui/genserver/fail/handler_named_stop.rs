// mistakes: 1 - A cast named `stop`, which the generated client already has.
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

    #[handle_cast]
    fn stop(&mut self) {
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
