//! The attributes and types by full path, without the prelude.
struct Echo;

#[otp_core::genserver]
impl Echo {
    #[otp_core::handle_call]
    fn echo(&mut self, text: String, ctx: &mut otp_core::Context<Self>) -> String {
        let _ = ctx.pid();
        text
    }

    #[otp_core::handle_call]
    fn later(&mut self, text: String, reply: otp_core::ReplyTo<String>) {
        let _ = reply.reply(text);
    }

    #[otp_core::terminate]
    fn on_stop(&mut self, _reason: &otp_core::ExitReason) {}

    #[otp_core::handle_info(catch_all)]
    fn unexpected(&mut self, _msg: otp_core::AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let echo = Echo::start(Echo).await.unwrap();
    assert_eq!(echo.echo("a".into()).await, Ok("a".to_owned()));
    assert_eq!(echo.later("b".into()).await, Ok("b".to_owned()));
}
