//! mistakes: 1 - A `#[genserver]` whose start argument is not `Clone`: a supervisor could not restart it.
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

/// Not `Clone`.
struct Connection {
    port: u16,
}

struct Endpoint {
    port: u16,
}

#[genserver]
impl Endpoint {
    #[init]
    fn init(connection: Connection) -> Self {
        Endpoint {
            port: connection.port,
        }
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[tokio::main]
async fn main() {
    let tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker), Endpoint(Connection { port: 4000 })],
    };
    let sup = tree.start_link().await.unwrap();
    let worker: WorkerRef = sup.child::<Worker>("Worker").await.unwrap().unwrap();
    assert_eq!(worker.jobs().await.unwrap(), 0);
    sup.stop(ExitReason::Shutdown).await.unwrap();
}
