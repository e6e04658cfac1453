// mistakes: 3 - Three mistakes: `&self` on a call, a return type on a cast, no catch-all.
// All three must be reported by one build.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&self) -> u32 {
        self.count
    }

    #[handle_cast]
    fn add(&mut self, amount: u32) -> u32 {
        self.count += amount;
        self.count
    }
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
