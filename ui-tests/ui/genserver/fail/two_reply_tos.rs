// mistakes: 1 - A call handler takes two `ReplyTo`s.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn get(&mut self, first: ReplyTo<u32>, second: ReplyTo<u32>) {
        let _ = first.reply(self.count);
        let _ = second.reply(self.count);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let server = Counter::start(Counter { count: 0 }).await.unwrap();
    let _ = server.get().await.unwrap();
}
