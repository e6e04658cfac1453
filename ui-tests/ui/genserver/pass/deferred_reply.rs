//! A call that replies later through `ReplyTo<T>`, sync and async, with and without `ctx`.
use otp_core::prelude::*;

struct Reports {
    made: u32,
}

#[genserver]
impl Reports {
    #[handle_call]
    fn generate(&mut self, size: usize, reply: ReplyTo<String>) {
        self.made += 1;
        tokio::spawn(async move {
            let _ = reply.reply("x".repeat(size));
        });
    }

    #[handle_call]
    async fn count(&mut self, reply: ReplyTo<u32>, ctx: &mut Context<Self>) {
        let _ = ctx.pid();
        tokio::task::yield_now().await;
        let _ = reply.reply(self.made);
    }

    #[handle_call]
    fn forget(&mut self, reply: ReplyTo<u32>) {
        drop(reply);
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let reports: ReportsRef = Reports::start(Reports { made: 0 }).await.unwrap();
    let text: Result<String, CallError> = reports.generate(3).await;
    assert_eq!(text, Ok("xxx".to_owned()));
    let count: Result<u32, CallError> = reports.count().await;
    assert_eq!(count, Ok(1));
    assert_eq!(reports.forget().await, Err(CallError::NoReply));
}
