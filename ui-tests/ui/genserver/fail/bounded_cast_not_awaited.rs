// mistakes: 1 - A cast to a bounded mailbox is a future: without `.await` nothing is sent.
#![deny(unused_must_use)]
use otp_core::prelude::*;

struct Sink;

#[genserver(mailbox = 16)]
impl Sink {
    #[handle_cast]
    fn put(&mut self, _item: u32) {}

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

async fn send(sink: SinkRef) {
    sink.put(1);
}

fn main() {
    let _ = send;
}
