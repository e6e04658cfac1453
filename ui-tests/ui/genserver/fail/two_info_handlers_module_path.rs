// Two `#[handle_info]` for `events::Tick`, one written `self::events::Tick`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

mod events {
    pub struct Tick;
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info]
    fn tick(&mut self, _msg: events::Tick) {
        self.count += 1;
    }

    #[handle_info]
    fn tick_again(&mut self, _msg: self::events::Tick) {
        self.count += 2;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
    counter.pid().send(events::Tick);
}
