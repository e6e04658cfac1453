//! mistakes: 1 - A plain struct as a child: it has no child spec.
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
struct Config {
    port: u16,
}

fn main() {
    let _tree = supervisor! {
        strategy: one_for_one,
        children: [Worker(Worker), Config(Config { port: 4000 })],
    };
}
