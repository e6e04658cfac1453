// mistakes: 1 - An async handler holds an `Rc` across an `.await`, so its future is not `Send`.
use std::rc::Rc;

use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    async fn get(&mut self) -> u32 {
        let shared = Rc::new(self.count);
        tokio::task::yield_now().await;
        *shared
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
