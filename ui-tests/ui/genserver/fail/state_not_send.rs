// mistakes: 1 - The server's state holds an `Rc`, which cannot move to the server's task.
use std::rc::Rc;

use otp_core::prelude::*;

struct Counter {
    count: Rc<u32>,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        *self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: Rc::new(0) }).await.unwrap();
    let _ = server.get().await.unwrap();
}
