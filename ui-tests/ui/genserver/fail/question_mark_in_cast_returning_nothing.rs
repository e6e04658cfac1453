// `?` in a cast that returns nothing: rustc's error says to return a `Result`, which a cast may.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn set(&mut self, text: String) {
        self.count = text.parse()?;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    counter.set("1".into());
}
