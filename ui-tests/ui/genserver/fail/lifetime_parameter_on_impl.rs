// mistakes: 1 - A server that borrows: a lifetime parameter on the impl.
use otp_core::prelude::*;

struct Greeter<'a> {
    name: &'a str,
}

#[genserver]
impl<'a> Greeter<'a> {
    #[handle_call]
    fn name(&mut self) -> String {
        self.name.to_owned()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
