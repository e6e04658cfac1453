//! mistakes: 1 - A `#[genserver]` whose start argument is not `Clone`: a supervisor could not restart it.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
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

fn main() {
    let _tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker), Endpoint(Connection { port: 4000 })],
    };
}
