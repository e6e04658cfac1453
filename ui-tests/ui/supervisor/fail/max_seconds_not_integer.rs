//! mistakes: 2 - A `max_seconds` that is a literal but not an integer gets the macro's message.
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
        max_seconds: 2.5,
        children: [Worker(Worker), otp_core::DynamicSupervisor(max_seconds = "5")],
    };
}
