//! mistakes: 2 - Two children given the same id. One error on the child that repeats the id, one on the first.
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
        children: [Worker(Worker) { id = "cache" }, Other(Other) { id = "cache" }],
    };
    let sup = tree.start_link().await.unwrap();
    let worker: WorkerRef = sup.child::<Worker>("cache").await.unwrap().unwrap();
    assert_eq!(worker.jobs().await.unwrap(), 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
