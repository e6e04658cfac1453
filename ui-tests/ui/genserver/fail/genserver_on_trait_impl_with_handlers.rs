// `#[genserver]` on a trait impl whose methods carry callback attributes: only the one error,
// none for each attribute.
use otp_core::prelude::*;

struct Counter {
    count: u32,
}

trait Count {
    fn get(&mut self) -> u32;
    fn unexpected(&mut self, msg: AnyMessage);
}

#[genserver]
impl Count for Counter {
    #[handle_call]
    fn get(&mut self) -> u32 {
        self.count
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {
    let mut counter = Counter { count: 0 };
    println!("{}", counter.get());
}
