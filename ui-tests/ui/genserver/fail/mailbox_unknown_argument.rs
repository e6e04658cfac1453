// mistakes: 1 - An argument `#[genserver]` does not take, beside `mailbox`.
use otp_core::prelude::*;

struct Sink;

#[genserver(mailbox = 16, capacity = 16)]
impl Sink {
    #[handle_cast]
    fn put(&mut self, _item: u32) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Sink::start(Sink).await.unwrap();
    server.put(0).await;
}
