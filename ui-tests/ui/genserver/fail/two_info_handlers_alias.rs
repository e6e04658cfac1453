// Two `#[handle_info]` for `Tick`, one through an alias.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Tick;
type Beat = Tick;

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info]
    fn tick(&mut self, _msg: Tick) {
        self.count += 1;
    }

    #[handle_info]
    fn beat(&mut self, _msg: Beat) {
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
    counter.pid().send(Tick);
}
