//! mistakes: 1 - Two `#[child_spec]` on one server.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(restart = "transient")]
#[child_spec(shutdown = "10s")]
impl Endpoint {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _tree = supervisor! {
        strategy: one_for_one,
        children: [Endpoint(Endpoint)],
    };
}
