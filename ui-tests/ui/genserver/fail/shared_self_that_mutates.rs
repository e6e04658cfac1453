// `&self` on a cast that mutates the state: the macro's error only, not rustc's as well.
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
    fn add(&self, amount: u32) {
        self.count += amount;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.add(2);
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
