// mistakes: 1 - `#[genserver]` on a function.
use otp_core::prelude::*;

#[genserver]
fn counter() -> u32 {
    0
}

fn main() {
    let _ = counter();
}
