// A call returns a reference into the state, which cannot go to the caller's task.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn name(&mut self) -> &str {
        "counter"
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let name = counter.name().await.unwrap();
    println!("{name}");
}
