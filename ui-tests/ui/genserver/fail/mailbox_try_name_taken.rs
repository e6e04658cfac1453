// mistakes: 1 - With a bounded mailbox, the cast `put` gets a `try_put` in the client: a handler of that name
// would clash with it.
use otp_core::prelude::*;

struct Sink;

#[genserver(mailbox = 16)]
impl Sink {
    #[handle_cast]
    fn put(&mut self, _item: u32) {}

    #[handle_call]
    fn try_put(&mut self, _item: u32) -> bool {
        true
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Sink::start(Sink).await.unwrap();
    server.put(0).await;
}
