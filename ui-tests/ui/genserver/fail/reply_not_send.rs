// A call replies with an `Rc`, which cannot go back to the caller's task.
use std::rc::Rc;

use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> Rc<u32> {
        Rc::new(self.count)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count = counter.get().await.unwrap();
    println!("{count}");
}
