// mistakes: 1 - A const generic parameter on the impl.
use otp_core::prelude::*;

struct Buffer<const N: usize> {
    items: Vec<u8>,
}

#[genserver]
impl<const N: usize> Buffer<N> {
    #[handle_call]
    fn len(&mut self) -> usize {
        self.items.len().min(N)
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
