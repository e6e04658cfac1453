//! mistakes: 1 - An id that is a number: the macro's message, not rustc's missing `From`.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_call]
    fn jobs(&mut self) -> u32 {
        0
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

struct Endpoint {
    port: u16,
}

#[genserver]
impl Endpoint {
    #[init]
    fn init(port: u16) -> Self {
        Endpoint { port }
    }

    #[handle_call]
    fn port(&mut self) -> u16 {
        self.port
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker) { id = 1 }],
    };
    let sup = tree.start_link().await.unwrap();
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
