// mistakes: 1 - A generic server whose type parameter is not bound by `Send + 'static`.
use otp_core::prelude::*;

struct Stack<T> {
    items: Vec<T>,
}

#[genserver]
impl<T> Stack<T> {
    #[handle_cast]
    fn push(&mut self, item: T) {
        self.items.push(item);
    }

    #[handle_call]
    fn pop(&mut self) -> Option<T> {
        self.items.pop()
    }

    #[handle_info(catch_all)]
    fn unexpected(&mut self, _msg: AnyMessage) {}
}

fn main() {}
