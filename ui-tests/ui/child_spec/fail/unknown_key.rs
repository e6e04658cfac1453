//! mistakes: 1 - A key `#[child_spec]` does not know: the error lists the keys.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(timeout = "10s")]
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
