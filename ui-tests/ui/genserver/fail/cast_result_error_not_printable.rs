// A cast returns `Result<(), E>` with an `E` that does not print: it cannot be a stop reason.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

struct Invalid;

#[genserver]
impl Counter {
    #[handle_cast]
    fn set(&mut self, value: u32) -> Result<(), Invalid> {
        if value == 0 {
            return Err(Invalid);
        }
        self.count = value;
        Ok(())
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.set(1);
}
