//! mistakes: 1 - A negative `max_seconds` gets the macro's message, not a type error.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _tree = supervisor! {
        strategy: one_for_one,
        max_seconds: -5,
        children: [Worker(Worker)],
    };
}
