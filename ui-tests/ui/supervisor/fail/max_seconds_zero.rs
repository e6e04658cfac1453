//! mistakes: 1 - `max_seconds: 0` is refused: OTP rejects a zero period.
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
        max_restarts: 3,
        max_seconds: 0,
        children: [Worker(Worker)],
    };
}
