//! `max_restarts: 0` is valid, as in OTP: the first crash is one restart too many, so the
//! supervisor stops its children and exits with `shutdown`.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_cast]
    fn fail(&mut self, ctx: &mut Context<Self>) {
        ctx.stop(ExitReason::ShutdownWith("failed".to_owned()));
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main(flavor = "current_thread")]
pub(crate) async fn main() {
    let sup = supervisor! {
        strategy: one_for_one,
        max_restarts: 0,
        max_seconds: 5,
        children: [Worker(Worker) { name = "worker" }],
    }
    .start_link()
    .await
    .unwrap();
    Worker::whereis("worker").unwrap().fail();
    assert_eq!(sup.pid().wait_exit().await, ExitReason::Shutdown);
}
