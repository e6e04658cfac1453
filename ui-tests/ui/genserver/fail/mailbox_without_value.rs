// mistakes: 1 - `mailbox` without its capacity.
use otp_core::prelude::*;

struct Sink;

#[genserver(mailbox)]
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
