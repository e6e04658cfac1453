//! mistakes: 1 - `#[child_spec]` on an impl block that is not a `#[genserver]`.
use otp_core::prelude::*;

struct Endpoint;

#[child_spec(restart = "transient")]
impl Endpoint {
    fn port(&self) -> u16 {
        4000
    }
}

fn main() {
    let _ = Endpoint.port();
}
