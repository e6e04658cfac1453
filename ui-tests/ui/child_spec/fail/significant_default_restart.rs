//! mistakes: 1 - A significant child must not be permanent, and permanent is the default.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(significant = true)]
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
