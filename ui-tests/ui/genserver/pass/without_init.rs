//! No `#[init]`: `start` takes the state itself.
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

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let counter = Counter::start(Counter { count: 3 }).await.unwrap();
    assert_eq!(counter.get().await, Ok(3));
    let linked = Counter::start_link(Counter { count: 4 }).await.unwrap();
    assert_eq!(linked.get().await, Ok(4));
}
