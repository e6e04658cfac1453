// mistakes: 1 - A cast handler takes a `ReplyTo`.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_cast]
    fn add(&mut self, amount: u32, reply: ReplyTo<u32>) {
        self.count += amount;
        let _ = reply.reply(self.count);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    server.add(0);
}
