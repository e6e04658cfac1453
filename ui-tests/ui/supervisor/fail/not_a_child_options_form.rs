//! mistakes: 1 - A plain struct as a child in the `Type(option = value)` form: it has no child spec.
use otp_core::prelude::*;
use otp_core::supervisor;

#[derive(Clone)]
struct Worker;

#[genserver]
impl Worker {
    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

#[derive(Clone, Default)]
struct Pool;

impl Pool {
    fn size(self, _size: usize) -> Self {
        self
    }
}

fn main() {
    let _ = Pool.size(1);
    let _tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker), Pool(size = 10)],
    };
}
