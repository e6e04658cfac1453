//! mistakes: 1 - A nested `supervisor!` with `max_seconds: 0` is refused as well.
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
        children: [
            supervisor! { strategy: one_for_all, max_seconds: 0, children: [Worker(Worker)] } { id = "sub" },
        ],
    };
}
