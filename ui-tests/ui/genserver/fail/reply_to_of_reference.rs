// A deferred reply of a reference.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

#[genserver]
impl Counter {
    #[handle_call]
    fn name(&mut self, reply: ReplyTo<&'static [u8]>, tag: &'static str) {
        let _ = reply.reply(tag.as_bytes());
    }

    #[handle_call]
    fn label(&mut self, reply: ReplyTo<&str>) {
        let _ = reply;
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let counter = Counter::start(Counter { count: 0 }).await.unwrap();
    let name = counter.name("x").await.unwrap();
    let label = counter.label().await.unwrap();
    println!("{name:?} {label}");
}
