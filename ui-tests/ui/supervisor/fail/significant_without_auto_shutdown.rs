//! mistakes: 1 - A significant child in a supervisor without `auto_shutdown`: OTP refuses it.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone)]
struct Other;

#[genserver]
impl Other {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let _tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker) { restart = transient, significant = true }],
    };
}
