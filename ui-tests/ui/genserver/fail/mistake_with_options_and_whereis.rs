// A server with a mistake, started by name and found again: `options` and `whereis` exist.
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
    fn reset(&mut self) -> u32 {
        self.count = 0;
        0
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::options()
        .name("counter")
        .start(Counter { count: 0 })
        .await
        .unwrap();
    counter.reset();
    let found: Option<CounterRef> = Counter::whereis("counter");
    assert_eq!(found, Some(counter));
}
