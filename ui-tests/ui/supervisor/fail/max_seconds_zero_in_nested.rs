//! mistakes: 1 - A nested `supervisor!` with `max_seconds: 0` is refused as well.
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

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [
            supervisor! { strategy: one_for_all, max_seconds: 0, children: [Worker(Worker)] } { id = "sub" },
        ],
    };
    let sup = tree.start_link().await.unwrap();
    let worker: WorkerRef = sup.child::<Worker>("Worker").await.unwrap().unwrap();
    assert_eq!(worker.jobs().await.unwrap(), 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
