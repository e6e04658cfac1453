//! mistakes: 1 - A plain struct as a child in the `Type(option = value)` form: it has no child spec.
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

#[derive(Clone, Default)]
struct Pool;

impl Pool {
    fn size(self, _size: usize) -> Self {
        self
    }
}

#[tokio::main]
async fn main() {
    let _ = Pool.size(1);
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker), Pool(size = 10)],
    };
    let sup = tree.start_link().await.unwrap();
    let worker: WorkerRef = sup.child::<Worker>("Worker").await.unwrap().unwrap();
    assert_eq!(worker.jobs().await.unwrap(), 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
