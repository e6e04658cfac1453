//! mistakes: 1 - A restart type that does not exist: the error lists the accepted ones.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(restart = "sometimes")]
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
