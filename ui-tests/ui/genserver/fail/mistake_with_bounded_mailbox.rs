// A bounded server with a mistake: its casts still wait for room, and `try_` casts exist.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver(mailbox = 8)]
impl Counter {
    #[handle_cast]
    fn add(&mut self, amount: u32) {
        self.count += amount;
    }

    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info]
    fn tick(&mut self) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.add(1).await;
    if counter.try_add(2).is_err() {
        return;
    }
    let count: u32 = counter.get().await.unwrap();
    println!("{count}");
}
