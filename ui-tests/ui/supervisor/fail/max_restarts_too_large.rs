//! mistakes: 1 - A `max_restarts` too large for its `u32`.
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
        max_restarts: 5_000_000_000,
        children: [Worker(Worker)],
    };
    let sup = tree.start_link().await.unwrap();
    let worker: WorkerRef = sup.child::<Worker>("Worker").await.unwrap().unwrap();
    assert_eq!(worker.jobs().await.unwrap(), 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
