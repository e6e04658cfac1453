//! mistakes: 1 - `brutal_kill` is a shutdown, not a start timeout: the error lists the accepted forms.
use otp_core::prelude::*;

#[derive(Clone)]
struct Endpoint;

#[genserver]
#[child_spec(start_timeout = brutal_kill)]
impl Endpoint {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
