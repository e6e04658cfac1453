//! mistakes: 1 - `auto_shutdown: "never"` is `never`: a significant child is refused as with the bare word.
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
        auto_shutdown: "never",
        children: [Worker(Worker) { restart = transient, significant = true }],
    };
}
