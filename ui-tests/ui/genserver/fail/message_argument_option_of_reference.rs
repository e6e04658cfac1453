// A cast takes an `Option<&str>`, which borrows from the caller.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn rename(&mut self, name: Option<&str>) {
        let _ = name;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.rename(Some("x"));
}
