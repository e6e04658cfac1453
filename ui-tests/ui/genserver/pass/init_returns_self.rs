//! `#[init]` returning `Self`: `start` takes the init argument.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[init]
    fn init(start: u32) -> Self {
        Counter { count: start }
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let counter: Result<CounterRef, StartError> = Counter::start(7).await;
    assert_eq!(counter.unwrap().get().await, Ok(7));
}
