// `#[genserver]` on a trait definition: the one error that applies.
use otp_core::prelude::*;

#[genserver]
trait Counter {
    fn get(&mut self) -> u32;
}

struct Count(u32);

impl Counter for Count {
    fn get(&mut self) -> u32 {
        self.0
    }
}

fn main() {
    let mut count = Count(1);
    println!("{}", count.get());
}
