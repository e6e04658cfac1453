//! mistakes: 1 - A start timeout that is no duration: the error lists the accepted forms.
use otp_core::prelude::*;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(start_timeout = "5 parsecs")]
impl Endpoint {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
