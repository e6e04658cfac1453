// mistakes: 1 - A cast takes an `Rc`, which cannot be sent to the server.
use std::rc::Rc;

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
    fn set(&mut self, value: Rc<u32>) {
        self.count = *value;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
