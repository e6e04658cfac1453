//! mistakes: 1 - `DynamicSupervisor(max_seconds = 0)` is refused: OTP rejects a zero period.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [otp_core::DynamicSupervisor(name = "rooms", max_seconds = 0)],
    };
    let sup = tree.start_link().await.unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
