//! mistakes: 1 - A child without its start argument.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct Other;

#[genserver]
impl Other {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Worker, Other(Other)],
    };
    let sup = tree.start_link().await.unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
