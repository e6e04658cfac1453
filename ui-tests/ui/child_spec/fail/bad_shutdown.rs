//! mistakes: 1 - A shutdown that is no duration: the error lists the accepted forms.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(shutdown = "5 parsecs")]
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
